"""The hanamictl-like `dataset` management command, against the embedded backend."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from portal.core.cli import ProgressBar, render_values
from tests.backend import ADMIN_ID, ADMIN_PASSPHRASE
from tests.conftest import Persona
from tests.portal.conftest import unique_id
from tests.portal.test_commands import MANAGE_PY, cells, fail, manage, run, subprocess_env

MNIST = Path(__file__).resolve().parents[1] / "data" / "mnist-5k"
IMAGES = MNIST / "t10k-images-idx3-ubyte"
LABELS = MNIST / "t10k-labels-idx1-ubyte"
MISSING = "0badc0de-0000-4000-8000-000000000000"
SINGLE_TITLES = [
    "UUID",
    "NAME",
    "VERSION",
    "NUMBER OF COLUMNS",
    "NUMBER OF ROWS",
    "DESCRIPTION",
    "VISIBILITY",
    "OWNER ID",
    "PROJECT ID",
    "CREATED AT",
]


@pytest.fixture
def as_member(monkeypatch: pytest.MonkeyPatch, backend_address: str, member: Persona) -> Persona:
    """The member's credentials in hanamictl's environment variables."""
    monkeypatch.setenv("HANAMI_ADDRESS", backend_address)
    monkeypatch.setenv("HANAMI_USER", member.user_id)
    monkeypatch.setenv("HANAMI_PASSPHRASE", member.passphrase)
    return member


@pytest.fixture
def mnist_uuid(as_member: Persona) -> str:
    """The t10k sample uploaded by the member with the command."""
    reply = json.loads(
        run(
            "dataset",
            "create",
            "mnist",
            unique_id("Digits "),
            "-i",
            str(IMAGES),
            "-l",
            str(LABELS),
            "-j",
        )
    )
    return reply["uuid"]


def write_csv(directory: Path, text: str) -> Path:
    """A CSV file with this text."""
    path = directory / "table.csv"
    path.write_text(text)
    return path


def single(output: str) -> dict[str, str]:
    """A single-object table as field title -> shown value."""
    return dict(cells(line) for line in output.splitlines()[1:-1])


# --- output helpers ---------------------------------------------------------------------------


def test_values_table_numbers_rows_from_the_offset() -> None:
    assert render_values([[0.0, 1.5], [255.0, 0.25]], 100) == "\n".join(
        [
            "+-----+------------+----------+",
            "|     |     0      |    1     |",
            "+-----+------------+----------+",
            "| 100 | 0.000000   | 1.500000 |",
            "| 101 | 255.000000 | 0.250000 |",
            "+-----+------------+----------+",
        ]
    )


def test_progress_bar_redraws_one_line_and_ends_it() -> None:
    written: list[str] = []
    bar = ProgressBar(written.append, "digits", width=10)
    bar(0, 1000)
    bar(1000, 1000)
    bar.close()
    assert written[0].startswith("\rdigits [..........]   0% 0.0/0.0 MB")
    assert written[1].startswith("\rdigits [##########] 100% 0.0/0.0 MB")
    assert written[-1] == "\n"
    assert "\n" not in "".join(written[:-1])


# --- create -----------------------------------------------------------------------------------


def test_create_mnist_shows_the_new_dataset(as_member: Persona) -> None:
    name = unique_id("Digits ")
    output = run("dataset", "create", "mnist", name, "-i", str(IMAGES), "-l", str(LABELS))
    lines = output.splitlines()
    assert [cells(line)[0] for line in lines[1:-1]] == SINGLE_TITLES
    shown = single(output)
    assert shown["NAME"] == name
    assert shown["VERSION"] == "v1.0alpha"
    assert shown["NUMBER OF COLUMNS"] == "794"
    assert shown["NUMBER OF ROWS"] == "1000"
    assert json.loads(shown["DESCRIPTION"]) == {
        "label": {"column_end": 794, "column_start": 784},
        "picture": {"column_end": 784, "column_start": 0},
    }
    assert shown["VISIBILITY"] == "private"
    assert (shown["OWNER ID"], shown["PROJECT ID"]) == (as_member.user_id, as_member.project_id)
    assert {len(line) for line in lines} == {len(lines[0])}


def test_create_csv_with_json_output_prints_the_raw_reply(
    as_member: Persona, tmp_path: Path
) -> None:
    name = unique_id("Table ")
    path = write_csv(tmp_path, "alpha,beta\n1,2\n3,4.5\n")
    output = run("dataset", "create", "csv", name, "-i", str(path), "-j")
    assert output.startswith('{\n    "created_at": "')
    reply = json.loads(output)
    assert reply["name"] == name
    assert reply["description"] == {
        "alpha": {"column_start": 0, "column_end": 1},
        "beta": {"column_start": 1, "column_end": 2},
    }
    assert (reply["number_of_rows"], reply["number_of_columns"]) == (2, 2)
    assert sorted(reply) == sorted(field.lower().replace(" ", "_") for field in SINGLE_TITLES)


def test_create_with_a_missing_file_fails_before_asking_the_backend(
    as_member: Persona, tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere.csv"
    assert fail("dataset", "create", "csv", "Lost table", "-i", str(missing)) == (
        f"cannot read '{missing}': No such file or directory"
    )
    assert (
        fail("dataset", "create", "mnist", "Lost digits", "-i", str(IMAGES), "-l", str(tmp_path))
        == f"cannot read '{tmp_path}': Is a directory"
    )


def test_create_with_a_bad_name_fails_with_one_line(as_member: Persona) -> None:
    message = fail("dataset", "create", "mnist", "9lives", "-i", str(IMAGES), "-l", str(LABELS))
    assert message.startswith("status 400: err ")
    assert "9lives" not in run("dataset", "list")


def test_create_refused_by_the_backend_fails_with_one_line_and_leaves_nothing(
    as_member: Persona, tmp_path: Path
) -> None:
    labels = tmp_path / "labels"
    labels.write_bytes(LABELS.read_bytes()[:8] + b"\x0c" * 1000)  # label 12
    name = unique_id("Bad labels ")
    assert fail(
        "dataset", "create", "mnist", name, "-i", str(IMAGES), "-l", str(labels)
    ).startswith("status 400: err ")
    assert name not in run("dataset", "list")


def test_create_needs_the_label_file(as_member: Persona) -> None:
    assert fail("dataset", "create", "mnist", "Some digits", "-i", str(IMAGES)) == (
        "Error: the following arguments are required: -l/--label"
    )


# --- get, list, delete ------------------------------------------------------------------------


def test_get_shows_the_single_table(mnist_uuid: str) -> None:
    shown = single(run("dataset", "get", mnist_uuid))
    assert shown["UUID"] == mnist_uuid
    assert shown["NUMBER OF ROWS"] == "1000"


def test_get_with_json_output_has_the_backends_fields(mnist_uuid: str) -> None:
    reply = json.loads(run("dataset", "get", mnist_uuid, "--json_output"))
    assert reply["uuid"] == mnist_uuid
    assert reply["description"]["picture"] == {"column_start": 0, "column_end": 784}


def test_list_shows_the_six_columns(mnist_uuid: str, as_member: Persona) -> None:
    lines = run("dataset", "list").splitlines()
    assert cells(lines[1]) == ["UUID", "NAME", "VISIBILITY", "OWNER ID", "PROJECT ID", "CREATED AT"]
    rows = {cells(line)[0]: cells(line) for line in lines[3:-1]}
    assert rows[mnist_uuid][2:5] == ["private", as_member.user_id, as_member.project_id]


def test_list_with_json_output_has_the_backends_header(mnist_uuid: str) -> None:
    reply = json.loads(run("dataset", "-j", "list"))
    assert reply["header"] == ["created_at", "uuid", "project_id", "owner_id", "visibility", "name"]
    assert mnist_uuid in [row[1] for row in reply["body"]]


def test_delete_confirms_and_the_dataset_is_gone(mnist_uuid: str) -> None:
    assert run("dataset", "delete", mnist_uuid) == f"successfully deleted dataset '{mnist_uuid}'\n"
    assert fail("dataset", "get", mnist_uuid) == (
        f"status 404: err Data-set with uuid '{mnist_uuid}' not found"
    )
    assert fail("dataset", "delete", mnist_uuid).startswith("status 404: err ")


def test_another_projects_member_cannot_get_the_dataset(
    mnist_uuid: str, monkeypatch: pytest.MonkeyPatch, outsider: Persona
) -> None:
    monkeypatch.setenv("HANAMI_USER", outsider.user_id)
    monkeypatch.setenv("HANAMI_PASSPHRASE", outsider.passphrase)
    assert fail("dataset", "get", mnist_uuid).startswith("status 404: err ")
    assert mnist_uuid not in run("dataset", "list")


# --- content and check ------------------------------------------------------------------------


def test_content_shows_values_numbered_from_the_offset(mnist_uuid: str) -> None:
    labels = LABELS.read_bytes()[8:]
    lines = run(
        "dataset", "content", mnist_uuid, "-c", "label", "-o", "100", "-n", "3"
    ).splitlines()
    assert cells(lines[1]) == ["", *(str(i) for i in range(10))]
    rows = [cells(line) for line in lines[3:-1]]
    assert [row[0] for row in rows] == ["100", "101", "102"]
    for row, label in zip(rows, labels[100:103], strict=True):
        assert row[1:] == ["1.000000" if i == label else "0.000000" for i in range(10)]


def test_content_with_json_output_is_the_data_array(mnist_uuid: str) -> None:
    output = run("dataset", "content", mnist_uuid, "-c", "label", "-o", "100", "-n", "10", "-j")
    data = json.loads(output)
    assert len(data) == 10
    assert [row.index(1) for row in data] == list(LABELS.read_bytes()[8 + 100 : 8 + 110])
    # Whole values print as Go prints them, without a fraction, one per line.
    assert "1.0" not in output
    assert output.startswith("[\n    [\n        ")


def test_content_defaults_to_one_row_at_offset_zero(mnist_uuid: str) -> None:
    lines = run("dataset", "content", mnist_uuid, "-c", "picture").splitlines()
    assert len(lines) == 5
    assert cells(lines[3])[0] == "0"
    assert len(cells(lines[3])) == 785


def test_content_past_the_end_fails_with_one_line(mnist_uuid: str) -> None:
    message = fail("dataset", "content", mnist_uuid, "-c", "label", "-o", "999", "-n", "2")
    assert message.startswith("status 400: err ")


def test_content_of_a_missing_column_fails_with_the_backends_line(mnist_uuid: str) -> None:
    assert fail("dataset", "content", mnist_uuid, "-c", "colour") == (
        f"status 404: err Column with name 'colour' was not found in dataset with UUID "
        f"'{mnist_uuid}'"
    )


def test_check_shows_the_accuracy(mnist_uuid: str, tmp_path: Path) -> None:
    labels = LABELS.read_bytes()[8:]
    lines = [",".join(f"c{i}" for i in range(10))]
    lines += [",".join("1" if i == label else "0" for i in range(10)) for label in labels]
    result = json.loads(
        run(
            "dataset",
            "create",
            "csv",
            unique_id("Result "),
            "-i",
            str(write_csv(tmp_path, "\n".join(lines))),
            "-j",
        )
    )["uuid"]
    assert single(run("dataset", "check", result, "-r", mnist_uuid)) == {"ACCURACY": "100"}
    assert json.loads(run("dataset", "check", result, "-r", mnist_uuid, "-j")) == {
        "accuracy": 100.0
    }


def test_check_against_a_missing_reference_fails_with_one_line(mnist_uuid: str) -> None:
    assert fail("dataset", "check", mnist_uuid, "-r", MISSING).startswith("status 404: err ")


def test_check_needs_the_reference(as_member: Persona) -> None:
    assert fail("dataset", "check", MISSING) == (
        "Error: the following arguments are required: -r/--reference"
    )


# --- as its own process -----------------------------------------------------------------------


def credentials(backend_address: str) -> dict[str, str]:
    """hanamictl's environment for the bootstrap admin."""
    return {
        "HANAMI_ADDRESS": backend_address,
        "HANAMI_USER": ADMIN_ID,
        "HANAMI_PASSPHRASE": ADMIN_PASSPHRASE,
    }


