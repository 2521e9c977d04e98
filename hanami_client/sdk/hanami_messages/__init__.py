"""The SDK's protobuf module path: ``from hanami_client.sdk.hanami_messages import proto3_pb2``."""

from __future__ import annotations

from hanami_client._proto.hanami_messages import proto3_pb2

__all__ = ["proto3_pb2"]
