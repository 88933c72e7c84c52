from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

# Imported once here so pytester's in-process runs (which restore sys.modules after
# each run) do not import them again for every inner session.
import boto3  # noqa: F401
import external_clients
import hypothesis  # noqa: F401
import moto  # noqa: F401
import pytest
import responses  # noqa: F401
from botocore.config import Config
from fidelity import allowed_errors
from helpers import FROZEN_START, ONE_ATTEMPT, keypair

from pytest_cloudhsm_kms import CloudHsmKms, VirtualClock


@pytest.fixture(autouse=True)
def _errors_are_in_the_model(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every error the fake answered in a test is one AWS may answer for that operation."""
    yield
    environment = request.node.funcargs.get("cloudhsm_kms")
    if environment is None:
        return
    for call in environment.calls:
        if call.error_code and call.operation:
            allowed = allowed_errors(call.service, call.operation)
            assert call.error_code in allowed, (
                f"{call.operation} answered {call.error_code}, which the model does not list"
            )


# -- fixtures many test files share ---------------------------------------------------------


@pytest.fixture
def symmetric_key(kms_client: Any) -> dict[str, Any]:
    """A new symmetric encryption key (``SYMMETRIC_DEFAULT``) in the default key store."""
    metadata: dict[str, Any] = kms_client.create_key()["KeyMetadata"]
    return metadata


@pytest.fixture
def other_symmetric_key(kms_client: Any) -> dict[str, Any]:
    """A second symmetric encryption key in the default key store."""
    metadata: dict[str, Any] = kms_client.create_key()["KeyMetadata"]
    return metadata


@pytest.fixture
def rsa_encryption_key(kms_client: Any) -> dict[str, Any]:
    """A new ``RSA_2048`` key for ``ENCRYPT_DECRYPT``."""
    return keypair(kms_client, "RSA_2048", "ENCRYPT_DECRYPT")


@pytest.fixture
def rsa_signing_key(kms_client: Any) -> dict[str, Any]:
    """A new ``RSA_2048`` key for ``SIGN_VERIFY``."""
    return keypair(kms_client, "RSA_2048", "SIGN_VERIFY")


@pytest.fixture
def ecc_signing_key(kms_client: Any) -> dict[str, Any]:
    """A new ``ECC_NIST_P256`` key for ``SIGN_VERIFY``."""
    return keypair(kms_client, "ECC_NIST_P256", "SIGN_VERIFY")


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[CloudHsmKms]:
    """An environment of the test's own whose virtual clock starts at ``FROZEN_START`` and
    moves only when something advances it (exact rates and back-off), in a process where a
    real sleep fails the test. Checked afterwards as ``cloudhsm_kms`` is: every error is
    one the model lists, and nothing failed inside the fake."""

    def no_real_sleep(seconds: float) -> None:
        raise AssertionError(f"slept {seconds} s of wall time")

    monkeypatch.setattr(time, "sleep", no_real_sleep)
    with CloudHsmKms(clock=VirtualClock(FROZEN_START, ticking=False)) as environment:
        yield environment
    for served in environment.calls:
        if served.error_code and served.operation:
            assert served.error_code in allowed_errors(served.service, served.operation)
    assert not environment.internal_errors


@pytest.fixture
def kms_unvalidated(cloudhsm_kms: CloudHsmKms) -> Any:
    """A KMS client that skips botocore's own parameter checks, to reach the service's."""
    return cloudhsm_kms.client("kms", config=Config(parameter_validation=False))


@pytest.fixture(scope="module")
def _clients() -> dict[str, Any]:
    """Clients made once per module (a client costs ~10 ms to make). They carry only the
    fake credentials; whichever environment is active answers them."""
    with CloudHsmKms() as environment:
        return {
            "kms": environment.client("kms"),
            "no_retry": environment.client("kms", config=ONE_ATTEMPT),
            "cloudhsmv2": environment.client("cloudhsmv2"),
        }


@pytest.fixture
def kms(cloudhsm_kms: CloudHsmKms, _clients: dict[str, Any]) -> Any:
    """A boto3 KMS client with botocore's default retries, answered by this test's
    ``cloudhsm_kms`` (made once per module)."""
    return _clients["kms"]


@pytest.fixture
def kms_no_retry(cloudhsm_kms: CloudHsmKms, _clients: dict[str, Any]) -> Any:
    """A boto3 KMS client without retries (one attempt per call), for errors botocore's
    standard mode retries and for counting attempts."""
    return _clients["no_retry"]


@pytest.fixture
def cloudhsmv2(cloudhsm_kms: CloudHsmKms, _clients: dict[str, Any]) -> Any:
    """A boto3 CloudHSM v2 client answered by this test's ``cloudhsm_kms``."""
    return _clients["cloudhsmv2"]


@pytest.fixture(scope="session")
def aws_cli() -> str:
    """The AWS CLI the suite pins (installed once, outside the project's environment)."""
    return str(external_clients.aws_cli())
