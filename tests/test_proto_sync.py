"""The committed protobuf module is what proto/hanami_messages.proto3 compiles to, and both follow
contract section 4 (names, numbers, types)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from google.protobuf import descriptor_pb2
from grpc_tools import protoc

from hanami_client._proto.hanami_messages import proto3_pb2

PROTO_DIR = Path(__file__).resolve().parent.parent / "proto"
Field = descriptor_pb2.FieldDescriptorProto

# Contract section 4: message -> [(number, name, type, enum type or None, repeated)].
MESSAGES = {
    "ClusterIO_Message": [
        (1, "bufferName", Field.TYPE_STRING, None, False),
        (2, "isLast", Field.TYPE_BOOL, None, False),
        (3, "processType", Field.TYPE_ENUM, ".ClusterProcessType", False),
        (4, "targetBufferType", Field.TYPE_ENUM, ".TargetBufferType", False),
        (5, "numberOfValues", Field.TYPE_UINT64, None, False),
        (6, "values", Field.TYPE_FLOAT, None, True),
    ],
    "FileUpload_Message": [
        (1, "position", Field.TYPE_UINT64, None, False),
        (2, "data", Field.TYPE_BYTES, None, False),
    ],
    "FileUploadResponse_Message": [
        (1, "success", Field.TYPE_BOOL, None, False),
        (2, "errorMessage", Field.TYPE_STRING, None, False),
    ],
}
ENUMS = {
    "ClusterProcessType": [("REQUEST_TYPE", 0), ("TRAIN_TYPE", 1)],
    "TargetBufferType": [
        ("INPUT_BUFFER_TYPE", 0),
        ("OUTPUT_BUFFER_TYPE", 1),
        ("EXPECTED_BUFFER_TYPE", 2),
    ],
}


def serialized_descriptor(generated: Path) -> bytes:
    """The FileDescriptor bytes a generated module registers (its header varies by version)."""
    for node in ast.walk(ast.parse(generated.read_text())):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "AddSerializedFile"
        ):
            return ast.literal_eval(node.args[0])
    raise AssertionError(f"no AddSerializedFile call in {generated}")


@pytest.fixture(scope="module")
def committed() -> descriptor_pb2.FileDescriptorProto:
    return descriptor_pb2.FileDescriptorProto.FromString(proto3_pb2.DESCRIPTOR.serialized_pb)


def test_committed_module_matches_a_fresh_compile(tmp_path: Path) -> None:
    status = protoc.main(
        [
            "grpc_tools.protoc",
            f"--proto_path={PROTO_DIR}",
            f"--python_out={tmp_path}",
            str(PROTO_DIR / "hanami_messages.proto3"),
        ]
    )
    assert status == 0

    fresh = serialized_descriptor(tmp_path / "hanami_messages" / "proto3_pb2.py")

    assert descriptor_pb2.FileDescriptorProto.FromString(fresh) == (
        descriptor_pb2.FileDescriptorProto.FromString(proto3_pb2.DESCRIPTOR.serialized_pb)
    )
    assert fresh == proto3_pb2.DESCRIPTOR.serialized_pb


def test_file_options_match_the_contract(committed: descriptor_pb2.FileDescriptorProto) -> None:
    assert (committed.name, committed.syntax, committed.package) == (
        "hanami_messages.proto3",
        "proto3",
        "",
    )
    assert committed.options.go_package == "hanami_sdk"


@pytest.mark.parametrize("message", sorted(MESSAGES))
def test_message_fields_match_the_contract(
    committed: descriptor_pb2.FileDescriptorProto, message: str
) -> None:
    found = next(m for m in committed.message_type if m.name == message)

    fields = [
        (
            f.number,
            f.name,
            f.type,
            f.type_name or None,
            f.label == Field.LABEL_REPEATED,
        )
        for f in found.field
    ]

    assert fields == MESSAGES[message]


def test_values_are_packed(committed: descriptor_pb2.FileDescriptorProto) -> None:
    message = next(m for m in committed.message_type if m.name == "ClusterIO_Message")
    values = next(f for f in message.field if f.name == "values")

    assert values.options.packed is True


def test_only_the_contract_messages_and_enums_exist(
    committed: descriptor_pb2.FileDescriptorProto,
) -> None:
    assert sorted(m.name for m in committed.message_type) == sorted(MESSAGES)
    assert {e.name: [(v.name, v.number) for v in e.value] for e in committed.enum_type} == ENUMS


def test_an_upload_ack_serializes_as_upstream_sends_it() -> None:
    reply = proto3_pb2.FileUploadResponse_Message(success=True, errorMessage="")

    assert reply.SerializeToString() == b"\x08\x01"


def test_sdk_import_path_gives_the_same_module() -> None:
    from hanami_client.sdk.hanami_messages import proto3_pb2 as sdk_module

    assert sdk_module is proto3_pb2
