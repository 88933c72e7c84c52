"""What the test files share, besides fixtures (``conftest.py``) and model checks (``fidelity.py``).

Calling AWS through a boto3 client:

* :func:`call` calls an operation by its AWS name and checks the answer against the
  operation's output shape in the botocore model; :func:`snake` is the boto3 method name.
* :func:`new_key` creates a KMS key and answers its ``KeyMetadata``;
  :func:`schedule_deletion` puts a key in ``PendingDeletion``; :func:`keypair` creates
  an asymmetric key and :func:`public_key` loads its public key with ``cryptography``;
  :func:`wrap` wraps key material for ImportKeyMaterial.
* :func:`key_state` is a key's ``KeyState``; :func:`store_entry` and :func:`store_state`
  are a custom key store's DescribeCustomKeyStores entry and ``ConnectionState``.
* :func:`cluster_entry` is a CloudHSM cluster's DescribeClusters entry;
  :func:`delete_all_hsms` deletes every HSM of a cluster through the API.

Calls that must fail (each asserts the AWS error code):

* :func:`fails` (an operation by name; answers the message, ``None`` when AWS sends none)
  and :func:`rejects` (the same, also asserting HTTP 400).
* :func:`error` (a bound client method; answers the message).
* :func:`failure` (a bound client method; answers code, HTTP status and message, to
  compare whole).
* :func:`error_of` reads code and message from a ``pytest.raises(ClientError)`` block.

Where the installed botocore is older than the newest: :func:`requires_operation`,
:func:`requires_member` and :func:`requires_value` skip a test that needs what its model
lacks, naming the botocore release that brings it.

Constants: :data:`ARN_PREFIX`, :data:`DAY`, :data:`HOUR`, :data:`FROZEN_START`, :data:`ONE_ATTEMPT`,
:data:`THROTTLING_MESSAGE`, and :data:`needs_ml` for ML-DSA and ML-KEM tests.
"""

from __future__ import annotations

import os
from typing import Any, NamedTuple

import botocore
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.keywrap import aes_key_wrap_with_padding
from fidelity import assert_valid_output

from pytest_cloudhsm_kms.kms import keypairs
from pytest_cloudhsm_kms.protocol.models import BOTOCORE_SINCE, in_model

ARN_PREFIX = "arn:aws:kms:us-east-1:111122223333:"
"""The start of a KMS ARN in the default account and Region."""
HOUR = 3_600
DAY = 86_400
FROZEN_START = 1_700_000_000.0
"""Where the virtual clock of the ``frozen`` fixture starts (epoch seconds)."""
ONE_ATTEMPT = Config(retries={"total_max_attempts": 1})
"""Client configuration without retries: each call is one attempt."""
THROTTLING_MESSAGE = (
    "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls."
)
"""The message of KMS's ``ThrottlingException`` (docs/aws-behaviour.md §5.1)."""
HAS_ML = keypairs.mldsa is not None and keypairs.mlkem is not None  # the package's own view
needs_ml = pytest.mark.skipif(
    not HAS_ML, reason="the installed cryptography has no ML-DSA or ML-KEM")
"""Marks a test of ML-DSA or ML-KEM keys, which need a recent ``cryptography``."""


# -- calling AWS ------------------------------------------------------------------------------


def snake(name: str) -> str:
    """The boto3 method name of an operation: ``CreateKey`` -> ``create_key``."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def call(client: Any, operation: str, **params: Any) -> dict[str, Any]:
    """Call ``operation`` (KMS or CloudHSM v2) and check the response against the
    model's output shape."""
    response: dict[str, Any] = getattr(client, snake(operation))(**params)
    assert_valid_output(client.meta.service_model.service_name, operation, response)
    return response


def new_key(client: Any, **params: Any) -> dict[str, Any]:
    """Create a key and answer its KeyMetadata."""
    metadata: dict[str, Any] = call(client, "CreateKey", **params)["KeyMetadata"]
    return metadata


def schedule_deletion(client: Any, key_id: str) -> None:
    """Put a key in ``PendingDeletion``."""
    client.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)


def keypair(client: Any, spec: str, usage: str) -> dict[str, Any]:
    """Create an asymmetric key of ``spec`` for ``usage``; answer its KeyMetadata."""
    return new_key(client, KeySpec=spec, KeyUsage=usage)


def public_key(client: Any, key_id: str) -> Any:
    """The public key of an asymmetric KMS key, loaded by ``cryptography``."""
    der = call(client, "GetPublicKey", KeyId=key_id)["PublicKey"]
    return serialization.load_der_public_key(der)


def wrap(public_der: bytes, algorithm: str, material: bytes) -> bytes:
    """Wrap key material for ImportKeyMaterial as the KMS guide says: RSAES-OAEP, or RSA-OAEP
    of an AES key + RFC 5649 (``RSA_AES_KEY_WRAP_*``), under GetParametersForImport's
    ``PublicKey``."""
    public: Any = serialization.load_der_public_key(public_der)
    digest = hashes.SHA1() if algorithm.endswith("SHA_1") else hashes.SHA256()
    oaep = padding.OAEP(mgf=padding.MGF1(digest), algorithm=digest, label=None)
    if algorithm.startswith("RSA_AES_KEY_WRAP"):
        aes_key = os.urandom(32)
        wrapped_key: bytes = public.encrypt(aes_key, oaep)
        return wrapped_key + aes_key_wrap_with_padding(aes_key, material)
    encrypted: bytes = public.encrypt(material, oaep)
    return encrypted


