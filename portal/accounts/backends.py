"""Authentication against the backend's POST /token, with a shadow Django user per backend user."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

from hanami_client import BadRequest, Unauthorized
from portal.hanami import new_hanami

WRONG_CREDENTIALS = "User id or passphrase is incorrect."


class HanamiBackend(BaseBackend):
    """Asks the backend for a token; on success stashes it on the request as ``hanami_token``."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: object,
    ) -> AbstractBaseUser | None:
        if request is None or username is None or password is None:
            return None
        with new_hanami() as client:
            try:
                info = client.login(username, password)
            except (Unauthorized, BadRequest) as error:
                request.hanami_login_error = error.message or WRONG_CREDENTIALS
                return None
        user = self._shadow_user(info.id, is_admin=info.is_admin)
        request.hanami_token = info
        return user

    def get_user(self, user_id: int) -> AbstractBaseUser | None:
        return get_user_model()._default_manager.filter(pk=user_id, is_active=True).first()

    @staticmethod
    def _shadow_user(user_id: str, *, is_admin: bool) -> AbstractBaseUser:
        """Create or update the Django user that stands for this backend user."""
        user, created = get_user_model()._default_manager.get_or_create(
            username=user_id, defaults={"is_staff": is_admin}
        )
        if created:
            user.set_unusable_password()
        user.is_staff = is_admin
        user.save()
        return user
