"""The portal's side of direct IO: one backend session per driving browser (or API call).

The session is the client's (``client.clusters.direct``): it switches the cluster to DIRECT mode,
binds a backend websocket with the user's token (which stays in the portal) and switches back to
TASK mode when closed. The backend ends a session when it refuses a message (it closes its
socket with the reason) or does not answer in time; the relay then reports the refusal and opens
a fresh session for the next message, so one bad message breaks nothing.
"""

from __future__ import annotations

import logging
from typing import Final

from hanami_client import (
    BackendUnavailable,
    Conflict,
    DirectIOError,
    DirectSession,
    HanamiError,
    ProtocolError,
)
from hanami_client.direct import Outputs
from portal.directio.messages import DirectMessage
from portal.hanami import new_hanami

__all__ = ["BUSY_MESSAGE", "Lost", "Refused", "Relay", "describe_failure"]

logger = logging.getLogger(__name__)

BUSY_MESSAGE: Final = (
    "The cluster is busy: a task runs on it, or another session drives it directly "
    "(switched to direct mode and not back). Try again once its tasks have finished."
)


class Refused(Exception):
    """The backend refused one message; a new session serves the next one."""


class Lost(Exception):
    """The backend session ended and no new one could be opened; the text says why."""


def describe_failure(error: HanamiError) -> str:
    """Words for the page about a backend error while opening or using a session."""
    if isinstance(error, Conflict):
        return BUSY_MESSAGE
    if isinstance(error, BackendUnavailable):
        return "The backend did not answer in time, or cannot be reached."
    return error.message or str(error)


class Relay:
    """A backend direct-IO session for one cluster, on the user's token."""

    def __init__(self, *, token: str, cluster_uuid: str, outputs: tuple[str, ...] | None) -> None:
        self.cluster_uuid = cluster_uuid
        self._outputs = outputs
        self._client = new_hanami(token)
        self._session: DirectSession | None = None

    async def open(self) -> None:
        """Switch the cluster to DIRECT mode and bind a backend socket (Conflict when busy)."""
        session = self._client.clusters.direct(self.cluster_uuid, outputs=self._outputs)
        await session.open()
        self._session = session
        # Learned from the first request when the template is not known; later requests need
        # not wait for the gap that ends an unknown number of outputs.
        self._outputs = self._outputs or session.outputs

    @property
    def is_open(self) -> bool:
        """Whether the backend session is open (False once the backend closed it)."""
        return self._session is not None and self._session.is_open

    async def wait_closed(self) -> None:
        """Wait until the current backend session's socket closes, by either side."""
        if self._session is not None:
            await self._session.wait_closed()

    async def send(self, message: DirectMessage) -> Outputs | None:
        """Relay one message: a request's outputs, None for a train message.

        ``Refused`` when the backend refused it (a fresh session is open again), ``Lost`` when
        no new session could be opened.
        """
        session = self._session
        if session is None:
            raise Lost("The session with the backend has ended.")
        try:
            if message.kind == "train":
                await session.train(message.inputs, message.expected)
                return None
            outputs = await session.request(message.inputs)
        except (DirectIOError, BackendUnavailable, ProtocolError) as error:
            await self._restart()
            raise Refused(f"The backend refused this message: {describe_failure(error)}") from error
        self._outputs = self._outputs or session.outputs
        return outputs

    async def _restart(self) -> None:
        """Close the ended session (back to TASK mode) and open a new one."""
        await self._close_session()
        try:
            await self.open()
        except HanamiError as error:
            raise Lost(describe_failure(error)) from error

    async def _close_session(self) -> None:
        session, self._session = self._session, None
        if session is None:
            return
        try:
            await session.close()
        except HanamiError as error:
            logger.warning("switching cluster %s back to task mode: %s", self.cluster_uuid, error)

    async def close(self) -> None:
        """End the session: close the backend socket, switch back to TASK mode (never raises)."""
        await self._close_session()
        self._client.close()
