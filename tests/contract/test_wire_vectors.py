"""Replay the recorded conversation with the real OpenHanami server against a fresh embedded one.

`tests/data/wire-vectors.jsonl` holds the real server's replies; each step is sent again and its
reply compared after the same normalisation as the shared replay script (tokens become `<jwt>`,
timestamps `<ts>`, uuids `<uuid:N>` numbered by first appearance). Steps of slices not built yet
are listed in LATER_SLICES with the reason, reported as skipped, never dropped. The recorded
requests do not say which reply values later steps use, nor which steps poll: CAPTURES and WAITS
carry that from the shared script's conversation.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from websockets.sync.client import connect

from hanami_client._proto.hanami_messages.proto3_pb2 import (
    EXPECTED_BUFFER_TYPE,
    INPUT_BUFFER_TYPE,
    REQUEST_TYPE,
    TRAIN_TYPE,
    ClusterIO_Message,
    FileUpload_Message,
    FileUploadResponse_Message,
)
from tests.backend import start_backend

DATA = Path(__file__).resolve().parent.parent / "data"
VECTORS = DATA / "wire-vectors.jsonl"
CHUNK = 131072
API = "/v1.0alpha"
BOGUS_TOKEN = "eyJhbGciOiJIUzI1NiJ9.e30.bogus"
UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
JWT_RE = re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
TS_RE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
SLOT_RE = re.compile(r"<uuid:(\d+)>")

LATER_SLICES: dict[str, str] = {}

# reply values that later steps name in their requests ("{mnist}" ...): step -> {name: reply key}
CAPTURES: dict[str, dict[str, str]] = {
    "mnist register": {
        "mnist": "uuid",
        "mnist_images": "uuid_input_file",
        "mnist_labels": "uuid_label_file",
    },
    "csv register": {"csv": "uuid", "csv_file": "uuid_input_file"},
    "cluster create": {"cluster": "uuid"},
    "train": {"train": "uuid"},
    "request": {"result": "uuid"},
    "save": {"checkpoint": "uuid"},
    "restore": {"restore": "uuid"},
}
# steps that poll until a reply key has a value, as the SDK does
WAITS: dict[str, tuple[str, Any]] = {
    "mnist progress": ("complete", True),
    "csv progress": ("complete", True),
    "train done": ("state", "finished"),
    "request done": ("state", "finished"),
    "save done": ("state", "finished"),
    "restore done": ("state", "finished"),
}
# the files of the WS-UPLOAD steps (the CSV is the shared script's, generated the same way)
UPLOADS = {
    "test-images": lambda: (DATA / "mnist-5k" / "t10k-images-idx3-ubyte").read_bytes(),
    "test-labels": lambda: (DATA / "mnist-5k" / "t10k-labels-idx1-ubyte").read_bytes(),
    "csv": lambda: (
        "alpha,beta,gamma\n"
        + "".join(f"{i},{i * 0.5:.1f},{'true' if i % 3 == 0 else i % 7}\n" for i in range(40))
    ).encode(),
}

STEPS: list[dict[str, Any]] = [json.loads(line) for line in VECTORS.read_text().splitlines()]


class Names:
    """uuids become <uuid:N> in order of first appearance; slots of skipped steps stay reserved."""

    def __init__(self) -> None:
        self.slot: dict[str, int] = {}
        self.next_slot = 1
        self.named: dict[str, str] = {}

    def normal(self, text: str) -> str:
        text = JWT_RE.sub("<jwt>", text)
        text = TS_RE.sub("<ts>", text)
        return UUID_RE.sub(self._number, text)

    def _number(self, match: re.Match[str]) -> str:
        if match.group(0) not in self.slot:
            self.slot[match.group(0)] = self.next_slot
            self.next_slot += 1
        return f"<uuid:{self.slot[match.group(0)]}>"

    def reserve(self, recorded_body: str) -> None:
        """A skipped step's uuids keep their numbers, so later steps still compare exactly."""
        numbers = [int(n) for n in SLOT_RE.findall(recorded_body)]
        self.next_slot = max([self.next_slot - 1, *numbers]) + 1

    def fill(self, value: Any) -> Any:
        """Real uuids into a request; a name captured by a skipped step gets a fresh uuid."""
        if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
            return self.named.get(value[1:-1]) or str(uuid.uuid4())
        if isinstance(value, list):
            return [self.fill(item) for item in value]
        if isinstance(value, dict):
            return {key: self.fill(item) for key, item in value.items()}
        return value


