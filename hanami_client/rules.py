"""The field rules of the wire contract (section 1.7), for checking input before it is sent."""

from __future__ import annotations

import re

__all__ = [
    "B64_RE",
    "ID_EXT_RE",
    "ID_LENGTH",
    "ID_RE",
    "NAME_LENGTH",
    "NAME_RE",
    "PASSPHRASE_MIN_BYTES",
    "UUID_RE",
]

UUID_RE = re.compile(r"[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}")
ID_RE = re.compile(r"[a-zA-Z][a-zA-Z_0-9]*")
ID_EXT_RE = re.compile(r"[a-zA-Z][a-zA-Z_0-9@]*")
NAME_RE = re.compile(r"[a-zA-Z][a-zA-Z_0-9\- ]*")
B64_RE = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")

#: Inclusive length limits (in bytes) of ids and names.
ID_LENGTH = (4, 254)
NAME_LENGTH = (4, 254)
#: A passphrase travels base64-encoded in 8..4096 characters, so it needs at least 4 bytes.
PASSPHRASE_MIN_BYTES = 4
