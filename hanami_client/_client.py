"""HanamiClient: a backend address, token, TLS setting and timeout over one reused session."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from hanami_client._errors import ProtocolError, Unauthorized
from hanami_client._http import Transport
from hanami_client._token import decode_token, encode_passphrase
from hanami_client.resources import (
    Checkpoints,
    Clusters,
    Datasets,
    Hosts,
    Logs,
    Measurements,
    Projects,
    System,
    Tasks,
    Users,
)
from hanami_client.types import TokenInfo

__all__ = ["HanamiClient"]


class HanamiClient:
    """The way to an OpenHanami backend: ``client.login(...)``, then ``client.users``, ..."""

    def __init__(
        self,
        address: str,
        token: str | None = None,
        *,
        verify: bool | str = True,
        timeout: float = 10.0,
    ) -> None:
        self._transport = Transport(address, token, verify=verify, timeout=timeout)
        self.users = Users(self._transport)
        self.projects = Projects(self._transport)
        self.datasets = Datasets(self._transport)
        self.clusters = Clusters(self._transport)
        self.tasks = Tasks(self._transport)
        self.checkpoints = Checkpoints(self._transport)
        self.hosts = Hosts(self._transport)
        self.logs = Logs(self._transport)
        self.measurements = Measurements(self._transport)
        self.system = System(self._transport)

    @property
    def address(self) -> str:
        """The backend's base address, without a trailing slash."""
        return self._transport.address

    @property
    def token(self) -> str | None:
        """The token sent with every request (settable)."""
        return self._transport.token

    @token.setter
    def token(self, value: str | None) -> None:
        self._transport.token = value

    @property
    def verify(self) -> bool | str:
        """TLS verification: True, False, or the path of a CA bundle."""
        return self._transport.verify

    @property
    def timeout(self) -> float:
        """Seconds to wait for a connection and for each read."""
        return self._transport.timeout

    def login(self, user_id: str, passphrase: str) -> TokenInfo:
        """Request a token with a clear passphrase; keep it for later calls."""
        body = {"id": user_id, "passphrase": encode_passphrase(passphrase)}
        data = self._transport.send_json("POST", "/token", operation="token.login", body=body)
        return self._keep_token(data, "token.login")

    def renew_token(self, project_id: str) -> TokenInfo:
        """Renew the token, in the same or another of the user's projects; keep the new one."""
        body = {"project_id": project_id}
        data = self._transport.send_json("PUT", "/token", operation="token.renew", body=body)
        return self._keep_token(data, "token.renew")

    def token_info(self) -> TokenInfo:
        """The current token's claims, decoded locally without verification."""
        if not self.token:
            raise Unauthorized("no token: log in first", operation="token.info")
        try:
            return decode_token(self.token)
        except ValueError as error:
            raise Unauthorized(str(error), operation="token.info") from error

    def close(self) -> None:
        """Release the HTTP session."""
        self._transport.close()

    def __enter__(self) -> HanamiClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"HanamiClient({self.address!r})"

    def _keep_token(self, data: dict[str, Any], operation: str) -> TokenInfo:
        try:
            info = decode_token(data["token"])
        except (KeyError, TypeError, ValueError) as error:
            raise ProtocolError(
                f"the reply holds no usable token: {error}", status=200, operation=operation
            ) from error
        self.token = info.token
        return info