def shape(value: Any) -> Any:
    """The structure of a JSON value: keys, types, list lengths."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [len(value), shape(value[0]) if value else None]
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


class Replayer:
    """Sends the recorded requests as the shared script does and compares the replies."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.ws_url = address.replace("http", "ws", 1)
        self.tokens: dict[str, str | None] = {"none": None, "bogus": BOGUS_TOKEN}
        self.names = Names()

    def rest(self, actor: str, method: str, path: str, data: Any) -> tuple[int, str, str]:
        token = self.tokens.get(actor)
        headers = {"X-Auth-Token": token} if token else {}
        url = self.address + API + path
        if method in ("GET", "DELETE"):
            query = "&".join(f"{key}={value}" for key, value in (data or {}).items())
            reply = requests.request(
                method, url + ("?" + query if query else ""), headers=headers, timeout=60
            )
        else:
            body = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))
            reply = requests.request(method, url, headers=headers, data=body.encode(), timeout=60)
        return reply.status_code, reply.headers.get("Content-Type", ""), reply.text

    def ws_init(self, actor: str, target_uuid: str, spec: dict[str, str]) -> tuple[int, str, str]:
        token = spec.get("token", self.tokens[actor])
        with connect(self.ws_url, open_timeout=30) as conn:
            conn.send(json.dumps({"token": token, "target": spec["target"], "uuid": target_uuid}))
            frame = conn.recv(timeout=30)
        return 200, "websocket", frame.decode() if isinstance(frame, bytes) else frame

    def upload(self, actor: str, file_uuid: str, data: bytes) -> tuple[int, str, str]:
        """Chunks of 128 KiB, one reply each; the distinct replies, as the shared script."""
        with connect(self.ws_url, max_size=2**24, open_timeout=30) as conn:
            init = {"token": self.tokens[actor], "target": "file_upload", "uuid": file_uuid}
            conn.send(json.dumps(init))
            init_reply = conn.recv(timeout=30)
            replies = []
            for position in range(0, len(data), CHUNK):
                chunk = FileUpload_Message(
                    position=position, data=data[position : position + CHUNK]
                )
                conn.send(chunk.SerializeToString())
                reply = FileUploadResponse_Message()
                reply.ParseFromString(conn.recv(timeout=30))
                replies.append((("errorMessage", reply.errorMessage), ("success", reply.success)))
        body = {
            "init": init_reply.decode() if isinstance(init_reply, bytes) else init_reply,
            "chunks": len(replies),
            "replies": [dict(reply) for reply in sorted(set(replies))],
        }
        return 200, "websocket", json.dumps(body)

    def direct(self, actor: str, cluster_uuid: str) -> tuple[int, str, str]:
        """The shared script's direct IO: a train pair of the first test picture, then a
        request with it; values only in the acks (the outputs are the engine's own numbers)."""
        images = (DATA / "mnist-5k" / "t10k-images-idx3-ubyte").read_bytes()
        labels = (DATA / "mnist-5k" / "t10k-labels-idx1-ubyte").read_bytes()
        pixels = [float(b) for b in images[16 : 16 + 784]]
        expected = [1.0 if i == labels[8] else 0.0 for i in range(10)]
        init = {"token": self.tokens[actor], "target": "cluster", "uuid": cluster_uuid}
        with connect(self.ws_url, max_size=2**24, open_timeout=30) as conn:
            conn.send(json.dumps(init))
            init_reply = conn.recv(timeout=30)
            conn.send(_io_message("pixels", False, TRAIN_TYPE, INPUT_BUFFER_TYPE, pixels))
            ack_input = _io_reply(conn.recv(timeout=30), with_values=True)
            conn.send(_io_message("digit", True, TRAIN_TYPE, EXPECTED_BUFFER_TYPE, expected))
            ack_train = _io_reply(conn.recv(timeout=30), with_values=True)
            conn.send(_io_message("pixels", True, REQUEST_TYPE, INPUT_BUFFER_TYPE, pixels))
            output = _io_reply(conn.recv(timeout=30), with_values=False)
        body = {
            "init": init_reply.decode() if isinstance(init_reply, bytes) else init_reply,
            "ack_input": ack_input,
            "ack_train": ack_train,
            "request_output": output,
        }
        return 200, "websocket", json.dumps(body)

    def rest_until(
        self, actor: str, method: str, path: str, data: Any, wait: tuple[str, Any]
    ) -> tuple[int, str, str]:
        """Repeat a request until the reply's key has the value (or an error, or 60 s)."""
        key, want = wait
        deadline = time.monotonic() + 60
        while True:
            status, ctype, body = self.rest(actor, method, path, data)
            if status != 200 or json.loads(body).get(key) == want or time.monotonic() > deadline:
                return status, ctype, body
            time.sleep(0.1)

    def run(self, request: dict[str, Any]) -> dict[str, Any]:
        actor, method, path = request["as"], request["method"], request["path"]
        if method == "WS-INIT":
            status, ctype, body = self.ws_init(actor, self.names.fill(path), request["data"])
        elif method == "WS-UPLOAD":
            data = UPLOADS[request["data"]]()
            status, ctype, body = self.upload(actor, self.names.fill(path), data)
        elif method == "WS-DIRECT":
            status, ctype, body = self.direct(actor, self.names.fill(path))
        elif request["name"] in WAITS:
            filled = self.names.fill(request["data"])
            wait = WAITS[request["name"]]
            status, ctype, body = self.rest_until(actor, method, path, filled, wait)
        else:
            status, ctype, body = self.rest(actor, method, path, self.names.fill(request["data"]))
        if status == 200 and request["name"] in CAPTURES:
            reply_json = json.loads(body)
            for name, key in CAPTURES[request["name"]].items():
                self.names.named[name] = reply_json[key]
        if status == 200 and method == "POST" and path == "/token":
            self.tokens[_token_owner(request)] = json.loads(body)["token"]
        if status == 200 and method == "PUT" and path == "/token":
            self.tokens[actor] = json.loads(body)["token"]
        reply = {"status": status, "content_type": ctype, "body": self.names.normal(body)}
        if request["mode"] == "shape" and status == 200:
            reply["body"] = json.dumps(shape(json.loads(body)))
        return reply


