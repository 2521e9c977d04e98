"""The JSON endpoints of the resumable browser upload (static/js/upload.js is their client).

Every answer is JSON: the upload's state, or ``{"detail", "code"}`` with an error status
(422 adds the form's ``errors`` by field). Only the user who started an upload may touch it;
for anyone else it does not exist (404).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from hanami_client import BadRequest, HanamiError, Unauthorized
from portal.api import describe_error
from portal.core.session import end_session, hanami_session
from portal.datasets.files import FileProblem
from portal.datasets.forms import UploadStartForm
from portal.datasets.models import Upload
from portal.datasets.uploads import (
    CHUNK_BYTES,
    ROLES,
    ConversionFailed,
    UploadRefused,
    cancel_upload,
    check_first_chunk,
    expected_length,
    finish_upload,
    relay_chunk,
    start_upload,
    upload_state,
)
from portal.hanami import get_hanami

#: A start request carries the first bytes of each file only (64 KiB of a CSV at most).
START_MAX_BYTES = 256 * 1024
FILE_FIELDS = {"input": {"mnist": "images", "csv": "csv"}, "label": {"mnist": "labels"}}

JsonView = Callable[..., JsonResponse]
SIGN_IN_MESSAGE = "Sign in first: your portal session has ended."


def json_error(status: int, detail: str, code: str, **extra: Any) -> JsonResponse:
    """An error answer in the API's shape."""
    return JsonResponse({"detail": detail, "code": code, **extra}, status=status)


def json_endpoint(view: JsonView) -> Callable[..., HttpResponse]:
    """Signed-in users only (401 JSON, not a redirect); backend errors answered as JSON."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if hanami_session(request) is None:
            return json_error(401, SIGN_IN_MESSAGE, "not_authenticated")
        try:
            return view(request, *args, **kwargs)
        except UploadRefused as refusal:
            state = _state_of(request, kwargs.get("upload_id"))
            return json_error(refusal.status, refusal.message, refusal.code, **state)
        except HanamiError as error:
            if isinstance(error, Unauthorized):
                end_session(request)
            status, body = describe_error(error)
            return JsonResponse(body, status=status)

    return wrapper


def _state_of(request: HttpRequest, upload_id: UUID | None) -> dict[str, Any]:
    """The user's upload's current state, for an answer that makes the browser realign."""
    upload = Upload.objects.filter(pk=upload_id, owner=request.user).first()
    return {"upload": upload_state(upload)} if upload else {}


def owned_upload(request: HttpRequest, upload_id: UUID) -> Upload:
    """The signed-in user's upload, from the project it was started in."""
    upload = Upload.objects.filter(pk=upload_id, owner=request.user).first()
    if upload is None:
        raise UploadRefused("There is no such upload.", status=404, code="not_found")
    project_id = hanami_session(request)["project_id"]
    if upload.project_id != project_id:
        raise UploadRefused(
            f"This upload was started in project “{upload.project_id}”: switch back to it "
            "to continue or cancel it.",
            status=409,
            code="other_project",
        )
    return upload


def _content_length(request: HttpRequest) -> int | None:
    value = request.META.get("CONTENT_LENGTH") or ""
    return int(value) if value.isdigit() else None


def form_errors(form: UploadStartForm) -> dict[str, list[str]]:
    """The form's messages by field (``__all__`` for the form as a whole)."""
    return {field: [str(message) for message in errors] for field, errors in form.errors.items()}


@require_POST
@json_endpoint
def upload_start(request: HttpRequest) -> JsonResponse:
    """Check the name and the files' first bytes, register the dataset, remember the upload."""
    length = _content_length(request)
    if length is None or length > START_MAX_BYTES:
        return json_error(
            413, "A start request carries only the first bytes of each file.", "too_large"
        )
    form = UploadStartForm(request.POST, request.FILES)
    if form.is_valid():
        input_size, label_size = form.sizes()
        try:
            upload = start_upload(
                client=get_hanami(request),
                owner=request.user,
                project_id=hanami_session(request)["project_id"],
                kind=form.cleaned_data["kind"],
                name=form.cleaned_data["name"],
                input_size=input_size,
                label_size=label_size,
            )
        except BadRequest as error:
            form.add_error(None, error.message or "The backend refused this upload.")
        else:
            return JsonResponse(upload_state(upload), status=201)
    return json_error(422, "Check the marked fields.", "invalid_input", errors=form_errors(form))


@require_GET
@json_endpoint
def upload_status(request: HttpRequest, upload_id: UUID) -> JsonResponse:
    """The acknowledged offset of each file: where the browser goes on after a break."""
    return JsonResponse(upload_state(owned_upload(request, upload_id)))


@require_POST
@json_endpoint
def upload_chunk(request: HttpRequest, upload_id: UUID) -> JsonResponse:
    """Relay one chunk (raw body, ``?role=input|label&offset=N``) to the backend."""
    upload = owned_upload(request, upload_id)
    role = request.GET.get("role", "")
    offset_text = request.GET.get("offset", "")
    if role not in ROLES or not offset_text.isdigit():
        return json_error(400, "Name the file (role input or label) and the offset.", "bad_chunk")
    offset = int(offset_text)
    length = _content_length(request)
    if length is None:
        return json_error(411, "A chunk needs a Content-Length.", "length_required")
    if length > CHUNK_BYTES:
        return json_error(413, f"A chunk holds at most {CHUNK_BYTES} bytes.", "too_large")
    expected = expected_length(upload, role, offset)
    if length != expected:
        return json_error(
            400,
            f"This chunk must hold {expected} bytes (1 MiB, or the rest of the file).",
            "bad_chunk",
            upload=upload_state(upload),
        )
    data = request.body
    if offset == 0:
        try:
            check_first_chunk(upload, role, data)
        except FileProblem as problem:
            cancel_upload(client=get_hanami(request), upload=upload)
            field = FILE_FIELDS[role][upload.kind]
            return json_error(422, str(problem), "invalid_file", errors={field: [str(problem)]})
    upload = relay_chunk(
        client=get_hanami(request), upload=upload, role=role, offset=offset, data=data
    )
    return JsonResponse(upload_state(upload))


@require_POST
@json_endpoint
def upload_finish(request: HttpRequest, upload_id: UUID) -> JsonResponse:
    """Let the backend convert the files; answers where the new dataset is."""
    upload = owned_upload(request, upload_id)
    try:
        uuid = finish_upload(client=get_hanami(request), upload=upload)
    except ConversionFailed as failure:
        return json_error(422, str(failure), "conversion_failed")
    url = reverse("datasets:detail", args=[uuid])
    return JsonResponse({"state": "done", "dataset_uuid": uuid, "url": url})


@require_POST
@json_endpoint
def upload_cancel(request: HttpRequest, upload_id: UUID) -> JsonResponse:
    """Delete the registered dataset and forget the upload."""
    cancel_upload(client=get_hanami(request), upload=owned_upload(request, upload_id))
    return JsonResponse({"state": "cancelled"})
