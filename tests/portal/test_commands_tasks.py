"""The hanamictl-like `task` management command, against the embedded backend."""

from __future__ import annotations

import dataclasses
import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hanami_client import Cluster, Dataset, HanamiClient, NotFound, Task
from portal.core.cli import ProgressBar
from portal.tasks.management.commands.task import show_task
from tests.conftest import Persona
from tests.portal.conftest import unique_id
from tests.portal.test_commands import MANAGE_PY, cells, fail, run, subprocess_env
from tests.portal.test_tasks_pages import (  # noqa: F401 - fixtures
    cluster,
    digits,
    member_hanami,
    trained,
)

MISSING = "0badc0de-0000-4000-8000-000000000000"
SINGLE_TITLES = [
    "UUID",
    "STATE",
    "CURRENT CYCLE",
    "TOTAL NUMBER OF CYCLES",
    "QUEUE TIMESTAMP",
    "START TIMESTAMP",
    "END TIMESTAMP",
]


@pytest.fixture
def as_member(monkeypatch: pytest.MonkeyPatch, backend_address: str, member: Persona) -> Persona:
    """The member's credentials in hanamictl's environment variables."""
    monkeypatch.setenv("HANAMI_ADDRESS", backend_address)
    monkeypatch.setenv("HANAMI_USER", member.user_id)
    monkeypatch.setenv("HANAMI_PASSPHRASE", member.passphrase)
    return member


def single(output: str) -> dict[str, str]:
    """A single-object table as field title -> shown value."""
    return dict(cells(line) for line in output.splitlines()[1:-1])


def train_args(cluster: Cluster, digits: Dataset, name: str) -> list[str]:  # noqa: F811
    return [
        "task",
        "create",
        "train",
        name,
        "-i",
        f"{digits.uuid}:picture:picture_hex",
        "-o",
        f"{digits.uuid}:label:label_hex",
        "-c",
        cluster.uuid,
    ]


# --- IO items ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("no-separators-here", "Error: Required separators ':' are missing"),
        ("one:two", "Error: Invalid format before or after ':'"),
        ("a:b:c:d", "Error: Invalid format before or after ':'"),
        ("a::c", "Error: Invalid format before or after ':'"),
        (f"{MISSING}:picture:hex,nothing", "Error: Required separators ':' are missing"),
    ],
)
def test_bad_io_items_fail_with_hanamictls_words_before_logging_in(
    spec: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No credentials: the item is refused before the command would need them.
    monkeypatch.delenv("HANAMI_USER", raising=False)
    assert fail(
        "task", "create", "train", "Bad items", "-i", spec, "-o", "a:b:c", "-c", MISSING
    ) == (message)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("label_hex", "Error: Required separators ':' are missing"),
        ("a:b:c", "Error: Invalid format before or after ':'"),
    ],
)
def test_bad_result_items_fail_with_hanamictls_words(spec: str, message: str) -> None:
    args = ["task", "create", "request", "Bad results", "-i", "a:b:c", "-r", spec, "-c", MISSING]
    assert fail(*args) == message


def test_create_needs_the_cluster(as_member: Persona) -> None:
    assert fail("task", "create", "train", "No cluster", "-i", "a:b:c", "-o", "a:b:c") == (
        "Error: the following arguments are required: -c/--cluster"
    )


# --- create -----------------------------------------------------------------------------------


def test_create_train_waits_and_shows_the_finished_task(
    as_member: Persona,
    cluster: Cluster,  # noqa: F811
    digits: Dataset,  # noqa: F811
    member_hanami: HanamiClient,  # noqa: F811
) -> None:
    name = unique_id("Command train ")
    output = run(*train_args(cluster, digits, name))
    lines = output.splitlines()
    assert [cells(line)[0] for line in lines[1:-1]] == SINGLE_TITLES
    shown = single(output)
    assert (shown["STATE"], shown["CURRENT CYCLE"], shown["TOTAL NUMBER OF CYCLES"]) == (
        "finished",
        "1000",
        "1000",
    )
    assert shown["END TIMESTAMP"] != "-"
    task = member_hanami.tasks.get(shown["UUID"], cluster.uuid)
    assert (task.name, task.state) == (name, "finished")


def test_create_without_waiting_shows_the_queued_reply(
    as_member: Persona,
    cluster: Cluster,  # noqa: F811
    digits: Dataset,  # noqa: F811
    member_hanami: HanamiClient,  # noqa: F811
) -> None:
    output = run(*train_args(cluster, digits, unique_id("Command queued ")), "--no-wait", "-j")
    reply = json.loads(output)
    assert (reply["state"], reply["current_cycle"], reply["start_timestamp"]) == ("queued", 0, "-")
    assert sorted(reply) == sorted(
        [title.lower().replace(" ", "_") for title in SINGLE_TITLES] + ["name"]
    )
    member_hanami.tasks.wait(member_hanami.tasks.get(reply["uuid"], cluster.uuid), interval=0.05)


def test_create_request_with_comma_lists_writes_the_result_dataset(
    as_member: Persona,
    cluster: Cluster,  # noqa: F811
    digits: Dataset,  # noqa: F811
    trained: Task,  # noqa: F811
    member_hanami: HanamiClient,  # noqa: F811
) -> None:
    name = unique_id("Command request ")
    output = run(
        "task",
        "create",
        "request",
        name,
        "-i",
        f"{digits.uuid}:picture:picture_hex",
        "-r",
        "label_hex:digit",
        "-c",
        cluster.uuid,
        "-j",
    )
    reply = json.loads(output)
    try:
        assert reply["state"] == "finished"
        result = member_hanami.datasets.get(reply["uuid"])
        assert (result.name, result.number_of_rows) == (name, 1000)
        assert result.description == {"digit": (0, 10)}
    finally:
        member_hanami.datasets.delete(reply["uuid"])


