"""Helpers for the KMS test files: call an operation through boto3 and check its output."""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest
from botocore.exceptions import ClientError
from fidelity import assert_valid_output

ARN_PREFIX = "arn:aws:kms:us-east-1:111122223333:"
DAY = 86_400
HAS_ML = importlib.util.find_spec("cryptography.hazmat.primitives.asymmetric.mlkem") is not None
needs_ml = pytest.mark.skipif(
    not HAS_ML, reason="the installed cryptography has no ML-DSA or ML-KEM")
"""Marks a test of ML-DSA or ML-KEM keys, which need a recent ``cryptography``."""


def snake(name: str) -> str:
    """The boto3 method name of an operation: ``CreateKey`` -> ``create_key``."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def call(client: Any, operation: str, **params: Any) -> dict[str, Any]:
    """Call ``operation`` (KMS or CloudHSM v2) and check the response against the
    model's output shape."""
    response: dict[str, Any] = getattr(client, snake(operation))(**params)
    assert_valid_output(client.meta.service_model.service_name, operation, response)
    return response


def rejects(client: Any, operation: str, code: str, **params: Any) -> str:
    """Call ``operation``, which must fail with ``code`` and HTTP 400; answer the message."""
    with pytest.raises(ClientError) as raised:
        getattr(client, snake(operation))(**params)
    error = raised.value.response["Error"]
    assert error["Code"] == code, error
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return str(error.get("Message", ""))


def error_of(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str | None]:
    """The AWS error code and message of a failed call (message ``None`` when absent)."""
    error = raised.value.response["Error"]
    return error["Code"], error.get("Message") or None


def fails(client: Any, operation: str, code: str, **params: Any) -> str | None:
    """Call ``operation``, assert it fails with ``code``, and answer the message."""
    with pytest.raises(ClientError) as raised:
        getattr(client, snake(operation))(**params)
    actual, message = error_of(raised)
    assert actual == code, f"{operation} answered {actual}: {message}"
    return message


def new_key(client: Any, **params: Any) -> dict[str, Any]:
    """Create a key and answer its KeyMetadata."""
    metadata: dict[str, Any] = call(client, "CreateKey", **params)["KeyMetadata"]
    return metadata


def schedule_deletion(client: Any, key_id: str) -> None:
    """Put a key in ``PendingDeletion``."""
    client.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
