"""pytest glue: ini options, fixtures, markers and hooks. No domain logic here."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .environment import DEFAULT_ACCOUNT_ID, DEFAULT_REGION, CloudHsmKms

__all__ = [
    "cloudhsm_cluster",
    "cloudhsm_key",
    "cloudhsm_key_store",
    "cloudhsm_kms",
    "cloudhsmv2_client",
    "kms_client",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "cloudhsm_kms_region", f"Region of the fake KMS and CloudHSM (default {DEFAULT_REGION})",
        default=DEFAULT_REGION,
    )
    parser.addini(
        "cloudhsm_kms_account_id",
        f"Account ID of the fake KMS and CloudHSM (default {DEFAULT_ACCOUNT_ID})",
        default=DEFAULT_ACCOUNT_ID,
    )
    parser.addini(
        "cloudhsm_kms_seed",
        "Seed for deterministic IDs, key material and ciphertext (per test; default: random)",
        default="",
    )


@pytest.fixture
def cloudhsm_kms(request: pytest.FixtureRequest) -> Iterator[CloudHsmKms]:
    """The active fake AWS KMS + CloudHSM v2 environment for this test.

    While it is active, every botocore/boto3 client in the process sends its
    ``kms`` and ``cloudhsmv2`` requests to it (fake credentials, ini Region).
    """
    config = request.config
    seed = config.getini("cloudhsm_kms_seed")
    environment = CloudHsmKms(
        region=config.getini("cloudhsm_kms_region"),
        account_id=config.getini("cloudhsm_kms_account_id"),
        seed=f"{seed}:{request.node.nodeid}" if seed else None,
    )
    with environment:
        yield environment
    if environment.internal_errors:
        pytest.fail(
            "pytest-cloudhsm-kms hit an internal error (answered as a 500):\n"
            + environment.internal_errors[0],
            pytrace=False,
        )


@pytest.fixture
def kms_client(cloudhsm_kms: CloudHsmKms) -> Any:
    """A KMS client (boto3 when installed, else botocore) answered by ``cloudhsm_kms``."""
    return cloudhsm_kms.client("kms")


@pytest.fixture
def cloudhsmv2_client(cloudhsm_kms: CloudHsmKms) -> Any:
    """A CloudHSM v2 client (boto3 when installed, else botocore) answered by ``cloudhsm_kms``."""
    return cloudhsm_kms.client("cloudhsmv2")


@pytest.fixture
def cloudhsm_cluster(cloudhsm_kms: CloudHsmKms) -> dict[str, Any]:
    """The ``DescribeClusters`` entry of a ready AWS CloudHSM cluster.

    ACTIVE and initialized, with two ACTIVE HSMs in two Availability Zones and
    a ``kmsuser`` crypto user whose password is
    ``pytest_cloudhsm_kms.KMSUSER_PASSWORD``.
    """
    return cloudhsm_kms.ready_cluster()


@pytest.fixture
def cloudhsm_key_store(cloudhsm_kms: CloudHsmKms, cloudhsm_cluster: dict[str, Any]) -> dict[str, Any]:
    """The ``DescribeCustomKeyStores`` entry of a CONNECTED ``AWS_CLOUDHSM`` key store
    on ``cloudhsm_cluster``."""
    return cloudhsm_kms.ready_key_store(cluster_id=cloudhsm_cluster["ClusterId"])


@pytest.fixture
def cloudhsm_key(cloudhsm_kms: CloudHsmKms, cloudhsm_key_store: dict[str, Any]) -> dict[str, Any]:
    """The ``DescribeKey`` ``KeyMetadata`` of an Enabled symmetric KMS key (Origin
    ``AWS_CLOUDHSM``) in ``cloudhsm_key_store``; its cryptography runs in the cluster."""
    return cloudhsm_kms.ready_key(custom_key_store_id=cloudhsm_key_store["CustomKeyStoreId"])
