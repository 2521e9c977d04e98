"""The portal's record of a browser upload in progress, so that it can resume after a break."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Upload(models.Model):
    """A dataset registered on the backend whose files the browser is still sending."""

    class Kind(models.TextChoices):
        MNIST = "mnist", "MNIST"
        CSV = "csv", "CSV"

    class State(models.TextChoices):
        SENDING = "sending", "Sending"
        CONVERTING = "converting", "Converting on the backend"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dataset_uploads"
    )
    # The backend token is scoped to a project: the upload continues only from that project.
    project_id = models.CharField(max_length=254)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    name = models.CharField(max_length=254)
    dataset_uuid = models.CharField(max_length=36)
    input_file_uuid = models.CharField(max_length=36)
    label_file_uuid = models.CharField(max_length=36, blank=True)
    input_size = models.BigIntegerField()
    label_size = models.BigIntegerField(default=0)
    input_offset = models.BigIntegerField(default=0)
    label_offset = models.BigIntegerField(default=0)
    state = models.CharField(max_length=16, choices=State.choices, default=State.SENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.kind} upload “{self.name}” ({self.dataset_uuid})"
