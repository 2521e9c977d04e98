"""Cluster templates (contract section 5): decode, parse, and the parsed model."""

from __future__ import annotations

from hanami_server.template.decoding import decode_template
from hanami_server.template.errors import TemplateDecodeError, TemplateError
from hanami_server.template.model import ClusterTemplate, Interface, Position, Settings
from hanami_server.template.parser import parse_template

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
