"""Cluster templates (contract section 5): decode, parse, and the parsed model.

Part of the client because the grammar is part of the wire contract: the embedded server
checks templates with it and the portal's editor validates and draws them while typing.
"""

from __future__ import annotations

from hanami_client.template.decoding import decode_template
from hanami_client.template.errors import TemplateDecodeError, TemplateError
from hanami_client.template.model import ClusterTemplate, Interface, Position, Settings
from hanami_client.template.parser import parse_template

__all__ = [
    "ClusterTemplate",
    "Interface",
    "Position",
    "Settings",
    "TemplateDecodeError",
    "TemplateError",
    "decode_template",
    "parse_template",
]