def test_create_with_an_unknown_hexagon_fails_with_the_backends_line(
    as_member: Persona,
    cluster: Cluster,  # noqa: F811
    digits: Dataset,  # noqa: F811
) -> None:
    args = train_args(cluster, digits, unique_id("Command lost "))
    args[args.index("-o") + 1] = f"{digits.uuid}:label:nowhere_hex"
    assert fail(*args) == "status 404: err Hexagon with name 'nowhere_hex' not found"


# --- get, list, delete ------------------------------------------------------------------------


def test_get_shows_the_single_table(
    as_member: Persona,
    cluster: Cluster,  # noqa: F811
    trained: Task,  # noqa: F811
) -> None:
    shown = single(run("task", "get", trained.uuid, "-c", cluster.uuid))
    assert shown == {
        "UUID": trained.uuid,
        "STATE": "finished",
        "CURRENT CYCLE": "1000",
        "TOTAL NUMBER OF CYCLES": "1000",
        "QUEUE TIMESTAMP": trained.queue_timestamp,
        "START TIMESTAMP": trained.start_timestamp,
        "END TIMESTAMP": trained.end_timestamp,
    }


def test_list_shows_all_list_columns(
    as_member: Persona,
    cluster: Cluster,  # noqa: F811
    trained: Task,  # noqa: F811
) -> None:
    lines = run("task", "list", "-c", cluster.uuid).splitlines()
    assert cells(lines[1]) == ["UUID", "STATE", "PERCENTAGE", "QUEUED", "START", "END"]
    row = next(cells(line) for line in lines[3:-1] if trained.uuid in line)
    assert row == [
        trained.uuid,
        "finished",
        "1.000000",
        trained.queue_timestamp,
        trained.start_timestamp,
        trained.end_timestamp,
    ]


def test_list_with_json_output_has_the_backends_strings(
    as_member: Persona,
    cluster: Cluster,  # noqa: F811
    trained: Task,  # noqa: F811
) -> None:
    reply = json.loads(run("task", "list", "-c", cluster.uuid, "-j"))
    assert reply["header"] == ["uuid", "state", "percentage", "queued", "start", "end"]
    assert [trained.uuid, "finished", "1.000000"] in [row[:3] for row in reply["body"]]


def test_delete_confirms_and_the_task_is_gone(
    as_member: Persona,
    cluster: Cluster,  # noqa: F811
    digits: Dataset,  # noqa: F811
    member_hanami: HanamiClient,  # noqa: F811
) -> None:
    shown = single(run(*train_args(cluster, digits, unique_id("Command doomed "))))
    output = run("task", "delete", shown["UUID"], "-c", cluster.uuid)
    assert output.strip() == f"successfully deleted task '{shown['UUID']}'"
    with pytest.raises(NotFound):
        member_hanami.tasks.get(shown["UUID"], cluster.uuid)


def test_get_of_an_unknown_task_fails_with_one_line(
    as_member: Persona,
    cluster: Cluster,  # noqa: F811
) -> None:
    assert fail("task", "get", MISSING, "-c", cluster.uuid) == (
        f"status 404: err Task with UUID '{MISSING}' not found"
    )


def test_outsider_cannot_list_the_tasks_of_another_projects_cluster(
    monkeypatch: pytest.MonkeyPatch,
    backend_address: str,
    outsider: Persona,
    cluster: Cluster,  # noqa: F811
) -> None:
    monkeypatch.setenv("HANAMI_ADDRESS", backend_address)
    monkeypatch.setenv("HANAMI_USER", outsider.user_id)
    monkeypatch.setenv("HANAMI_PASSPHRASE", outsider.passphrase)
    assert fail("task", "list", "-c", cluster.uuid) == (
        f"status 404: err Cluster with uuid '{cluster.uuid}' not found"
    )


# --- progress on a terminal -------------------------------------------------------------------


def test_the_task_bar_redraws_one_line_and_ends_it(trained: Task) -> None:  # noqa: F811
    written: list[str] = []
    bar = ProgressBar(written.append, "digits", width=10, unit="rows", scale=1)
    show = show_task(bar)
    show(dataclasses.replace(trained, state="active", current_cycle=500))
    show(trained)
    bar.close()
    assert written[0].startswith("\rdigits [#####.....]  50% 500/1000 rows ")
    assert written[0].endswith(" rows/s active")
    assert written[1].startswith("\rdigits [##########] 100% 1000/1000 rows ")
    assert written[1].rstrip().endswith("rows/s finished")
    assert written[-1] == "\n"


def test_create_draws_the_task_progress_on_a_terminal(
    tmp_path: Path,
    backend_address: str,
    member: Persona,
    cluster: Cluster,  # noqa: F811
    digits: Dataset,  # noqa: F811
) -> None:
    name = unique_id("Terminal train ")
    controller, terminal = pty.openpty()
    environment = {
        "HANAMI_ADDRESS": backend_address,
        "HANAMI_USER": member.user_id,
        "HANAMI_PASSPHRASE": member.passphrase,
    }
    process = subprocess.Popen(
        [sys.executable, str(MANAGE_PY), *train_args(cluster, digits, name)],
        env=subprocess_env(tmp_path, **environment),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=terminal,
    )
    os.close(terminal)
    seen = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        elif process.poll() is not None:
            break
    os.close(controller)
    stdout, _ = process.communicate(timeout=30)
    assert process.returncode == 0, seen
    drawn = seen.decode()
    assert drawn.startswith(f"\r{name} [")
    assert f"\r{name} [{'#' * 30}] 100% 1000/1000 rows " in drawn
    assert drawn.endswith("\r\n")
    assert "| STATE                  | finished" in stdout.decode()
