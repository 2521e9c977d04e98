"""The base64 template field of ``POST /cluster`` turned into template text."""

from __future__ import annotations

import base64

from hanami_client.template.errors import TemplateDecodeError


def decode_template(b64: str) -> str:
    """The template text in ``b64``; raises TemplateDecodeError as upstream (contract 2.5).

    Refused: a length that is not a multiple of 4, an empty decode (so ``""`` too: the caller
    handles an absent or empty template before decoding) and, stricter than upstream, characters
    outside the base64 alphabet. Bytes that are not UTF-8 become U+FFFD, which the lexer then
    reports as an ``invalid character`` where it stands.
    """
    if len(b64) % 4:
        raise TemplateDecodeError
    try:
        raw = base64.b64decode(b64, validate=True)
    except ValueError:
        raise TemplateDecodeError from None
    if not raw:
        raise TemplateDecodeError
    return raw.decode("utf-8", errors="replace")
