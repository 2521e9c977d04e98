"""The token's wire details: how a passphrase travels and what the JWT's ``user`` claim holds."""

from __future__ import annotations

import base64
import json

import jwt

from hanami_client._parse import flag, text
from hanami_client.types import TokenInfo

__all__ = ["decode_token", "encode_passphrase"]


def encode_passphrase(passphrase: str) -> str:
    """The passphrase as the backend expects it: base64 of its UTF-8 bytes."""
    return base64.b64encode(passphrase.encode()).decode("ascii")


def decode_token(token: str) -> TokenInfo:
    """Read a token's claims without verifying them (the backend does); ValueError if malformed."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
        user = json.loads(claims["user"])
        info = TokenInfo(
            token=token,
            id=text(user["id"]),
            name=text(user["name"]),
            is_admin=flag(user["is_admin"]),
            project_id=text(user["project_id"]),
            role=text(user["role"]),
            is_project_admin=flag(user["is_project_admin"]),
            expires_at=int(claims["exp"]),
        )
    except (jwt.PyJWTError, KeyError, TypeError, ValueError) as error:
        raise ValueError(f"not a backend token: {error}") from error
    return info
