"""A script written for the official Python SDK (``hanami_sdk``); only its import line was changed.

Usage: python official_sdk_script.py ADDRESS USER_ID PASSPHRASE MNIST_DIR (run against an empty
backend: it deletes every project, user, dataset, checkpoint and cluster the admin can see).
The workflow is upstream's (contract section 9), its direct-IO part included.
"""

import asyncio
import contextlib
import json
import os
import sys
import time

import urllib3

from hanami_client.sdk import (
    checkpoint,
    cluster,
    dataset,
    direct_io,
    hanami_exceptions,
    hanami_token,
    project,
    task,
    user,
)

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)

address, admin_id, admin_passphrase, mnist_dir = sys.argv[1:5]

project_id = "test_project"
project_name = "Test Project"
user_id = "tsugumi"
user_name = "Tsugumi"
passphrase = "new password"

train_inputs = os.path.join(mnist_dir, "train-images-idx3-ubyte")
train_labels = os.path.join(mnist_dir, "train-labels-idx1-ubyte")
request_inputs = os.path.join(mnist_dir, "t10k-images-idx3-ubyte")
request_labels = os.path.join(mnist_dir, "t10k-labels-idx1-ubyte")

cluster_name = "test_cluster"
checkpoint_name = "test_checkpoint"
generic_task_name = "test_task"
request_dataset_name = "request_test_dataset"
train_dataset_name = "train_test_dataset"

cluster_template = (
    "version: 1\n"
    "settings:\n"
    "    neuron_cooldown: 10000000.0\n"
    "    refractory_time: 1\n"
    "    max_connection_distance: 1\n"
    "    enable_reduction: false\n"
    "hexagons:\n"
    "    1,1,1\n"
    "    3,1,1\n"
    "    4,1,1\n"
    "axons:\n"
    "    1,1,1 -> 3,1,1\n"
    "inputs:\n"
    "    picture_hex: 1,1,1\n"
    "outputs:\n"
    "    label_hex: 4,1,1\n"
)


def expect(exception, call, *args):
    try:
        call(*args)
    except exception:
        return
    sys.exit(f"{call.__name__}{args[2:]} did not raise {exception.__name__}")


def delete_all_projects(token):
    for entry in json.loads(project.list_projects(token, address, False))["body"]:
        project.delete_project(token, address, entry[1], False)


def delete_all_users(token):
    for entry in json.loads(user.list_users(token, address, False))["body"]:
        with contextlib.suppress(hanami_exceptions.ConflictException):  # the admin running this
            user.delete_user(token, address, entry[1], False)


def delete_all(list_function, delete_function, token):
    for entry in json.loads(list_function(token, address, False))["body"]:
        delete_function(token, address, entry[1], False)


def wait_until_finished(token, task_uuid, cluster_uuid):
    finished = False
    while not finished:
        time.sleep(1)
        result = json.loads(task.get_task(token, address, task_uuid, cluster_uuid, False))
        finished = result["state"] == "finished"
        assert 0 <= result["current_cycle"] <= result["total_number_of_cycles"]


def direct_io_test_values():
    """The first test picture of a 5, and the one-hot label of a 5."""
    with open(request_labels, "rb") as labels_file:
        index = labels_file.read()[8:].index(5)
    with open(request_inputs, "rb") as images_file:
        images = images_file.read()
    picture = [float(pixel) for pixel in images[16 + 784 * index : 16 + 784 * (index + 1)]]
    return picture, [1.0 if digit == 5 else 0.0 for digit in range(10)]


async def test_direct_io(token, cluster_uuid):
    picture, label = direct_io_test_values()
    ws = await cluster.switch_to_direct_mode(token, address, cluster_uuid, False)
    for _ in range(100):
        await direct_io.send_train_input(ws, "picture_hex", picture, True, False)
        await direct_io.send_train_input(ws, "label_hex", label, False, True)
    output_values = await direct_io.send_request_input(ws, "picture_hex", picture, True)
    await ws.close()
    cluster.switch_to_task_mode(token, address, cluster_uuid, False)

    assert list(output_values).index(max(output_values)) == 5, list(output_values)
    print("direct io ok")