def test_dataset_list_runs_as_a_process(tmp_path: Path, backend_address: str) -> None:
    done = manage(tmp_path, "dataset", "list", **credentials(backend_address))
    assert done.returncode == 0, done.stderr
    assert cells(done.stdout.splitlines()[1])[:2] == ["UUID", "NAME"]
    assert done.stderr == ""


def test_backend_error_in_a_process_is_one_line_and_exit_1(
    tmp_path: Path, backend_address: str
) -> None:
    done = manage(tmp_path, "dataset", "get", MISSING, **credentials(backend_address))
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == f"status 404: err Data-set with uuid '{MISSING}' not found\n"


def big_csv(directory: Path) -> Path:
    """A CSV of about 2 MB: many upload chunks."""
    rows = "".join(f"{i},{i % 10},{i % 3}.5\n" for i in range(150_000))
    return write_csv(directory, "x,y,z\n" + rows)


def test_upload_draws_no_progress_bar_when_stderr_is_not_a_terminal(
    tmp_path: Path, backend_address: str
) -> None:
    path = big_csv(tmp_path)
    name = unique_id("Piped table ")
    done = manage(
        tmp_path, "dataset", "create", "csv", name, "-i", str(path), **credentials(backend_address)
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert single(done.stdout)["NAME"] == name


def test_upload_draws_a_progress_bar_on_a_terminal(tmp_path: Path, backend_address: str) -> None:
    path = big_csv(tmp_path)
    name = unique_id("Terminal table ")
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, str(MANAGE_PY), "dataset", "create", "csv", name, "-i", str(path)],
        env=subprocess_env(tmp_path, **credentials(backend_address)),
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
    assert f"\r{name} [{'#' * 30}] 100% " in drawn
    assert drawn.endswith("\r\n")  # the terminal turns the final newline into \r\n
    assert drawn.count("\n") == 1
    assert single(stdout.decode())["NAME"] == name
