"""The module generated from proto/hanami_messages.proto3."""
