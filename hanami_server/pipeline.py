"""The request pipeline of contract 1.5: upstream's steps in order; the first failure replies."""

from __future__ import annotations

import json
import logging
import re
import traceback
from dataclasses import dataclass
from typing import Any

from hanami_server.auth import TokenInvalid, read_token
from hanami_server.responses import ApiError, Response, json_reply, text_reply
from hanami_server.routing import API_PREFIX, Call
from hanami_server.state import ServerState
from hanami_server.store.logs import add_audit_entry, add_error_entry
from hanami_server.validation import validate

logger = logging.getLogger(__name__)

METHODS = ("GET", "POST", "PUT", "DELETE")
TOKEN_ENDPOINT = API_PREFIX + "token"
_INT_RE = re.compile(r"-?[0-9]+")
_FLOAT_RE = re.compile(r"-?[0-9]+\.[0-9]+")


@dataclass(frozen=True)
class RawRequest:
    """An HTTP request as it came off the wire (target undecoded: path plus query)."""

    method: str
    target: str
    token: str
    body: bytes


class _BadInput(ValueError):
    """The target or body cannot be turned into input values (step 3)."""


def handle(state: ServerState, request: RawRequest) -> Response:
    """Run one request through the pipeline; never raises."""
    target, method = request.target, request.method
    if not target.startswith("/") or ".." in target:
        return text_reply(400)
    if method not in METHODS:
        return text_reply(400, f"Invalid request-method '{method}'")
    path, _, query = target.partition("?")
    try:
        if len(path) <= 5:
            raise _BadInput(path)
        inputs = parse_inputs(method, query, request.body)
    except _BadInput:
        return text_reply(400, f"Failed to pasre uri: {target}")
    endpoint_key = path[1:]
    user: dict[str, Any] = {}
    try:
        if not (endpoint_key == TOKEN_ENDPOINT and method == "POST"):
            user = _authorize(state, request.token, endpoint_key, method)
            if method != "GET":
                add_audit_entry(
                    state.db,
                    user_id=str(user.get("id", "")),
                    endpoint=endpoint_key,
                    request_type=method,
                )
        return _dispatch(state, endpoint_key, method, user, inputs)
    except ApiError as error:
        if error.status >= 500:  # a failure we answer on purpose is still an error to log
            _record_error(state, user, inputs, f"{error.status}: {error.message}")
        return text_reply(error.status, error.message)
    except Exception:  # any crash becomes upstream's empty 500 plus an error-log row
        _record_error(state, user, inputs, traceback.format_exc())
        return text_reply(500)


def parse_inputs(method: str, query: str, body: bytes) -> dict[str, Any]:
    """Body JSON object (POST/PUT) with the query pairs on top, without the `token` key."""
    inputs: dict[str, Any] = {}
    if method in ("POST", "PUT"):
        try:
            inputs = json.loads(body.decode(), parse_constant=_reject_constant)
        except (UnicodeDecodeError, ValueError) as error:
            raise _BadInput("body is not JSON") from error
        if not isinstance(inputs, dict):
            raise _BadInput("body is not a JSON object")
    inputs.update(parse_query(query))
    inputs.pop("token", None)
    return inputs


def parse_query(query: str) -> dict[str, Any]:
    """Upstream's query parsing: no percent-decoding; integer- and decimal-looking values typed."""
    values: dict[str, Any] = {}
    for pair in query.split("&"):
        if not pair:
            continue
        key, separator, value = pair.partition("=")
        if not separator:
            value = pair
        values[key] = _typed(value)
    return values


def _typed(value: str) -> Any:
    if _INT_RE.fullmatch(value):
        return int(value)
    if _FLOAT_RE.fullmatch(value):
        return float(value)
    return value


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _authorize(state: ServerState, token: str, endpoint_key: str, method: str) -> dict[str, Any]:
    """Steps 5 and 6: a valid token whose role the policy admits for this endpoint and method."""
    if not token:
        raise ApiError(401, "Failed to validate JWT-Token with error: invalid token supplied")
    try:
        user = read_token(token, state.token_key)
    except TokenInvalid as error:
        raise ApiError(401, f"Failed to validate JWT-Token with error: {error}") from error
    role = user.get("role")
    if not isinstance(role, str):
        raise ApiError(401, "Role is missing in token")
    if not state.policy.allows(endpoint_key, method, role):
        raise ApiError(401, "Access denied by policy")
    return user


def _dispatch(
    state: ServerState, endpoint_key: str, method: str, user: dict[str, Any], inputs: dict[str, Any]
) -> Response:
    """Steps 8 to 11: route lookup, validation, the handler."""
    endpoint = state.routes.find(endpoint_key, method)
    if endpoint is None:
        raise ApiError(400, f"No endpoint found for path '{endpoint_key}' and type {method}")
    problem = validate(inputs, endpoint.fields)
    if problem:
        raise ApiError(400, problem)
    return json_reply(endpoint.handler(Call(state, user, inputs)))


def _record_error(
    state: ServerState, user: dict[str, Any], inputs: dict[str, Any], message: str
) -> None:
    logger.error("internal error: %s", message)
    visible = {key: value for key, value in inputs.items() if key != "passphrase"}
    try:
        add_error_entry(
            state.db,
            user_id=str(user.get("id", "")),
            input_values=json.dumps(visible, separators=(",", ":"), sort_keys=True),
            message=message,
        )
    except Exception:  # the reply is a 500 anyway; the log line above keeps the detail
        logger.exception("could not write the error log")
