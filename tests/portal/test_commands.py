"""The hanamictl-like `project` and `user` management commands, against the embedded backend."""

from __future__ import annotations

import datetime
import fcntl
import ipaddress
import json
import os
import pty
import re
import select
import socket
import ssl
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.management import call_command
from django.core.management.base import CommandError

from hanami_client import HanamiClient, Table, Unauthorized
from portal.core.cli import format_cell, raw_json, render_single, render_table
from tests.backend import ADMIN_ID, ADMIN_PASSPHRASE, Backend, free_port
from tests.conftest import Persona
from tests.portal.conftest import unique_id

ANSI_COLOUR = re.compile(r"\x1b\[[0-9;]*m")
MANAGE_PY = Path(__file__).resolve().parents[2] / "manage.py"


def run(*args: str) -> str:
    """Run a management command in-process; its stdout."""
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def fail(*args: str) -> str:
    """Run a management command that must fail with exit status 1; its one-line error."""
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert caught.value.returncode == 1
    message = str(caught.value)
    assert "\n" not in message
    return message


def cells(line: str) -> list[str]:
    """The stripped cells of one table line."""
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


@pytest.fixture
def as_admin(monkeypatch: pytest.MonkeyPatch, backend_address: str) -> str:
    """Credentials of the bootstrap admin in hanamictl's environment variables."""
    monkeypatch.setenv("HANAMI_ADDRESS", backend_address)
    monkeypatch.setenv("HANAMI_USER", ADMIN_ID)
    monkeypatch.setenv("HANAMI_PASSPHRASE", ADMIN_PASSPHRASE)
    return backend_address


@pytest.fixture
def project_id(as_admin: str) -> str:
    project_id = unique_id("proj")
    run("project", "create", project_id, "-n", "Vector Project")
    return project_id


@pytest.fixture
def user_id(as_admin: str) -> str:
    user_id = unique_id("user")
    run("user", "create", user_id, "-n", "Command user", "-p", "user-pass")
    return user_id