def test_project(token):
    project.create_project(token, address, project_id, project_name, False)
    expect(
        hanami_exceptions.ConflictException,
        project.create_project,
        token,
        address,
        project_id,
        project_name,
        False,
    )
    assert json.loads(project.list_projects(token, address, False))["body"][0][1] == project_id
    stored = json.loads(project.get_project(token, address, project_id, False))
    assert stored["name"] == project_name
    expect(
        hanami_exceptions.NotFoundException,
        project.get_project,
        token,
        address,
        "fail_project",
        False,
    )
    project.delete_project(token, address, project_id, False)
    expect(
        hanami_exceptions.NotFoundException,
        project.delete_project,
        token,
        address,
        project_id,
        False,
    )
    print("projects ok")


def test_user(token):
    user.create_user(token, address, user_id, user_name, passphrase, True, False)
    expect(
        hanami_exceptions.ConflictException,
        user.create_user,
        token,
        address,
        user_id,
        user_name,
        passphrase,
        True,
        False,
    )
    user.list_users(token, address, False)
    assert json.loads(user.get_user(token, address, user_id, False))["is_admin"] is True
    expect(hanami_exceptions.NotFoundException, user.get_user, token, address, "fail_user", False)
    user.delete_user(token, address, user_id, False)
    expect(hanami_exceptions.NotFoundException, user.delete_user, token, address, user_id, False)
    expect(hanami_exceptions.ConflictException, user.delete_user, token, address, admin_id, False)
    print("users ok")


def test_assignments(token):
    project.create_project(token, address, project_id, project_name, False)
    project.create_project(token, address, "other_project", "Other Project", False)
    user.create_user(token, address, user_id, user_name, passphrase, False, False)
    user.add_roject_to_user(token, address, user_id, project_id, "member", False, False)
    user.add_roject_to_user(token, address, user_id, "other_project", "member", True, False)
    own = json.loads(user.list_projects_of_user(token, address, False))["projects"]
    assert own == [{"is_project_admin": True, "project_id": "admin", "role": "admin"}]

    member_token = hanami_token.request_token(address, user_id, passphrase, False)
    switched = json.loads(user.switch_project(member_token, address, "other_project", False))
    assert switched["id"] == user_id
    assert switched["token"] != member_token

    user.remove_project_fromUser(token, address, user_id, "other_project", False)
    expect(
        hanami_exceptions.NotFoundException,
        user.remove_project_fromUser,
        token,
        address,
        user_id,
        "other_project",
        False,
    )
    expect(
        hanami_exceptions.UnauthorizedException,
        user.list_users,
        member_token,
        address,
        False,
    )
    print("assignments ok")


def test_cluster(token):
    result = cluster.create_cluster(token, address, cluster_name, cluster_template, False)
    cluster_uuid = json.loads(result)["uuid"]
    cluster.list_clusters(token, address, False)
    cluster.get_cluster(token, address, cluster_uuid, False)
    expect(
        hanami_exceptions.BadRequestException,
        cluster.get_cluster,
        token,
        address,
        "fail_cluster",
        False,
    )
    cluster.delete_cluster(token, address, cluster_uuid, False)
    expect(
        hanami_exceptions.NotFoundException,
        cluster.delete_cluster,
        token,
        address,
        cluster_uuid,
        False,
    )
    print("clusters ok")


