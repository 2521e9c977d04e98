"""Every operation of contract sections 2, 9 and 10 is reachable five ways: through
hanami_client, the sdk facade (where the official SDK has it), a page, the JSON API and a
management command (where hanamictl has it). A gap anywhere fails here.

Where a way is missing on purpose the table says why instead of naming it.
"""

from __future__ import annotations

import argparse
import importlib
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest
from django.core.management import get_commands, load_command_class
from django.urls import get_resolver

from hanami_client import HanamiClient


@dataclass(frozen=True)
class Operation:
    """One backend operation and where each layer offers it."""

    endpoint: str
    client: str
    page: str
    api: str
    sdk: str | None = None
    command: str | None = None


# The API signs in with the portal session; tokens never leave the portal.
SESSION = "session sign-in is the page's job: the API uses the portal session"
OPERATIONS = [
    Operation("POST /token", "login", "accounts:login", SESSION, "hanami_token.request_token"),
    Operation("PUT /token", "renew_token", "accounts:project", SESSION, "user.switch_project"),
    Operation(
        "POST /user",
        "users.create",
        "users:create",
        "POST /api/users",
        "user.create_user",
        "user create",
    ),
    Operation(
        "GET /user",
        "users.get",
        "users:detail",
        "GET /api/users/{user_id}",
        "user.get_user",
        "user get",
    ),
    Operation(
        "GET /user/all",
        "users.list",
        "users:list",
        "GET /api/users",
        "user.list_users",
        "user list",
    ),
    Operation(
        "DELETE /user",
        "users.delete",
        "users:delete",
        "DELETE /api/users/{user_id}",
        "user.delete_user",
        "user delete",
    ),
    Operation(
        "POST /user/project",
        "users.add_project",
        "users:assign",
        "POST /api/users/{user_id}/projects",
        "user.add_roject_to_user",
    ),
    Operation(
        "GET /user/project",
        "users.list_projects",
        "users:detail",
        "GET /api/users/{user_id}/projects",
        "user.list_projects_of_user",
    ),
    Operation(
        "DELETE /user/project",
        "users.remove_project",
        "users:unassign",
        "DELETE /api/users/{user_id}/projects/{project_id}",
        "user.remove_project_fromUser",
    ),
    Operation(
        "POST /project",
        "projects.create",
        "projects:create",
        "POST /api/projects",
        "project.create_project",
        "project create",
    ),
    Operation(
        "GET /project",
        "projects.get",
        "projects:list",
        "GET /api/projects/{project_id}",
        "project.get_project",
        "project get",
    ),
    Operation(
        "GET /project/all",
        "projects.list",
        "projects:list",
        "GET /api/projects",
        "project.list_projects",
        "project list",
    ),
    Operation(
        "DELETE /project",
        "projects.delete",
        "projects:delete",
        "DELETE /api/projects/{project_id}",
        "project.delete_project",
        "project delete",
    ),
    Operation(
        "POST+PUT /dataset/upload/mnist",
        "datasets.upload_mnist",
        "datasets:upload",
        "POST /api/datasets/mnist",
        "dataset.upload_mnist_files",
        "dataset create mnist",
    ),
    Operation(
        "POST+PUT /dataset/upload/csv",
        "datasets.upload_csv",
        "datasets:upload",
        "POST /api/datasets/csv",
        "dataset.upload_csv_files",
        "dataset create csv",
    ),
    Operation(
        "GET /dataset/progress",
        "datasets.upload_complete",
        "datasets:upload_status",
        "POST /api/datasets/mnist",
        "dataset.wait_until_upload_complete",
        "dataset create mnist",
    ),
    Operation(
        "websocket file_upload",
        "datasets.send_file",
        "datasets:upload_chunk",
        "POST /api/datasets/csv",
        "dataset.send_data",
        "dataset create csv",
    ),
    Operation(
        "GET /dataset",
        "datasets.get",
        "datasets:detail",
        "GET /api/datasets/{dataset_uuid}",
        "dataset.get_dataset",
        "dataset get",
    ),
    Operation(
        "GET /dataset/all",
        "datasets.list",
        "datasets:list",
        "GET /api/datasets",
        "dataset.list_datasets",
        "dataset list",
    ),
    Operation(
        "DELETE /dataset",
        "datasets.delete",
        "datasets:delete",
        "DELETE /api/datasets/{dataset_uuid}",
        "dataset.delete_dataset",
        "dataset delete",
    ),
    Operation(
        "GET /dataset/check",
        "datasets.check",
        "datasets:accuracy",
        "GET /api/datasets/{dataset_uuid}/check",
        "dataset.check_mnist_dataset",
        "dataset check",
    ),
    Operation(
        "GET /dataset/content",
        "datasets.content",
        "datasets:detail",
        "GET /api/datasets/{dataset_uuid}/content",
        "dataset.download_dataset_content",
        "dataset content",
    ),
    Operation(
        "POST /cluster",
        "clusters.create",
        "clusters:create",
        "POST /api/clusters",
        "cluster.create_cluster",
        "cluster create",
    ),
    Operation(
        "GET /cluster",
        "clusters.get",
        "clusters:detail",
        "GET /api/clusters/{cluster_uuid}",
        "cluster.get_cluster",
        "cluster get",
    ),
    Operation(
        "GET /cluster/all",
        "clusters.list",
        "clusters:list",
        "GET /api/clusters",
        "cluster.list_clusters",
        "cluster list",
    ),
    Operation(
        "DELETE /cluster",
        "clusters.delete",
        "clusters:delete",
        "DELETE /api/clusters/{cluster_uuid}",
        "cluster.delete_cluster",
        "cluster delete",
    ),
    Operation(
        "POST /cluster/save",
        "clusters.save",
        "clusters:save",
        "POST /api/clusters/{cluster_uuid}/save",
        "cluster.save_cluster",
        "cluster save",
    ),
    Operation(
        "POST /cluster/load",
        "clusters.restore",
        "clusters:restore",
        "POST /api/clusters/{cluster_uuid}/restore",
        "cluster.restore_cluster",
        "cluster restore",
    ),
    Operation(
        "PUT /cluster/set_mode TASK",
        "clusters.set_mode",
        "directio:release",
        "PUT /api/clusters/{cluster_uuid}/mode",
        "cluster.switch_to_task_mode",
    ),
    Operation(
        "PUT /cluster/set_mode DIRECT + websocket",
        "clusters.direct",
        "directio:page",
        "PUT /api/clusters/{cluster_uuid}/mode",
        "cluster.switch_to_direct_mode",
    ),
    Operation(
        "websocket direct IO train",
        "clusters.direct",
        "directio:page",
        "POST /api/clusters/{cluster_uuid}/direct/train",
        "direct_io.send_train_input",
    ),
    Operation(
        "websocket direct IO request",
        "clusters.direct",
        "directio:page",
        "POST /api/clusters/{cluster_uuid}/direct/request",
        "direct_io.send_request_input",
    ),
    Operation(
        "PUT /cluster/switch_host",
        "clusters.switch_host",
        "hosts:switch",
        "POST /api/hosts/switch",
        "cluster.switch_host",
    ),
    Operation(
        "POST /task/train",
        "tasks.train",
        "tasks:train",
        "POST /api/clusters/{cluster_uuid}/tasks/train",
        "task.create_train_task",
        "task create train",
    ),
    Operation(
        "POST /task/request",
        "tasks.request",
        "tasks:request",
        "POST /api/clusters/{cluster_uuid}/tasks/request",
        "task.create_request_task",
        "task create request",
    ),
    Operation(
        "GET /task",
        "tasks.get",
        "tasks:detail",
        "GET /api/clusters/{cluster_uuid}/tasks/{task_uuid}",
        "task.get_task",
        "task get",
    ),
    Operation(
        "GET /task/all",
        "tasks.list",
        "tasks:list",
        "GET /api/clusters/{cluster_uuid}/tasks",
        "task.list_tasks",
        "task list",
    ),
    Operation(
        "DELETE /task",
        "tasks.delete",
        "tasks:delete",
        "DELETE /api/clusters/{cluster_uuid}/tasks/{task_uuid}",
        "task.delete_task",
        "task delete",
    ),
    Operation(
        "GET /checkpoint",
        "checkpoints.get",
        "checkpoints:detail",
        "GET /api/checkpoints/{checkpoint_uuid}",
        command="checkpoint get",
    ),
    Operation(
        "GET /checkpoint/all",
        "checkpoints.list",
        "checkpoints:list",
        "GET /api/checkpoints",
        "checkpoint.list_checkpoints",
        "checkpoint list",
    ),
    Operation(
        "DELETE /checkpoint",
        "checkpoints.delete",
        "checkpoints:delete",
        "DELETE /api/checkpoints/{checkpoint_uuid}",
        "checkpoint.delete_checkpoint",
        "checkpoint delete",
    ),
    Operation(
        "GET /host/all",
        "hosts.list",
        "hosts:list",
        "GET /api/hosts",
        "hosts.list_hosts",
        "host list",
    ),
    Operation(
        "GET /audit_log",
        "logs.audit",
        "logs:audit",
        "GET /api/logs/audit",
        "logs.list_audit_logs",
        "log audit",
    ),
    Operation(
        "GET /error_log",
        "logs.errors",
        "logs:errors",
        "GET /api/logs/errors",
        "logs.list_error_logs",
        "log errors",
    ),
    Operation(
        "GET /power_consumption",
        "measurements.power",
        "system:page",
        "GET /api/system/measurements",
    ),
    Operation("GET /speed", "measurements.speed", "system:page", "GET /api/system/measurements"),
    Operation(
        "GET /temperature_production",
        "measurements.temperature",
        "system:page",
        "GET /api/system/measurements",
    ),
    Operation("GET /system_info", "system.info", "system:page", "GET /api/system/info"),
    Operation("GET /threading", "system.threading", "system:page", "GET /api/system/threading"),
]

