"""Datasets: ``/v1.0alpha/dataset*`` and the ``file_upload`` websocket (contract 2.4, 3.3, 6).

An upload is register -> send each file -> wait until complete -> finalize. ``upload_mnist`` and
``upload_csv`` do all of it and, when any step fails (or is interrupted), delete the registered
dataset before the error goes on. The steps are public too, for callers that drive an upload
themselves: ``send_file``'s source holds the bytes that go at ``offset`` onwards (a file object
is read from its current position), so an interrupted upload resumes from any acknowledged chunk
boundary; its ``progress`` counts the bytes of that one call.
"""

from __future__ import annotations

import builtins
import contextlib
import time
from collections.abc import Callable, Mapping
from typing import Any

from hanami_client import _parse, _ws
from hanami_client._errors import BadRequest, HanamiError, ProtocolError, ServerError
from hanami_client._http import QueryValue
from hanami_client._source import CHUNK_BYTES, Source, SourceLike, open_source
from hanami_client.resources._base import Resource
from hanami_client.types import Dataset, Table, UploadTicket

__all__ = ["PAGE_ROWS", "Datasets", "Progress"]

#: The most rows one ``GET /dataset/content`` may ask for.
PAGE_ROWS = 10_000

#: ``progress(sent_bytes, total_bytes)``, called after each acknowledged chunk.
Progress = Callable[[int, int], object]

_LIST_CELLS = {
    "created_at": _parse.text,
    "uuid": _parse.text,
    "project_id": _parse.text,
    "owner_id": _parse.text,
    "visibility": _parse.text,
    "name": _parse.text,
}


