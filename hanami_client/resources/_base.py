"""What every resource namespace shares: the transport, and reading replies into typed values."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from hanami_client._errors import ProtocolError
from hanami_client._http import Transport

__all__ = ["Resource"]

T = TypeVar("T")


class Resource:
    """A resource group's operations, sent over the client's one transport."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def _read(self, operation: str, parse: Callable[[Any], T], data: Any) -> T:
        """Parse a 200 reply; a reply that does not fit the contract is a ProtocolError."""
        try:
            return parse(data)
        except (KeyError, IndexError, TypeError, ValueError) as error:
            raise ProtocolError(
                f"the reply does not fit the contract: {error}", status=200, operation=operation
            ) from error