# Contract section 10's hanamictl commands: each must be in the table above.
HANAMICTL = [
    "user create", "user get", "user list", "user delete",
    "project create", "project get", "project list", "project delete",
    "dataset create mnist", "dataset create csv", "dataset get", "dataset list",
    "dataset delete", "dataset check", "dataset content",
    "cluster create", "cluster get", "cluster list", "cluster delete", "cluster save",
    "cluster restore",
    "checkpoint get", "checkpoint list", "checkpoint delete",
    "task create train", "task create request", "task get", "task list", "task delete",
    "host list",
]  # fmt: skip

# Contract section 9's SDK functions: each must be in the table above.
SDK = [
    "hanami_token.request_token",
    "user.create_user", "user.get_user", "user.list_users", "user.delete_user",
    "user.add_roject_to_user", "user.remove_project_fromUser", "user.list_projects_of_user",
    "user.switch_project",
    "project.create_project", "project.get_project", "project.list_projects",
    "project.delete_project",
    "dataset.list_datasets", "dataset.get_dataset", "dataset.delete_dataset",
    "dataset.check_mnist_dataset", "dataset.download_dataset_content",
    "dataset.wait_until_upload_complete", "dataset.send_data", "dataset.upload_mnist_files",
    "dataset.upload_csv_files",
    "cluster.create_cluster", "cluster.save_cluster", "cluster.restore_cluster",
    "cluster.get_cluster", "cluster.list_clusters", "cluster.delete_cluster",
    "cluster.switch_to_task_mode", "cluster.switch_host", "cluster.switch_to_direct_mode",
    "checkpoint.list_checkpoints", "checkpoint.delete_checkpoint",
    "hosts.list_hosts", "logs.list_audit_logs", "logs.list_error_logs",
    "task.create_train_task", "task.create_request_task", "task.get_task", "task.list_tasks",
    "task.delete_task",
    "direct_io.send_train_input", "direct_io.send_request_input",
]  # fmt: skip