def key_state(client: Any, key_id: str) -> str:
    """The ``KeyState`` DescribeKey answers for a key."""
    return str(call(client, "DescribeKey", KeyId=key_id)["KeyMetadata"]["KeyState"])


def store_entry(client: Any, store_id: str) -> dict[str, Any]:
    """The DescribeCustomKeyStores entry of one custom key store."""
    (entry,) = call(client, "DescribeCustomKeyStores", CustomKeyStoreId=store_id)[
        "CustomKeyStores"]
    return dict(entry)


def store_state(client: Any, store_id: str) -> str:
    """The ``ConnectionState`` of one custom key store."""
    return str(store_entry(client, store_id)["ConnectionState"])


def cluster_entry(cloudhsmv2: Any, cluster_id: str) -> dict[str, Any]:
    """The DescribeClusters entry of one cluster."""
    (entry,) = call(cloudhsmv2, "DescribeClusters", Filters={"clusterIds": [cluster_id]})[
        "Clusters"]
    return dict(entry)


def delete_all_hsms(cloudhsmv2: Any, cluster_id: str) -> None:
    """DeleteHsm every HSM of a cluster through the API."""
    (cluster,) = cloudhsmv2.describe_clusters(Filters={"clusterIds": [cluster_id]})["Clusters"]
    for entry in cluster["Hsms"]:
        cloudhsmv2.delete_hsm(ClusterId=cluster_id, HsmId=entry["HsmId"])


# -- the shell of a developer with a real AWS profile ------------------------------------------

PRODUCTION_SHELL = {"AWS_PROFILE": "production", "AWS_DEFAULT_REGION": "ap-south-1"}
"""A real profile and Region; no access key in the environment."""


def enter_production_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the test's environment variables those of :data:`PRODUCTION_SHELL`."""
    for name, value in PRODUCTION_SHELL.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)


def in_production_shell() -> bool:
    """Whether the environment variables are those of :data:`PRODUCTION_SHELL` again."""
    return ("AWS_ACCESS_KEY_ID" not in os.environ
            and all(os.environ.get(name) == value for name, value in PRODUCTION_SHELL.items()))


# -- calls that must fail ---------------------------------------------------------------------


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


def rejects(client: Any, operation: str, code: str, **params: Any) -> str:
    """Call ``operation``, which must fail with ``code`` and HTTP 400; answer the message."""
    with pytest.raises(ClientError) as raised:
        getattr(client, snake(operation))(**params)
    error = raised.value.response["Error"]
    assert error["Code"] == code, error
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return str(error.get("Message", ""))


HIDDEN = object()
"""The value of a member AWS leaves out of a validation message (plaintext, ciphertext)."""


def validation_message(member: str, rule: str, value: object = HIDDEN) -> str:
    """AWS's ValidationException message for one member that breaks one rule: the
    value quoted, ``null`` when missing, left out when sensitive (:data:`HIDDEN`)."""
    shown = "Value" if value is HIDDEN else "Value null" if value is None else f"Value '{value}'"
    return (f"1 validation error detected: {shown} at '{member}' failed to satisfy "
            f"constraint: Member must {rule}")


def error(code: str, method: Any, **params: Any) -> str:
    """Call a client method that must fail with ``code``; answer the message."""
    with pytest.raises(ClientError) as raised:
        method(**params)
    assert raised.value.response["Error"]["Code"] == code, raised.value.response["Error"]
    return str(raised.value.response["Error"]["Message"])


class Failure(NamedTuple):
    """What a failed call answered."""

    code: str
    status: int
    message: str


def failure(method: Any, **params: Any) -> Failure:
    """Call a client method that must fail; answer its code, HTTP status and message."""
    with pytest.raises(ClientError) as raised:
        method(**params)
    response = raised.value.response
    return Failure(response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"],
                   response["Error"].get("Message", ""))


# -- what older botocore models lack ----------------------------------------------------------


def _requires(feature: str, service: str) -> pytest.MarkDecorator:
    since = BOTOCORE_SINCE.get(service, {}).get(feature, "a newer release")
    return pytest.mark.skipif(
        not in_model(service, feature),
        reason=f"botocore {botocore.__version__}'s {service} model lacks {feature} "
        f"(botocore {since}+)",
    )


def requires_operation(operation: str, service: str = "kms") -> pytest.MarkDecorator:
    """Skip unless the installed botocore model has ``operation``."""
    return _requires(operation, service)


def requires_member(operation: str, member: str, service: str = "kms") -> pytest.MarkDecorator:
    """Skip unless ``operation``'s request has ``member`` in the installed botocore model."""
    return _requires(f"{operation}.{member}", service)


def requires_value(shape: str, value: str, service: str = "kms") -> pytest.MarkDecorator:
    """Skip unless the enum ``shape`` has ``value`` in the installed botocore model."""
    return _requires(f"{shape}={value}", service)


def operation_params(operations: Any, service: str = "kms") -> list[Any]:
    """``operations`` as ``pytest.param`` values, each skipped where the model lacks it."""
    return [pytest.param(name, marks=requires_operation(name, service)) for name in operations]
