"""The official SDK's exceptions, same names; each holds the server's reply body as ``message``."""

from __future__ import annotations

__all__ = [
    "BadRequestException",
    "ConflictException",
    "InternalServerErrorException",
    "NotFoundException",
    "UnauthorizedException",
]


class NotFoundException(Exception):
    """404."""

    def __init__(self, message: bytes) -> None:
        self.message = message
        super().__init__(message)


class UnauthorizedException(Exception):
    """401."""

    def __init__(self, message: bytes) -> None:
        self.message = message
        super().__init__(message)


class BadRequestException(Exception):
    """400."""

    def __init__(self, message: bytes) -> None:
        self.message = message
        super().__init__(message)


class ConflictException(Exception):
    """409."""

    def __init__(self, message: bytes) -> None:
        self.message = message
        super().__init__(message)


class InternalServerErrorException(Exception):
    """500 (upstream sends no message with it)."""

    def __init__(self) -> None:
        self.message = "Server internal error appeared."
        super().__init__(self.message)