def _names(patterns: list[Any], namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _names(pattern.url_patterns, inner)
        elif pattern.name:
            names.add(namespace + pattern.name)
    return names


@cache
def page_names() -> frozenset[str]:
    """Every named URL of the portal, with its namespace."""
    return frozenset(_names(get_resolver().url_patterns))


@cache
def api_operations() -> frozenset[str]:
    """``METHOD /api/path`` of every operation in the JSON API's OpenAPI schema."""
    from portal.api import api

    paths = api.get_openapi_schema()["paths"]
    return frozenset(f"{method.upper()} {path}" for path, item in paths.items() for method in item)


def command_words(name: str) -> set[str]:
    """The sub-command paths a management command accepts, such as ``create train``."""
    parser = load_command_class(get_commands()[name], name).create_parser("manage.py", name)
    return set(_sub_commands(parser))


def _sub_commands(parser: argparse.ArgumentParser, prefix: str = "") -> list[str]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for word, sub in action.choices.items():
                found.append(f"{prefix}{word}")
                found += _sub_commands(sub, f"{prefix}{word} ")
    return found


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.endpoint)
def test_every_operation_is_reachable_every_way(operation: Operation) -> None:
    target: Any = HanamiClient("http://127.0.0.1:9")
    for attribute in operation.client.split("."):
        target = getattr(target, attribute)
    assert callable(target)
    if operation.sdk is not None:
        module, function = operation.sdk.split(".")
        assert callable(getattr(importlib.import_module(f"hanami_client.sdk.{module}"), function))
    assert operation.page in page_names()
    assert operation.api == SESSION or operation.api in api_operations()
    if operation.command is not None:
        name, words = operation.command.split(" ", 1)
        assert words in command_words(name)


def test_every_hanamictl_command_and_sdk_function_is_in_the_table() -> None:
    commands = {operation.command for operation in OPERATIONS}
    functions = {operation.sdk for operation in OPERATIONS}
    assert [command for command in HANAMICTL if command not in commands] == []
    assert [function for function in SDK if function not in functions] == []