def test_workflow(token):
    result = cluster.create_cluster(token, address, cluster_name, cluster_template, False)
    cluster_uuid = json.loads(result)["uuid"]
    train_dataset_uuid = dataset.upload_mnist_files(
        token, address, train_dataset_name, train_inputs, train_labels, False
    )
    request_dataset_uuid = dataset.upload_mnist_files(
        token, address, request_dataset_name, request_inputs, request_labels, False
    )

    # run training
    inputs = [
        {
            "dataset_uuid": train_dataset_uuid,
            "dataset_column": "picture",
            "hexagon_name": "picture_hex",
        }
    ]
    outputs = [
        {
            "dataset_uuid": train_dataset_uuid,
            "dataset_column": "label",
            "hexagon_name": "label_hex",
        }
    ]
    result = task.create_train_task(
        token, address, generic_task_name, cluster_uuid, inputs, outputs, 1, False
    )
    task_uuid = json.loads(result)["uuid"]
    wait_until_finished(token, task_uuid, cluster_uuid)
    task.delete_task(token, address, task_uuid, cluster_uuid, False)

    # save and reload checkpoint
    result = cluster.save_cluster(token, address, checkpoint_name, cluster_uuid, False)
    checkpoint_uuid = json.loads(result)["uuid"]
    result = checkpoint.list_checkpoints(token, address, False)
    assert [entry[1] for entry in json.loads(result)["body"]] == [checkpoint_uuid]

    cluster.delete_cluster(token, address, cluster_uuid, False)
    result = cluster.create_cluster(token, address, cluster_name, cluster_template, False)
    cluster_uuid = json.loads(result)["uuid"]
    cluster.restore_cluster(token, address, checkpoint_uuid, cluster_uuid, False)

    checkpoint.delete_checkpoint(token, address, checkpoint_uuid, False)
    expect(
        hanami_exceptions.NotFoundException,
        checkpoint.delete_checkpoint,
        token,
        address,
        checkpoint_uuid,
        False,
    )

    # run testing
    inputs = [
        {
            "dataset_uuid": request_dataset_uuid,
            "dataset_column": "picture",
            "hexagon_name": "picture_hex",
        }
    ]
    results = [{"dataset_column": "test_output", "hexagon_name": "label_hex"}]
    result = task.create_request_task(
        token, address, generic_task_name, cluster_uuid, inputs, results, 1, False
    )
    task_uuid = json.loads(result)["uuid"]
    wait_until_finished(token, task_uuid, cluster_uuid)
    task.list_tasks(token, address, cluster_uuid, False)
    task.delete_task(token, address, task_uuid, cluster_uuid, False)

    # check request-result
    result = dataset.check_mnist_dataset(token, address, task_uuid, request_dataset_uuid, False)
    accuracy = json.loads(result)["accuracy"]
    assert accuracy > 80.0, accuracy

    result = dataset.download_dataset_content(token, address, task_uuid, "test_output", 10, 100)
    data = json.loads(result)["data"]
    assert len(data) == 10
    assert len(data[0]) == 10

    asyncio.run(test_direct_io(token, cluster_uuid))

    # cleanup
    dataset.delete_dataset(token, address, train_dataset_uuid, False)
    dataset.delete_dataset(token, address, request_dataset_uuid, False)
    dataset.delete_dataset(token, address, task_uuid, False)
    cluster.delete_cluster(token, address, cluster_uuid, False)
    print("workflow ok")


def delete_everything(token):
    delete_all(dataset.list_datasets, dataset.delete_dataset, token)
    delete_all(checkpoint.list_checkpoints, checkpoint.delete_checkpoint, token)
    delete_all(cluster.list_clusters, cluster.delete_cluster, token)
    delete_all_projects(token)
    delete_all_users(token)


admin_token = hanami_token.request_token(address, admin_id, admin_passphrase, False)
expect(
    hanami_exceptions.UnauthorizedException,
    hanami_token.request_token,
    address,
    admin_id,
    "wrong passphrase",
    False,
)

delete_everything(admin_token)

test_project(admin_token)
test_user(admin_token)
test_assignments(admin_token)
test_cluster(admin_token)
test_workflow(admin_token)

delete_everything(admin_token)
print("done")