def _io_message(name: str, last: bool, process: int, target: int, values: list[float]) -> bytes:
    """A ClusterIO_Message as the shared script encodes it."""
    return ClusterIO_Message(
        bufferName=name,
        isLast=last,
        processType=process,
        targetBufferType=target,
        numberOfValues=len(values),
        values=values,
    ).SerializeToString()


def _io_reply(frame: bytes | str, *, with_values: bool) -> dict[str, Any]:
    """A ClusterIO_Message reply as the shared script shows it."""
    message = ClusterIO_Message()
    message.ParseFromString(frame if isinstance(frame, bytes) else frame.encode())
    reply: dict[str, Any] = {
        "bufferName": message.bufferName,
        "isLast": message.isLast,
        "processType": message.processType,
        "targetBufferType": message.targetBufferType,
        "numberOfValues": message.numberOfValues,
        "values_count": len(message.values),
    }
    if with_values:
        reply["values"] = list(message.values)
    return reply


def _token_owner(request: dict[str, Any]) -> str:
    """The actor whose token a successful POST /token step provides."""
    return "admin" if request["data"]["id"] == "asdf" else "member"


def compare(recorded: dict[str, Any], got: dict[str, Any], mode: str) -> str | None:
    """None when the reply is the real server's (or the R status); else what differs."""
    if mode.startswith("r:"):
        want = int(mode[2:])
        return None if got["status"] == want else f"status {got['status']} (R wants {want})"
    if got["status"] != recorded["status"]:
        return f"status {got['status']}, real server {recorded['status']}: {got['body'][:160]!r}"
    if mode == "status":
        return None
    if got["content_type"] != recorded["content_type"]:
        return f"content type {got['content_type']!r}, real {recorded['content_type']!r}"
    if got["body"] != recorded["body"]:
        return f"body\n  ours: {got['body'][:300]}\n  real: {recorded['body'][:300]}"
    return None


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str | None]]:
    """Every step's difference (None when equal), from one run against a brand-new server."""
    backend = start_backend(tmp_path_factory.mktemp("wire-vectors") / "data")
    replayer, results = Replayer(backend.address), {}
    try:
        for step in STEPS:
            request, recorded = step["request"], step["reply"]
            if request["name"] in LATER_SLICES:
                replayer.names.reserve(recorded["body"])
                continue
            try:
                results[request["name"]] = compare(recorded, replayer.run(request), request["mode"])
            except Exception as error:  # a broken step is reported, the replay goes on
                results[request["name"]] = f"{error.__class__.__name__}: {error}"
        yield results
    finally:
        backend.stop()


@pytest.mark.parametrize("name", [step["request"]["name"] for step in STEPS])
def test_reply_matches_the_real_server(name: str, replay: dict[str, str | None]) -> None:
    if name in LATER_SLICES:
        pytest.skip(LATER_SLICES[name])
    assert replay[name] is None, f"{name}: {replay[name]}"


def test_every_documented_exception_names_a_recorded_step() -> None:
    recorded = {step["request"]["name"] for step in STEPS}
    assert set(LATER_SLICES) <= recorded, set(LATER_SLICES) - recorded


def test_the_replay_covers_this_slice() -> None:
    replayed = [step["request"] for step in STEPS if step["request"]["name"] not in LATER_SLICES]
    paths = {request["path"] for request in replayed}
    assert {"/token", "/user", "/user/all", "/user/project", "/project", "/project/all"} <= paths
    assert {
        "/dataset/upload/mnist",
        "/dataset/upload/csv",
        "/dataset/progress",
        "/dataset",
        "/dataset/all",
        "/dataset/content",
        "/cluster",
        "/cluster/all",
        "/cluster/save",
        "/cluster/load",
        "/cluster/set_mode",
        "/task/train",
        "/task/request",
        "/task",
        "/task/all",
        "/checkpoint",
        "/checkpoint/all",
        "/host/all",
        "/audit_log",
        "/error_log",
        "/power_consumption",
        "/speed",
        "/temperature_production",
        "/system_info",
        "/threading",
    } <= paths
    assert {"WS-INIT", "WS-UPLOAD", "WS-DIRECT"} <= {request["method"] for request in replayed}


def test_every_capture_and_wait_names_a_replayed_step() -> None:
    replayed = {step["request"]["name"] for step in STEPS} - set(LATER_SLICES)
    assert set(CAPTURES) | set(WAITS) <= replayed