def subprocess_env(tmp_path: Path, **variables: str) -> dict[str, str]:
    """The environment of a `manage.py` child: ours minus hanamictl's variables, plus these."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("HANAMI_")}
    return {**env, "PORTAL_DATA_DIR": str(tmp_path / "portal"), **variables}


def manage(tmp_path: Path, *args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    """Run `python manage.py ...` as its own process."""
    return subprocess.run(
        [sys.executable, str(MANAGE_PY), *args],
        env=subprocess_env(tmp_path, **variables),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# --- output formatting ------------------------------------------------------------------------


def test_table_centres_the_header_like_tablewriter() -> None:
    assert render_table([["a", "bb"], ["ccc", "d"]], ["ID", "CREATOR ID"]) == "\n".join(
        [
            "+-----+------------+",
            "| ID  | CREATOR ID |",
            "+-----+------------+",
            "| a   | bb         |",
            "| ccc | d          |",
            "+-----+------------+",
        ]
    )
    assert render_table([["abcdef"]], ["ID"]).splitlines()[1] == "|   ID   |"


def test_empty_list_shows_only_the_header() -> None:
    assert render_table([], ["ID", "NAME"]) == "\n".join(
        ["+----+------+", "| ID | NAME |", "+----+------+", "+----+------+"]
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("plain text", "plain text"),
        (True, "true"),
        (False, "false"),
        (60000, "60000"),
        (60000.0, "60000"),
        (0.25, "0.25"),
        (-1.5, "-1.5"),
        (0, "0"),
        (0.00001, "1e-05"),
        (1.5e-7, "1.5e-07"),
        (1e20, "100000000000000000000"),
        (1e21, "1e+21"),
        (123456789.125, "123456789.125"),
        (None, "<nil>"),
        ([], "[]"),
        (["a", 1, True], "[a 1 true]"),
        ([{"role": "member", "project_id": "p"}], "[map[project_id:p role:member]]"),
        ({"b": 1, "a": "x"}, "map[a:x b:1]"),
    ],
)
def test_cells_read_like_hanamictl(value: Any, shown: str) -> None:
    assert format_cell(value) == shown


def test_raw_json_of_a_list_is_indented_with_sorted_keys() -> None:
    table = Table.from_json({"header": ["id", "name"], "body": [["abcd", "Name"]]})
    assert raw_json(table) == "\n".join(
        [
            "{",
            '    "body": [',
            "        [",
            '            "abcd",',
            '            "Name"',
            "        ]",
            "    ],",
            '    "header": [',
            '        "id",',
            '        "name"',
            "    ]",
            "}",
        ]
    )


# --- project ----------------------------------------------------------------------------------


def test_project_create_shows_the_project_as_a_two_column_table(as_admin: str) -> None:
    project_id = unique_id("proj")
    output = run("project", "create", project_id, "-n", "Vector Project")
    created_at = json.loads(run("project", "get", project_id, "-j"))["created_at"]
    assert len(created_at) == 19
    assert output == "\n".join(
        [
            "+------------+---------------------+",
            f"| ID         | {project_id}      |",
            "| NAME       | Vector Project      |",
            "| CREATOR ID | asdf                |",
            f"| CREATED AT | {created_at} |",
            "+------------+---------------------+",
            "",
        ]
    )


def test_project_get_with_json_output_prints_the_raw_reply(project_id: str) -> None:
    output = run("project", "get", project_id, "--json_output")
    assert output.startswith('{\n    "created_at": "')
    assert json.loads(output) == {
        "created_at": json.loads(output)["created_at"],
        "creator_id": ADMIN_ID,
        "id": project_id,
        "name": "Vector Project",
    }


def test_project_list_shows_the_four_columns(project_id: str) -> None:
    lines = run("project", "list").splitlines()
    assert cells(lines[1]) == ["ID", "NAME", "CREATOR ID", "CREATED AT"]
    rows = [cells(line) for line in lines[3:-1]]
    assert [project_id, "Vector Project", ADMIN_ID] in [row[:3] for row in rows]
    assert {len(line) for line in lines} == {len(lines[0])}


def test_json_flag_also_works_before_the_action(project_id: str) -> None:
    reply = json.loads(run("project", "-j", "list"))
    assert reply["header"] == ["created_at", "id", "name", "creator_id"]
    assert project_id in [row[1] for row in reply["body"]]


def test_project_delete_confirms_like_hanamictl(project_id: str) -> None:
    assert run("project", "delete", project_id) == f"successfully deleted project '{project_id}'\n"
    assert fail("project", "get", project_id) == (
        f"status 404: err Project with id '{project_id}' not found"
    )


def test_creating_a_project_twice_fails_with_the_backends_line(project_id: str) -> None:
    assert fail("project", "create", project_id, "-n", "Again") == (
        f"status 409: err Project with id '{project_id}' already exist."
    )


def test_invalid_project_id_fails_with_the_backends_line(as_admin: str) -> None:
    assert fail("project", "create", "9lives", "-n", "Some name").startswith("status 400: err ")


def test_project_create_without_a_name_fails_with_one_line(as_admin: str) -> None:
    assert fail("project", "create", "someproj") == (
        "Error: the following arguments are required: -n/--name"
    )


def test_unknown_action_fails_with_one_line(as_admin: str) -> None:
    assert fail("project", "rename", "someproj").startswith("Error: argument ACTION: invalid")


def test_member_is_refused_by_the_backend(
    monkeypatch: pytest.MonkeyPatch, as_admin: str, member: Persona
) -> None:
    monkeypatch.setenv("HANAMI_USER", member.user_id)
    monkeypatch.setenv("HANAMI_PASSPHRASE", member.passphrase)
    assert fail("project", "list").startswith("status 401: err ")


# --- credentials and connection -----------------------------------------------------------------


def test_missing_credentials_fail_with_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HANAMI_USER", raising=False)
    monkeypatch.delenv("HANAMI_PASSPHRASE", raising=False)
    assert fail("project", "list") == (
        "HANAMI_USER and HANAMI_PASSPHRASE not set: export the id and passphrase of a backend user"
    )


def test_missing_passphrase_alone_is_named(as_admin: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HANAMI_PASSPHRASE")
    assert fail("user", "list").startswith("HANAMI_PASSPHRASE not set")


def test_wrong_passphrase_fails_the_login(as_admin: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANAMI_PASSPHRASE", "not-the-passphrase")
    assert fail("project", "list") == (
        f"login as '{ADMIN_ID}' failed: status 401: err "
        "ACCESS DENIED! User or passphrase is incorrect."
    )


def test_unreachable_backend_fails_with_one_line(
    as_admin: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HANAMI_ADDRESS", f"http://127.0.0.1:{free_port()}")
    assert fail("project", "list").startswith(f"login as '{ADMIN_ID}' failed: backend unavailable")


# --- user -------------------------------------------------------------------------------------


def test_user_create_honours_the_passphrase_flag(as_admin: str) -> None:
    user_id = unique_id("user")
    lines = run("user", "create", user_id, "-n", "Flag user", "-p", "flag-pass").splitlines()
    assert [cells(line) for line in lines[1:-1]][:5] == [
        ["ID", user_id],
        ["NAME", "Flag user"],
        ["IS ADMIN", "false"],
        ["PROJECTS", "[]"],
        ["CREATOR ID", ADMIN_ID],
    ]
    assert cells(lines[6])[0] == "CREATED AT"
    with HanamiClient(as_admin) as client, pytest.raises(Unauthorized, match="no project"):
        client.login(user_id, "flag-pass")


def test_user_create_makes_an_admin(as_admin: str) -> None:
    user_id = unique_id("admn")
    reply = json.loads(
        run("user", "create", user_id, "-n", "Admin two", "-p", "admin-pass", "--is_admin", "-j")
    )
    assert reply["is_admin"] is True
    assert reply["projects"] == []
    with HanamiClient(as_admin) as client:
        assert client.login(user_id, "admin-pass").is_admin is True


def test_user_create_without_passphrase_refuses_when_not_on_a_terminal(as_admin: str) -> None:
    user_id = unique_id("user")
    assert fail("user", "create", user_id, "-n", "No pass") == (
        "no passphrase given: pass -p/--passphrase, or run on a terminal to be asked for it"
    )
    assert fail("user", "get", user_id).startswith("status 404: err ")


def test_user_create_refuses_a_short_passphrase(as_admin: str) -> None:
    user_id = unique_id("user")
    assert fail("user", "create", user_id, "-n", "Short", "-p", "abc") == (
        "the passphrase needs at least 4 bytes"
    )
    assert fail("user", "get", user_id).startswith("status 404: err ")


def test_user_create_twice_fails_with_the_backends_line(user_id: str) -> None:
    assert fail("user", "create", user_id, "-n", "Again", "-p", "again-pass") == (
        f"status 409: err User with id '{user_id}' already exist."
    )


def test_user_get_shows_projects_as_go_prints_them(
    user_id: str, admin: Persona, as_admin: str
) -> None:
    with HanamiClient(as_admin, admin.token) as client:
        client.users.add_project(user_id, "alphaproj", "member")
    lines = run("user", "get", user_id).splitlines()
    # A list, so %v (only a map value of a single object is JSON-encoded).
    projects = "[map[is_project_admin:false project_id:alphaproj role:member]]"
    assert ["PROJECTS", projects] in [cells(line) for line in lines]


def test_a_map_value_of_a_single_object_is_json() -> None:
    shown = render_single({"info": {"b": 1, "a": "x"}, "flag": True}, ["info", "flag"])
    assert '| INFO | {"a":"x","b":1} |' in shown
    assert "| FLAG | true" in shown


def test_user_list_shows_the_six_columns(user_id: str) -> None:
    lines = run("user", "list").splitlines()
    assert cells(lines[1]) == ["ID", "NAME", "IS ADMIN", "PROJECTS", "CREATOR ID", "CREATED AT"]
    assert [user_id, "Command user", "false", "[]", ADMIN_ID] in [
        cells(line)[:5] for line in lines[3:-1]
    ]


def test_user_list_with_json_output_has_the_backends_header(as_admin: str) -> None:
    reply = json.loads(run("user", "list", "-j"))
    assert reply["header"] == ["created_at", "id", "name", "creator_id", "projects", "is_admin"]


def test_user_delete_confirms_and_the_user_is_gone(user_id: str) -> None:
    assert run("user", "delete", user_id) == f"successfully deleted user '{user_id}'\n"
    assert fail("user", "get", user_id) == f"status 404: err User with id '{user_id}' not found"
    assert fail("user", "delete", user_id) == f"status 404: err User with id '{user_id}' not found"


def test_admin_cannot_delete_themself(as_admin: str) -> None:
    assert fail("user", "delete", ADMIN_ID) == (
        f"status 409: err User with id '{ADMIN_ID}' tries to delete himself, which is not allowed."
    )


# --- as its own process -----------------------------------------------------------------------


def test_project_list_runs_as_a_process(tmp_path: Path, backend_address: str) -> None:
    done = manage(
        tmp_path,
        "project",
        "list",
        HANAMI_ADDRESS=backend_address,
        HANAMI_USER=ADMIN_ID,
        HANAMI_PASSPHRASE=ADMIN_PASSPHRASE,
    )
    assert done.returncode == 0, done.stderr
    assert cells(done.stdout.splitlines()[1]) == ["ID", "NAME", "CREATOR ID", "CREATED AT"]
    assert done.stderr == ""


def test_backend_error_in_a_process_is_one_line_and_exit_1(
    tmp_path: Path, backend_address: str
) -> None:
    done = manage(
        tmp_path,
        "project",
        "get",
        "nosuchproject",
        HANAMI_ADDRESS=backend_address,
        HANAMI_USER=ADMIN_ID,
        HANAMI_PASSPHRASE=ADMIN_PASSPHRASE,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == "status 404: err Project with id 'nosuchproject' not found\n"


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("project", "list"), "HANAMI_USER and HANAMI_PASSPHRASE not set"),
        (("project", "create", "someproj"), "Error: the following arguments are required"),
        (("project",), "Error: the following arguments are required: ACTION"),
    ],
)
def test_usage_errors_in_a_process_are_one_line_and_exit_1(
    tmp_path: Path, args: tuple[str, ...], line: str
) -> None:
    done = manage(tmp_path, *args)
    assert done.returncode == 1
    assert len(done.stderr.splitlines()) == 1
    assert done.stderr.startswith(line)


def _self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that no authority signed, and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def _pump(source: socket.socket, sink: socket.socket) -> None:
    """Copy bytes one way until either side closes, then close both."""
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        source.close()
        sink.close()


@contextmanager
def tls_proxy(backend: Backend, directory: Path) -> Iterator[str]:
    """An https address in front of the backend, with a self-signed certificate."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*_self_signed_certificate(directory))
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                raw, _ = listener.accept()
            except TimeoutError:
                continue
            try:
                client = context.wrap_socket(raw, server_side=True)
            except (ssl.SSLError, OSError):  # the caller refused our certificate
                raw.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", backend.port))
            threading.Thread(target=_pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=_pump, args=(upstream, client), daemon=True).start()

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    try:
        yield f"https://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        server.join()
        listener.close()


