"""The hanamictl-like `cluster` and `checkpoint` management commands, against the backend."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from hanami_client import HanamiClient, NotFound
from portal.clusters.examples import example_text
from portal.clusters.models import ClusterTemplate
from tests.conftest import Persona
from tests.portal.conftest import unique_id
from tests.portal.test_commands import cells, fail, manage, run
from tests.portal.test_commands_datasets import single

ROW = example_text("row")
MINIMAL = example_text("minimal")
BROKEN = ROW.replace("refractory_time: 1", "refractory_time: 0")
MISSING = "0badc0de-0000-4000-8000-000000000000"
CREATE_TITLES = ["UUID", "NAME", "VISIBILITY", "OWNER ID", "PROJECT ID", "CREATED AT"]
GET_TITLES = [
    "UUID",
    "NAME",
    "VISIBILITY",
    "OWNER ID",
    "NUMBER OF BLOCKS",
    "NUMBER OF SECTIONS",
    "PROJECT ID",
    "CREATED AT",
]
CHECKPOINT_TITLES = CREATE_TITLES


def write(directory: Path, text: str, name: str = "cluster.template") -> Path:
    path = directory / name
    path.write_bytes(text.encode())
    return path


@pytest.fixture
def as_member(monkeypatch: pytest.MonkeyPatch, backend_address: str, member: Persona) -> Persona:
    """The member's credentials in hanamictl's environment variables."""
    monkeypatch.setenv("HANAMI_ADDRESS", backend_address)
    monkeypatch.setenv("HANAMI_USER", member.user_id)
    monkeypatch.setenv("HANAMI_PASSPHRASE", member.passphrase)
    return member


@pytest.fixture
def member_client(backend_address: str, member: Persona) -> Iterator[HanamiClient]:
    with HanamiClient(backend_address, member.token) as client:
        yield client


@pytest.fixture
def cluster_uuid(
    db: None, as_member: Persona, tmp_path: Path, member_client: HanamiClient
) -> Iterator[str]:
    """A row-example cluster the member created with the command."""
    output = run(
        "cluster", "create", unique_id("Command cluster "), "-t", str(write(tmp_path, ROW))
    )
    uuid = single(output)["UUID"]
    yield uuid
    with contextlib.suppress(NotFound):
        member_client.clusters.delete(uuid)


@pytest.fixture
def checkpoint_uuid(cluster_uuid: str, member_client: HanamiClient) -> Iterator[str]:
    """A checkpoint of that cluster, saved with the command (done at once: the cluster is idle)."""
    uuid = single(run("cluster", "save", cluster_uuid, "-n", unique_id("Command state ")))["UUID"]
    yield uuid
    with contextlib.suppress(NotFound):
        member_client.checkpoints.delete(uuid)


# --- cluster create ---------------------------------------------------------------------------


def test_create_shows_the_new_cluster_and_keeps_its_template(
    db: None, as_member: Persona, tmp_path: Path, member_client: HanamiClient
) -> None:
    name = unique_id("Crlf cluster ")
    path = write(tmp_path, ROW.replace("\n", "\r\n"))
    output = run("cluster", "create", name, "-t", str(path))
    lines = output.splitlines()
    assert [cells(line)[0] for line in lines[1:-1]] == CREATE_TITLES
    assert {len(line) for line in lines} == {len(lines[0])}
    shown = single(output)
    assert (shown["NAME"], shown["VISIBILITY"]) == (name, "private")
    assert (shown["OWNER ID"], shown["PROJECT ID"]) == ("memberuser", "alphaproj")
    record = ClusterTemplate.objects.get(cluster_uuid=shown["UUID"])
    assert (record.text, record.created_by) == (ROW, "memberuser")
    member_client.clusters.delete(shown["UUID"])


def test_create_with_json_output_prints_the_raw_reply(
    db: None, as_member: Persona, tmp_path: Path, member_client: HanamiClient
) -> None:
    output = run(
        "cluster", "create", unique_id("Json cluster "), "-t", str(write(tmp_path, ROW)), "-j"
    )
    assert output.startswith('{\n    "created_at": "')
    reply = json.loads(output)
    assert set(reply) == {"created_at", "uuid", "project_id", "owner_id", "visibility", "name"}
    member_client.clusters.delete(reply["uuid"])


def test_broken_template_fails_with_its_line_and_position(
    db: None, as_member: Persona, tmp_path: Path
) -> None:
    name = unique_id("Broken cluster ")
    path = write(tmp_path, BROKEN)
    assert fail("cluster", "create", name, "-t", str(path)) == (
        "status 400: err Uploaded template is not a valid cluster-template: "
        f"{path}: line 4, position 20: refractory_time must be >= 1"
    )
    assert name not in run("cluster", "list")
    assert not ClusterTemplate.objects.exists()


def test_template_that_is_not_utf8_fails_at_the_bad_byte(
    db: None, as_member: Persona, tmp_path: Path
) -> None:
    path = tmp_path / "latin1.template"
    path.write_bytes(ROW.replace("picture_hex", "bild_\xe4").encode("latin-1"))
    message = fail("cluster", "create", unique_id("Latin cluster "), "-t", str(path))
    assert message.endswith(": line 12, position 8: invalid character")


def test_create_with_a_missing_file_fails_before_asking_the_backend(
    as_member: Persona, tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere.template"
    assert fail("cluster", "create", "Lost cluster", "-t", str(missing)) == (
        f"cannot read '{missing}': No such file or directory"
    )
    assert fail("cluster", "create", "Lost cluster") == (
        "Error: the following arguments are required: -t/--template"
    )


def test_taken_name_fails_with_one_line(
    cluster_uuid: str, tmp_path: Path, member_client: HanamiClient
) -> None:
    name = member_client.clusters.get(cluster_uuid).name
    assert fail("cluster", "create", name, "-t", str(write(tmp_path, ROW))) == (
        f"status 409: err Cluster with name '{name}' already exist."
    )


def test_create_without_a_migrated_portal_database_still_creates_the_cluster(
    tmp_path: Path, backend_address: str, member: Persona, member_client: HanamiClient
) -> None:
    name = unique_id("Unrecorded cluster ")
    done = manage(
        tmp_path,
        "cluster",
        "create",
        name,
        "-t",
        str(write(tmp_path, ROW)),
        "-j",
        HANAMI_ADDRESS=backend_address,
        HANAMI_USER=member.user_id,
        HANAMI_PASSPHRASE=member.passphrase,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("note: the portal database was not updated (")
    assert "\n" not in done.stderr.strip()
    member_client.clusters.delete(json.loads(done.stdout)["uuid"])


# --- cluster get, list, delete ----------------------------------------------------------------


def test_get_shows_the_counters(cluster_uuid: str) -> None:
    output = run("cluster", "get", cluster_uuid)
    assert [cells(line)[0] for line in output.splitlines()[1:-1]] == GET_TITLES
    shown = single(output)
    assert shown["UUID"] == cluster_uuid
    assert (shown["NUMBER OF BLOCKS"], shown["NUMBER OF SECTIONS"]) == ("0", "0")
    reply = json.loads(run("cluster", "get", cluster_uuid, "-j"))
    assert (reply["uuid"], reply["number_of_blocks"]) == (cluster_uuid, 0)


def test_list_shows_the_six_columns(cluster_uuid: str) -> None:
    lines = run("cluster", "list").splitlines()
    assert cells(lines[1]) == CREATE_TITLES
    assert any(cells(line)[0] == cluster_uuid for line in lines[3:-1])
    reply = json.loads(run("cluster", "list", "-j"))
    assert reply["header"] == ["created_at", "uuid", "project_id", "owner_id", "visibility", "name"]
    assert cluster_uuid in [row[1] for row in reply["body"]]


def test_delete_removes_the_cluster_and_its_template(cluster_uuid: str) -> None:
    assert ClusterTemplate.objects.filter(cluster_uuid=cluster_uuid).exists()
    assert run("cluster", "delete", cluster_uuid) == (
        f"successfully deleted cluster '{cluster_uuid}'\n"
    )
    assert not ClusterTemplate.objects.filter(cluster_uuid=cluster_uuid).exists()
    assert fail("cluster", "delete", cluster_uuid) == (
        f"status 404: err Cluster with uuid '{cluster_uuid}' not found"
    )


def test_get_of_another_projects_cluster_fails(
    cluster_uuid: str, monkeypatch: pytest.MonkeyPatch, outsider: Persona
) -> None:
    monkeypatch.setenv("HANAMI_USER", outsider.user_id)
    monkeypatch.setenv("HANAMI_PASSPHRASE", outsider.passphrase)
    assert fail("cluster", "get", cluster_uuid) == (
        f"status 404: err Cluster with uuid '{cluster_uuid}' not found"
    )
    assert fail("cluster", "delete", cluster_uuid).startswith("status 404: err ")


# --- save, restore ----------------------------------------------------------------------------


def test_save_shows_the_task_uuid_that_becomes_the_checkpoint(
    cluster_uuid: str, member_client: HanamiClient
) -> None:
    name = unique_id("Saved state ")
    output = run("cluster", "save", cluster_uuid, "-n", name)
    assert [cells(line)[0] for line in output.splitlines()[1:-1]] == ["UUID", "NAME"]
    shown = single(output)
    assert shown["NAME"] == name
    assert member_client.checkpoints.get(shown["UUID"]).name == name
    member_client.checkpoints.delete(shown["UUID"])


def test_save_with_json_output_and_without_a_name(
    cluster_uuid: str, member_client: HanamiClient
) -> None:
    reply = json.loads(run("cluster", "save", cluster_uuid, "-n", "Json state", "-j"))
    assert set(reply) == {"uuid", "name"}
    member_client.checkpoints.delete(reply["uuid"])
    assert fail("cluster", "save", cluster_uuid) == (
        "Error: the following arguments are required: -n/--name"
    )


def test_restore_shows_the_restore_task(
    cluster_uuid: str, checkpoint_uuid: str, member_client: HanamiClient
) -> None:
    output = run("cluster", "restore", cluster_uuid, "-c", checkpoint_uuid)
    assert [cells(line)[0] for line in output.splitlines()[1:-1]] == ["UUID"]
    task_uuid = single(output)["UUID"]
    assert member_client.tasks.get(task_uuid, cluster_uuid).state in (
        "queued",
        "active",
        "finished",
    )
    reply = json.loads(run("cluster", "restore", cluster_uuid, "-c", checkpoint_uuid, "-j"))
    assert set(reply) == {"uuid"}


def test_restore_of_another_template_fails_with_one_line(
    checkpoint_uuid: str, tmp_path: Path, member_client: HanamiClient
) -> None:
    other = single(
        run("cluster", "create", unique_id("Minimal "), "-t", str(write(tmp_path, MINIMAL)))
    )["UUID"]
    assert fail("cluster", "restore", other, "-c", checkpoint_uuid).startswith("status 400: err ")
    assert fail("cluster", "restore", other, "-c", MISSING) == (
        f"status 404: err Checkpoint with uuid '{MISSING}' not found"
    )
    member_client.clusters.delete(other)


# --- checkpoint -------------------------------------------------------------------------------


def test_checkpoint_get_and_list(checkpoint_uuid: str, member_client: HanamiClient) -> None:
    expected = member_client.checkpoints.get(checkpoint_uuid)
    output = run("checkpoint", "get", checkpoint_uuid)
    assert [cells(line)[0] for line in output.splitlines()[1:-1]] == CHECKPOINT_TITLES
    shown = single(output)
    assert (shown["UUID"], shown["NAME"], shown["OWNER ID"]) == (
        checkpoint_uuid,
        expected.name,
        "memberuser",
    )
    lines = run("checkpoint", "list").splitlines()
    assert cells(lines[1]) == CHECKPOINT_TITLES
    assert any(cells(line)[0] == checkpoint_uuid for line in lines[3:-1])
    reply = json.loads(run("checkpoint", "get", checkpoint_uuid, "-j"))
    assert reply["uuid"] == checkpoint_uuid
    listed = json.loads(run("checkpoint", "list", "-j"))
    assert checkpoint_uuid in [row[listed["header"].index("uuid")] for row in listed["body"]]


def test_checkpoint_delete(checkpoint_uuid: str) -> None:
    assert run("checkpoint", "delete", checkpoint_uuid) == (
        f"successfully deleted checkpoint '{checkpoint_uuid}'\n"
    )
    assert fail("checkpoint", "get", checkpoint_uuid) == (
        f"status 404: err Checkpoint with uuid '{checkpoint_uuid}' not found"
    )
    assert fail("checkpoint", "delete", checkpoint_uuid).startswith("status 404: err Chekckpoint")
