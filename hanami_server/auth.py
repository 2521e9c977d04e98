"""Passphrase hashes and JWTs (contract 8.3): the key file, issuing and checking tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from pathlib import Path
from typing import Any

import jwt

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
_SCRYPT_MAXMEM = 64 * 1024 * 1024
USER_CLAIM_KEYS = (
    "created_at",
    "creator_id",
    "id",
    "is_admin",
    "is_project_admin",
    "name",
    "project_id",
    "role",
)


class TokenInvalid(Exception):
    """A token that fails decoding, its signature or its expiry; the text is the library's."""


def load_or_create_key(path: Path) -> bytes:
    """The whole key file is the HMAC secret (trailing newline included); created 0600 if absent."""
    if not path.exists():
        secret = secrets.token_urlsafe(48) + "\n"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as key_file:
            key_file.write(secret)
    return path.read_bytes()


def hash_passphrase(b64_passphrase: str) -> str:
    """A salted scrypt hash of the base64 passphrase, with algorithm and parameters inside."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(b64_passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return "$".join(
        ["scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), _b64(salt), _b64(digest)]
    )


def verify_passphrase(b64_passphrase: str, stored: str) -> bool:
    """True when the base64 passphrase matches the stored hash."""
    algorithm, n, r, p, salt, digest = stored.split("$")
    if algorithm != "scrypt":
        raise ValueError(f"unknown passphrase hash algorithm {algorithm!r}")
    computed = _scrypt(b64_passphrase, base64.b64decode(salt), int(n), int(r), int(p))
    return hmac.compare_digest(computed, base64.b64decode(digest))


def encode_b64(clear: str) -> str:
    """The wire form of a clear-text passphrase (standard padded base64 of its UTF-8 bytes)."""
    return base64.b64encode(clear.encode()).decode()


def issue_token(user: dict[str, Any], key: bytes, expire_seconds: int) -> str:
    """An HS256 JWT with exactly `exp` and `user` (compact sorted JSON of the user context)."""
    context = {name: user[name] for name in USER_CLAIM_KEYS}
    claims = {
        "exp": int(time.time()) + expire_seconds,
        "user": json.dumps(context, separators=(",", ":"), sort_keys=True),
    }
    return jwt.encode(claims, key, algorithm="HS256")


def read_token(token: str, key: bytes) -> dict[str, Any]:
    """The user context of a valid token; raises TokenInvalid with the reason otherwise."""
    try:
        claims = jwt.decode(
            token, key, algorithms=["HS256"], options={"require": ["exp"]}, leeway=0
        )
    except jwt.PyJWTError as error:
        raise TokenInvalid(str(error)) from error
    try:
        context = json.loads(claims["user"])
    except (KeyError, TypeError, ValueError) as error:
        raise TokenInvalid("invalid user claim") from error
    if not isinstance(context, dict):
        raise TokenInvalid("invalid user claim")
    return context


def _scrypt(b64_passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        b64_passphrase.encode(), salt=salt, n=n, r=r, p=p, maxmem=_SCRYPT_MAXMEM, dklen=32
    )


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()
