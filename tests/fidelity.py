"""Checks that keep the fake honest: output shapes and error codes against the botocore model."""

from __future__ import annotations

import datetime
import re
from typing import Any

from botocore.model import Shape

from pytest_cloudhsm_kms.protocol.models import service_model
from pytest_cloudhsm_kms.protocol.shapes import served_pattern

# Errors AWS returns without modeling them (docs/aws-behaviour.md §0.2).
UNMODELED = frozenset({
    "ValidationException", "ThrottlingException", "AccessDeniedException",
    "UnrecognizedClientException", "SerializationException", "UnknownOperationException",
})

EMPTY_ANSWERED = frozenset({"TagList"})
"""List shapes AWS answers empty despite the model's minimum of 1: the User Guide prints
a CloudHSM v2 backup with ``"TagList": []`` (docs/aws-behaviour.md §6.9)."""


def allowed_errors(service: str, operation: str) -> frozenset[str]:
    """The error codes a faithful fake may answer for one operation."""
    op = service_model(service).operation_model(operation)
    return UNMODELED | {shape.name for shape in op.error_shapes}


def assert_valid_output(service: str, operation: str, response: dict[str, Any]) -> None:
    """Assert a parsed boto3 response matches the operation's output shape in the model.

    Checks required members, types, enums, lengths, ranges and patterns, and
    that no member outside the shape is present. A pattern is the one the fake
    holds input to (``served_pattern``): the CloudHSM v2 ARN patterns take the
    ARNs of every partition (docs/aws-behaviour.md §6.1).
    """
    shape = service_model(service).operation_model(operation).output_shape
    body = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    if shape is None:
        assert body == {}, f"{operation} has no output shape but returned {body}"
        return
    problems: list[str] = []
    _check(shape, body, operation, problems)
    assert not problems, f"{operation} output does not match the model:\n" + "\n".join(problems)


def _check(shape: Shape, value: Any, path: str, problems: list[str]) -> None:
    kind = shape.type_name
    meta = shape.metadata
    if kind == "structure":
        if not isinstance(value, dict):
            problems.append(f"{path}: expected structure, got {type(value).__name__}")
            return
        for name in shape.required_members:
            if name not in value:
                problems.append(f"{path}.{name}: required member missing")
        for name, item in value.items():
            member = shape.members.get(name)
            if member is None:
                problems.append(f"{path}.{name}: not a member of {shape.name}")
            else:
                _check(member, item, f"{path}.{name}", problems)
    elif kind == "list":
        if not isinstance(value, list):
            problems.append(f"{path}: expected list")
            return
        if value or shape.name not in EMPTY_ANSWERED:
            _length(meta, len(value), path, problems)
        for i, item in enumerate(value):
            _check(shape.member, item, f"{path}[{i}]", problems)
    elif kind == "map":
        if not isinstance(value, dict):
            problems.append(f"{path}: expected map")
            return
        for k, v in value.items():
            _check(shape.key, k, f"{path}<key>", problems)
            _check(shape.value, v, f"{path}[{k}]", problems)
    elif kind == "string":
        if not isinstance(value, str):
            problems.append(f"{path}: expected string, got {type(value).__name__}")
            return
        if "enum" in meta and value not in meta["enum"]:
            problems.append(f"{path}: {value!r} not in enum {meta['enum']}")
        _length(meta, len(value), path, problems)
        if "pattern" in meta:
            try:
                pattern = re.compile(served_pattern(meta["pattern"]))
            except re.error:
                pattern = None
            if pattern is not None and not pattern.search(value):
                problems.append(f"{path}: {value!r} does not match {meta['pattern']}")
    elif kind == "blob":
        if not isinstance(value, (bytes, bytearray)) and not hasattr(value, "read"):
            problems.append(f"{path}: expected bytes")
        elif isinstance(value, (bytes, bytearray)):
            _length(meta, len(value), path, problems)
    elif kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"{path}: expected integer")
            return
        if "min" in meta and value < meta["min"]:
            problems.append(f"{path}: {value} < min {meta['min']}")
        if "max" in meta and value > meta["max"]:
            problems.append(f"{path}: {value} > max {meta['max']}")
    elif kind == "boolean":
        if not isinstance(value, bool):
            problems.append(f"{path}: expected boolean")
    elif kind == "timestamp" and not isinstance(value, datetime.datetime):
        problems.append(f"{path}: expected timestamp")


def _length(meta: dict[str, Any], length: int, path: str, problems: list[str]) -> None:
    if "min" in meta and length < meta["min"]:
        problems.append(f"{path}: length {length} < min {meta['min']}")
    if "max" in meta and length > meta["max"]:
        problems.append(f"{path}: length {length} > max {meta['max']}")