def test_insecure_skips_the_certificate_check_of_an_https_backend(
    tmp_path: Path, backend: Backend
) -> None:
    credentials = {"HANAMI_USER": ADMIN_ID, "HANAMI_PASSPHRASE": ADMIN_PASSPHRASE}
    with tls_proxy(backend, tmp_path) as address:
        refused = manage(tmp_path, "project", "list", HANAMI_ADDRESS=address, **credentials)
        accepted = manage(
            tmp_path, "project", "list", "--insecure", HANAMI_ADDRESS=address, **credentials
        )
    assert refused.returncode == 1
    assert refused.stderr.startswith(f"login as '{ADMIN_ID}' failed: backend unavailable: ")
    assert "CERTIFICATE_VERIFY_FAILED" in refused.stderr
    assert len(refused.stderr.splitlines()) == 1
    assert accepted.returncode == 0, accepted.stderr
    assert accepted.stderr == ""
    assert cells(accepted.stdout.splitlines()[1]) == ["ID", "NAME", "CREATOR ID", "CREATED AT"]


def test_help_still_works(tmp_path: Path) -> None:
    done = manage(tmp_path, "user", "create", "--help")
    assert done.returncode == 0
    assert done.stdout.startswith("usage: manage.py user create ")
    assert "--passphrase" in done.stdout
    assert "--is_admin" in done.stdout


