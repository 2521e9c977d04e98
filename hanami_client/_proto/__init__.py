"""Generated protobuf modules (see proto/); regenerate, never edit."""