class Datasets(Resource):
    """Upload, read, list, download, check and delete datasets."""

    def list(self) -> Table:
        """Visible datasets: columns created_at, uuid, project_id, owner_id, visibility, name."""
        data = self._transport.send_json("GET", "/dataset/all", operation="datasets.list")
        return self._read("datasets.list", lambda d: _parse.table(d, _LIST_CELLS), data)

    def get(self, uuid: str) -> Dataset:
        """One dataset with its column ranges and size."""
        query = {"uuid": uuid}
        data = self._transport.send_json("GET", "/dataset", operation="datasets.get", query=query)
        return self._read("datasets.get", _parse.dataset, data)

    def delete(self, uuid: str) -> None:
        """Delete a dataset (its row and its file)."""
        query = {"uuid": uuid}
        self._transport.send_json("DELETE", "/dataset", operation="datasets.delete", query=query)

    def upload_mnist(
        self,
        name: str,
        images: SourceLike,
        labels: SourceLike,
        *,
        progress: Progress | None = None,
    ) -> Dataset:
        """Upload an MNIST pair of idx files (paths, binary files or bytes) as a new dataset."""
        with open_source(images) as image_source, open_source(labels) as label_source:
            ticket = self.register_mnist(name, image_source.size, label_source.size)
            files = [
                (ticket.input_file_uuid, image_source),
                (str(ticket.label_file_uuid), label_source),
            ]
            return self._upload(ticket, files, self.finalize_mnist, progress)

    def upload_csv(
        self, name: str, source: SourceLike, *, progress: Progress | None = None
    ) -> Dataset:
        """Upload a CSV file (path, binary file or bytes) as a new dataset."""
        with open_source(source) as csv_source:
            ticket = self.register_csv(name, csv_source.size)
            files = [(ticket.input_file_uuid, csv_source)]
            return self._upload(ticket, files, self.finalize_csv, progress)

    def content(
        self, uuid: str, column: str, *, row_offset: int = 0, number_of_rows: int = 1
    ) -> builtins.list[builtins.list[float]]:
        """Rows of one column range as floats, fetched in pages of at most PAGE_ROWS rows."""
        operation = "datasets.content"
        rows: builtins.list[builtins.list[float]] = []
        for start, count in _pages(row_offset, number_of_rows):
            query: dict[str, QueryValue] = {
                "uuid": uuid,
                "column_name": column,
                "row_offset": start,
                "number_of_rows": count,
            }
            data = self._ranged_get(operation, "/dataset/content", query)
            page = self._read(operation, _parse.rows, data)
            if len(page) != count:
                raise ProtocolError(
                    f"asked for {count} rows, got {len(page)}", status=200, operation=operation
                )
            rows.extend(page)
        return rows

    def check(self, uuid: str, reference_uuid: str) -> float:
        """The accuracy in percent of a result dataset against a labelled MNIST reference."""
        operation = "datasets.check"
        query = {"uuid": uuid, "reference_uuid": reference_uuid}
        data = self._ranged_get(operation, "/dataset/check", query)
        return self._read(operation, lambda d: float(d["accuracy"]), data)

    def register_mnist(self, name: str, input_size: int, label_size: int) -> UploadTicket:
        """Register an MNIST upload of the given byte sizes (step 1)."""
        operation = "datasets.register_mnist"
        body = {"name": name, "input_data_size": input_size, "label_data_size": label_size}
        data = self._transport.send_json(
            "POST", "/dataset/upload/mnist", operation=operation, body=body
        )
        ticket = self._read(operation, _parse.upload_ticket, data)
        if ticket.label_file_uuid is None:
            self._discard(ticket.dataset_uuid)
            raise ProtocolError("the reply names no label file", status=200, operation=operation)
        return ticket

    def register_csv(self, name: str, input_size: int) -> UploadTicket:
        """Register a CSV upload of the given byte size (step 1)."""
        operation = "datasets.register_csv"
        body = {"name": name, "input_data_size": input_size}
        data = self._transport.send_json(
            "POST", "/dataset/upload/csv", operation=operation, body=body
        )
        return self._read(operation, _parse.upload_ticket, data)

    def send_file(
        self,
        file_uuid: str,
        source: SourceLike,
        *,
        offset: int = 0,
        progress: Progress | None = None,
    ) -> int:
        """Send a source into a temp file from ``offset`` on (step 2); returns the bytes sent."""
        _check_offset(offset)
        with open_source(source) as opened:
            return self._send(file_uuid, opened, offset, _counter(progress, opened.size))

    async def send_file_async(
        self,
        file_uuid: str,
        source: SourceLike,
        *,
        offset: int = 0,
        progress: Progress | None = None,
    ) -> int:
        """``send_file`` over the asyncio websocket client."""
        _check_offset(offset)
        with open_source(source) as opened:
            return await _ws.upload_async(
                self._transport.address,
                self._transport.token or "",
                file_uuid,
                opened.chunks(offset, "datasets.send_file"),
                _counter(progress, opened.size),
                verify=self._transport.verify,
                timeout=self._transport.timeout,
            )

    def upload_complete(self, uuid: str) -> bool:
        """Whether every temp file of a registered dataset holds all its bytes (step 3)."""
        operation = "datasets.upload_complete"
        query = {"uuid": uuid}
        data = self._transport.send_json(
            "GET", "/dataset/progress", operation=operation, query=query
        )
        return self._read(operation, lambda d: _parse.flag(d["complete"]), data)

    def finalize_mnist(self, ticket: UploadTicket) -> str:
        """Convert the uploaded idx files into the dataset (step 4); returns its uuid."""
        body = {
            "uuid": ticket.dataset_uuid,
            "uuid_input_file": ticket.input_file_uuid,
            "uuid_label_file": ticket.label_file_uuid,
        }
        return self._finalize("datasets.finalize_mnist", "/dataset/upload/mnist", body)

    def finalize_csv(self, ticket: UploadTicket) -> str:
        """Convert the uploaded CSV file into the dataset (step 4); returns its uuid."""
        body = {"uuid": ticket.dataset_uuid, "uuid_input_file": ticket.input_file_uuid}
        return self._finalize("datasets.finalize_csv", "/dataset/upload/csv", body)

    def _finalize(self, operation: str, path: str, body: dict[str, Any]) -> str:
        data = self._transport.send_json("PUT", path, operation=operation, body=body)
        return self._read(operation, lambda d: _parse.text(d["uuid"]), data)

    def _upload(
        self,
        ticket: UploadTicket,
        files: builtins.list[tuple[str, Source]],
        finalize: Callable[[UploadTicket], str],
        progress: Progress | None,
    ) -> Dataset:
        """Steps 2 to 4 and a final read; on any failure the registered dataset is deleted."""
        acknowledged = _counter(progress, sum(source.size for _, source in files))
        try:
            for file_uuid, source in files:
                self._send(file_uuid, source, 0, acknowledged)
            self._wait_until_complete(ticket.dataset_uuid)
            return self.get(finalize(ticket))
        except BaseException:
            self._discard(ticket.dataset_uuid)
            raise

    def _send(
        self, file_uuid: str, source: Source, offset: int, acknowledged: Callable[[int], None]
    ) -> int:
        return _ws.upload(
            self._transport.address,
            self._transport.token or "",
            file_uuid,
            source.chunks(offset, "datasets.send_file"),
            acknowledged,
            verify=self._transport.verify,
            timeout=self._transport.timeout,
        )

    def _discard(self, uuid: str) -> None:
        """Delete a half-made dataset, best effort: the error that got us here is the news."""
        with contextlib.suppress(HanamiError):
            self.delete(uuid)

    def _wait_until_complete(self, uuid: str) -> None:
        """Poll the progress until complete, for at most the client's timeout."""
        deadline = time.monotonic() + self._transport.timeout
        pause = 0.01
        while not self.upload_complete(uuid):
            if time.monotonic() >= deadline:
                raise ProtocolError(
                    f"every chunk was acknowledged, but the upload was not reported complete "
                    f"within {self._transport.timeout:g} s",
                    operation="datasets.upload_complete",
                )
            time.sleep(pause)
            pause = min(pause * 2, 0.5)

    def _ranged_get(
        self, operation: str, path: str, query: Mapping[str, QueryValue]
    ) -> dict[str, Any]:
        """A GET whose range errors upstream answers with status 1: BadRequest, like a 400."""
        try:
            return self._transport.send_json("GET", path, operation=operation, query=query)
        except ServerError as error:
            if error.status != 1:
                raise
            # Rows or columns out of range are the caller's mistake (contract 11 #7): our
            # server answers 400 there, so both backends raise the same error (status 1 kept).
            raise BadRequest(error.message, status=1, operation=operation) from error


def _pages(row_offset: int, number_of_rows: int) -> builtins.list[tuple[int, int]]:
    """``(row_offset, number_of_rows)`` of each request; the server judges a single bad one."""
    if number_of_rows <= PAGE_ROWS:
        return [(row_offset, number_of_rows)]
    end = row_offset + number_of_rows
    return [(start, min(PAGE_ROWS, end - start)) for start in range(row_offset, end, PAGE_ROWS)]


def _check_offset(offset: int) -> None:
    """The server counts chunks by ``position // 131072``: an offset must start a chunk."""
    if offset < 0 or offset % CHUNK_BYTES:
        raise ValueError(f"offset must be a non-negative multiple of {CHUNK_BYTES}, not {offset}")


def _counter(progress: Progress | None, total: int) -> Callable[[int], None]:
    """Sum acknowledged bytes and report ``progress(sent, total)`` after each chunk."""
    sent = 0

    def acknowledged(size: int) -> None:
        nonlocal sent
        sent += size
        if progress is not None:
            progress(sent, total)

    return acknowledged