def _answer_prompts(tmp_path: Path, backend_address: str, *answers: str) -> tuple[int, str]:
    """Run `user create` on a pseudo-terminal, answering each passphrase prompt in turn."""
    controller, terminal = pty.openpty()
    user_id = unique_id("ttyu")
    process = subprocess.Popen(
        [sys.executable, str(MANAGE_PY), "user", "create", user_id, "-n", "Terminal user"],
        env=subprocess_env(
            tmp_path,
            HANAMI_ADDRESS=backend_address,
            HANAMI_USER=ADMIN_ID,
            HANAMI_PASSPHRASE=ADMIN_PASSPHRASE,
        ),
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        start_new_session=True,
        # The pseudo-terminal becomes the controlling terminal, which getpass opens as /dev/tty.
        preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
    )
    os.close(terminal)
    seen = ""
    pending = list(answers)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.5)
        if not ready:
            if process.poll() is not None:
                break
            continue
        try:
            chunk = os.read(controller, 4096).decode(errors="replace")
        except OSError:  # the child closed the terminal
            break
        seen += chunk
        # Answer a prompt only once it is shown: getpass flushes what was typed before it.
        if (
            pending
            and seen.endswith(": ")
            and seen.count("Passphrase") > len(answers) - len(pending)
        ):
            os.write(controller, f"{pending.pop(0)}\n".encode())
    os.close(controller)
    return process.wait(timeout=30), seen.replace("\r", "")


def test_user_create_asks_for_the_passphrase_twice_on_a_terminal(
    tmp_path: Path, backend_address: str
) -> None:
    code, seen = _answer_prompts(tmp_path, backend_address, "tty-pass", "tty-pass")
    assert code == 0, seen
    assert "Enter Passphrase: " in seen
    assert "Enter Passphrase again: " in seen
    assert "tty-pass" not in seen
    assert "| NAME       | Terminal user" in seen


def test_user_create_refuses_two_different_passphrases(
    tmp_path: Path, backend_address: str
) -> None:
    code, seen = _answer_prompts(tmp_path, backend_address, "first-pass", "other-pass")
    assert code == 1
    assert ANSI_COLOUR.sub("", seen).endswith(
        "Enter Passphrase again: \nthe two passphrases do not match\n"
    )


def test_user_create_stops_when_the_terminal_input_ends(
    tmp_path: Path, backend_address: str
) -> None:
    code, seen = _answer_prompts(tmp_path, backend_address, "\x04")  # Ctrl-D at the prompt
    assert code == 1
    assert ANSI_COLOUR.sub("", seen).endswith("no passphrase entered\n")
