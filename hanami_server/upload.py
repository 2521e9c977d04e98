"""The `file_upload` websocket target (contract 3.3): protobuf chunks written into a temp file."""

from __future__ import annotations

import os
from typing import Any

from google.protobuf.message import DecodeError

from hanami_client._proto.hanami_messages.proto3_pb2 import (
    FileUpload_Message,
    FileUploadResponse_Message,
)
from hanami_server.state import ServerState
from hanami_server.store.tempfiles import mark_received
from hanami_server.tempfiles import tempfile_path

INVALID_MESSAGE = "Got invalid FileUpload-Message"
WRITE_FAILED = "Failed to write data to disc"
_OK = FileUploadResponse_Message(success=True).SerializeToString()


class FileUploadSession:
    """One websocket bound to one temp file it holds until `close`."""

    def __init__(self, state: ServerState, tempfile: dict[str, Any]) -> None:
        self.state = state
        self.uuid: str = tempfile["uuid"]
        self.size: int = tempfile["size"]
        self._fd = os.open(tempfile_path(state.config, self.uuid), os.O_WRONLY)

    def handle(self, message: bytes) -> bytes:
        """Write one FileUpload_Message and answer with one FileUploadResponse_Message."""
        chunk = FileUpload_Message()
        try:
            chunk.ParseFromString(message)
        except DecodeError:
            return _failure(INVALID_MESSAGE)
        end = chunk.position + len(chunk.data)
        if end > self.size:
            return _failure(WRITE_FAILED)
        try:
            os.pwrite(self._fd, chunk.data, chunk.position)
        except OSError:
            return _failure(WRITE_FAILED)
        if not mark_received(self.state.db, self.uuid, chunk.position, end):
            return _failure(WRITE_FAILED)
        return _OK

    def close(self) -> None:
        """Let go of the temp file."""
        os.close(self._fd)
        self.state.uploads.detach(self.state.db, self.uuid)


def _failure(text: str) -> bytes:
    return FileUploadResponse_Message(success=False, errorMessage=text).SerializeToString()
