"""The resumable browser upload: start, relay one chunk, finish, cancel (services).

The browser sends each file in chunks of CHUNK_BYTES; every chunk is relayed to the backend
over its own ``file_upload`` websocket at the file offset it belongs to, and the offset the
backend acknowledged is kept in the ``Upload`` row. After a break the browser asks for those
offsets and goes on from there. Only one chunk is ever held in memory.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import F

from hanami_client import (
    ApiError,
    BadRequest,
    HanamiClient,
    NotFound,
    ServerError,
    UploadTicket,
)
from portal.datasets.files import (
    CSV_HEAD_BYTES,
    IMAGES_HEAD_BYTES,
    LABELS_HEAD_BYTES,
    check_csv,
    check_images,
    check_label_count,
    check_labels,
)
from portal.datasets.models import Upload

__all__ = [
    "CHUNK_BYTES",
    "ROLES",
    "ConversionFailed",
    "UploadRefused",
    "cancel_upload",
    "check_first_chunk",
    "expected_length",
    "finish_upload",
    "relay_chunk",
    "start_upload",
    "upload_state",
]

#: One browser chunk: 1 MiB, eight of the backend's 128 KiB websocket chunks.
CHUNK_BYTES = 1024 * 1024
#: The files of an upload: ``input`` (MNIST images or the CSV file) and ``label``.
ROLES = ("input", "label")


class UploadRefused(Exception):
    """The request does not fit the upload's state; ``status`` and the state go back."""

    def __init__(self, message: str, *, status: int, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code


class ConversionFailed(Exception):
    """The backend refused to convert the files; the dataset is deleted already."""


def upload_state(upload: Upload) -> dict[str, Any]:
    """What the browser needs to go on: sizes and acknowledged offsets of each file."""
    files = {"input": {"size": upload.input_size, "offset": upload.input_offset}}
    if upload.kind == Upload.Kind.MNIST:
        files["label"] = {"size": upload.label_size, "offset": upload.label_offset}
    return {
        "id": str(upload.id),
        "kind": upload.kind,
        "name": upload.name,
        "dataset_uuid": upload.dataset_uuid,
        "state": upload.state,
        "chunk_bytes": CHUNK_BYTES,
        "files": files,
        "sent": sum(entry["offset"] for entry in files.values()),
        "total": sum(entry["size"] for entry in files.values()),
    }


def start_upload(
    *,
    client: HanamiClient,
    owner: AbstractBaseUser,
    project_id: str,
    kind: str,
    name: str,
    input_size: int,
    label_size: int,
) -> Upload:
    """Register the dataset on the backend and remember the upload."""
    if kind == Upload.Kind.MNIST:
        ticket = client.datasets.register_mnist(name, input_size, label_size)
    else:
        ticket = client.datasets.register_csv(name, input_size)
    return Upload.objects.create(
        owner=owner,
        project_id=project_id,
        kind=kind,
        name=name,
        dataset_uuid=ticket.dataset_uuid,
        input_file_uuid=ticket.input_file_uuid,
        label_file_uuid=ticket.label_file_uuid or "",
        input_size=input_size,
        label_size=label_size,
    )


def _offsets(upload: Upload, role: str) -> tuple[str, int, int]:
    """The offset field, acknowledged offset and size of one file of the upload."""
    if role == "label":
        return "label_offset", upload.label_offset, upload.label_size
    return "input_offset", upload.input_offset, upload.input_size


def expected_length(upload: Upload, role: str, offset: int) -> int:
    """Check that a chunk for ``offset`` is the next one; return the length it must have."""
    if upload.state != Upload.State.SENDING:
        raise UploadRefused("The files are being converted already.", status=409, code="converting")
    if role == "label" and upload.kind != Upload.Kind.MNIST:
        raise UploadRefused("A CSV upload has no label file.", status=400, code="bad_role")
    _, acknowledged, size = _offsets(upload, role)
    if offset != acknowledged:
        raise UploadRefused(
            f"The portal expects the chunk at byte {acknowledged}, not {offset}.",
            status=409,
            code="offset_mismatch",
        )
    if offset >= size:
        raise UploadRefused("This file is complete already.", status=409, code="file_complete")
    return min(CHUNK_BYTES, size - offset)


def check_first_chunk(upload: Upload, role: str, data: bytes) -> None:
    """Run the file checks again on the real first bytes (FileProblem when they fail)."""
    if upload.kind == Upload.Kind.CSV:
        check_csv(data[:CSV_HEAD_BYTES], upload.input_size)
    elif role == "input":
        header = check_images(data[:IMAGES_HEAD_BYTES], upload.input_size)
        check_label_count(upload.label_size, header.count)
    else:
        check_labels(data[:LABELS_HEAD_BYTES], upload.label_size, None)


def relay_chunk(
    *, client: HanamiClient, upload: Upload, role: str, offset: int, data: bytes
) -> Upload:
    """Send one chunk on to the backend and record the new acknowledged offset."""
    field, _, _ = _offsets(upload, role)
    file_uuid = upload.label_file_uuid if role == "label" else upload.input_file_uuid
    acknowledged = client.datasets.send_file(file_uuid, data, offset=offset)
    # Only from the offset the chunk was checked against: a second tab sending the same chunk
    # at the same time writes the same bytes and moves nothing twice.
    moved = Upload.objects.filter(pk=upload.pk, **{field: offset}).update(
        **{field: F(field) + acknowledged}
    )
    upload.refresh_from_db()
    if not moved:
        raise UploadRefused(
            "Another request sent this chunk first.", status=409, code="offset_mismatch"
        )
    return upload


def wait_until_complete(client: HanamiClient, dataset_uuid: str) -> bool:
    """Poll the backend's upload progress until complete, for at most the client timeout."""
    deadline = time.monotonic() + settings.HANAMI_TIMEOUT
    pause = 0.01
    while not client.datasets.upload_complete(dataset_uuid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(pause)
        pause = min(pause * 2, 0.5)
    return True


def finish_upload(*, client: HanamiClient, upload: Upload) -> str:
    """Convert the sent files into the dataset; returns its uuid. The Upload row goes away."""
    missing = upload.input_size - upload.input_offset + upload.label_size - upload.label_offset
    if missing:
        raise UploadRefused(
            f"{missing} bytes have not been sent yet.", status=409, code="incomplete"
        )
    started = Upload.objects.filter(pk=upload.pk, state=Upload.State.SENDING).update(
        state=Upload.State.CONVERTING
    )
    if not started:
        raise UploadRefused("The files are being converted already.", status=409, code="converting")
    try:
        complete = wait_until_complete(client, upload.dataset_uuid)
        if not complete:
            raise UploadRefused(
                "The backend does not report every chunk as received. Try again; if this "
                "persists, cancel and upload the files again.",
                status=409,
                code="incomplete",
            )
        if upload.kind == Upload.Kind.MNIST:
            uuid = client.datasets.finalize_mnist(_ticket(upload))
        else:
            uuid = client.datasets.finalize_csv(_ticket(upload))
    except (BadRequest, ServerError) as error:
        # A conversion the backend refuses (400) or that broke (500) leaves a useless dataset.
        cancel_upload(client=client, upload=upload)
        raise ConversionFailed(_conversion_message(error)) from error
    except BaseException:
        Upload.objects.filter(pk=upload.pk).update(state=Upload.State.SENDING)
        raise
    upload.delete()
    return uuid


def _conversion_message(error: ApiError) -> str:
    """Why the conversion failed, in the backend's words when it gave some."""
    if isinstance(error, BadRequest) and error.message:
        return f"The backend could not convert the files: {error.message}"
    return "The backend failed while converting the files."


def _ticket(upload: Upload) -> UploadTicket:
    """The registration the upload was started with, as finalize wants it."""
    return UploadTicket(upload.dataset_uuid, upload.input_file_uuid, upload.label_file_uuid or None)


def cancel_upload(*, client: HanamiClient, upload: Upload) -> None:
    """Delete the registered dataset (with its temp files) and forget the upload."""
    with contextlib.suppress(NotFound):
        client.datasets.delete(upload.dataset_uuid)
    upload.delete()
