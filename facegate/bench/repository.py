"""Reading the model repository's `config.pbtxt` files as the Python backend sees them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from google.protobuf import json_format, text_format
from tritonclient.grpc import model_config_pb2

from facegate.paths import MODEL_REPOSITORY


def model_config(name: str, repository: Path = MODEL_REPOSITORY) -> dict[str, Any]:
    """The config as the JSON dict a Python-backend model gets in `args["model_config"]`."""
    message = text_format.Parse((repository / name / "config.pbtxt").read_text(), model_config_pb2.ModelConfig())
    return json_format.MessageToDict(message, preserving_proto_field_name=True)
