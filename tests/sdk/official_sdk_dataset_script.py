"""The dataset part of a script written for the official Python SDK (``hanami_sdk``); only its
import line was changed.

Usage: python official_sdk_dataset_script.py ADDRESS USER_ID PASSPHRASE MNIST_DIR WORK_DIR
(run against an empty backend: it deletes every dataset the admin can see).
"""

import json
import os
import sys

import urllib3

from hanami_client.sdk import dataset, hanami_exceptions, hanami_token

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)

address, admin_id, admin_passphrase, mnist_dir, work_dir = sys.argv[1:6]

train_inputs = os.path.join(mnist_dir, "train-images-idx3-ubyte")
train_labels = os.path.join(mnist_dir, "train-labels-idx1-ubyte")
request_inputs = os.path.join(mnist_dir, "t10k-images-idx3-ubyte")
request_labels = os.path.join(mnist_dir, "t10k-labels-idx1-ubyte")


def expect(exception, call, *args):
    try:
        call(*args)
    except exception:
        return
    sys.exit(f"{call.__name__}{args[2:]} did not raise {exception.__name__}")


def delete_all_datasets(token):
    for entry in json.loads(dataset.list_datasets(token, address, False))["body"]:
        dataset.delete_dataset(token, address, entry[1], False)


def write_result_file(path):
    # a perfect "request result": the one-hot vector of every test label
    with open(request_labels, "rb") as label_file:
        labels = label_file.read()[8:]
    lines = [",".join(f"c{k}" for k in range(10))]
    lines += [",".join("1" if k == label else "0" for k in range(10)) for label in labels]
    with open(path, "w") as result_file:
        result_file.write("\n".join(lines) + "\n")


def test_dataset(token):
    train_uuid = dataset.upload_mnist_files(
        token, address, "train_test_dataset", train_inputs, train_labels, False
    )
    request_uuid = dataset.upload_mnist_files(
        token, address, "request_test_dataset", request_inputs, request_labels, False
    )
    assert isinstance(train_uuid, str)

    listed = json.loads(dataset.list_datasets(token, address, False))["body"]
    assert sorted(entry[-1] for entry in listed) == ["request_test_dataset", "train_test_dataset"]

    stored = json.loads(dataset.get_dataset(token, address, train_uuid, False))
    assert stored["number_of_rows"] == 4000
    assert stored["number_of_columns"] == 794
    expect(
        hanami_exceptions.BadRequestException,
        dataset.get_dataset,
        token,
        address,
        "fail_dataset",
        False,
    )

    content = json.loads(
        dataset.download_dataset_content(token, address, request_uuid, "label", 10, 100, False)
    )
    assert len(content["data"]) == 10
    assert len(content["data"][0]) == 10

    result_path = os.path.join(work_dir, "result.csv")
    write_result_file(result_path)
    result_uuid = dataset.upload_csv_files(token, address, "result_dataset", result_path, False)
    checked = json.loads(
        dataset.check_mnist_dataset(token, address, result_uuid, request_uuid, False)
    )
    assert checked["accuracy"] > 80.0

    dataset.delete_dataset(token, address, train_uuid, False)
    expect(
        hanami_exceptions.NotFoundException,
        dataset.delete_dataset,
        token,
        address,
        train_uuid,
        False,
    )
    print("datasets ok")


admin_token = hanami_token.request_token(address, admin_id, admin_passphrase, False)

delete_all_datasets(admin_token)
test_dataset(admin_token)
delete_all_datasets(admin_token)
assert json.loads(dataset.list_datasets(admin_token, address, False))["body"] == []
print("done")
