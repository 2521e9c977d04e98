"""The shadow user: one Django user per backend user, so sessions and Channels' auth work."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A backend user seen by Django; it has no usable password (the backend checks it)."""

    # Backend user ids are up to 254 characters (contract section 2.2).
    username = models.CharField("user id", max_length=254, unique=True)

    def __str__(self) -> str:
        return self.username
