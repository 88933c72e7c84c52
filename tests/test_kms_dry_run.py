"""DryRun on every KMS operation that takes it (docs/aws-behaviour.md §4.6).

A request that would have succeeded answers ``DryRunOperationException`` and
changes nothing; one that would have failed answers the real error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from helpers import HAS_ML, fails, needs_ml, new_key, requires_operation

from pytest_cloudhsm_kms.protocol.models import BOTOCORE_SINCE, in_model, service_model

ROLE = "arn:aws:iam::111122223333:role/app"


def dry_run_operations() -> list[str]:
    """The operations whose input shape has a ``DryRun`` member, from the botocore model."""
    model = service_model("kms")
    return sorted(
        name for name in model.operation_names
        if "DryRun" in model.operation_model(name).input_shape.members
    )


Keys = dict[str, dict[str, Any]]
REQUESTS: dict[str, Callable[[Any, Keys], dict[str, Any]]] = {
    "CreateGrant": lambda c, k: {"KeyId": k["symmetric"]["KeyId"], "GranteePrincipal": ROLE,
                                 "Operations": ["Decrypt"]},
    "Decapsulate": lambda c, k: {
        "KeyId": k["kem"]["KeyId"], "EncapsulationAlgorithm": "ML_KEM",
        "SharedSecretCiphertextBlob": c.encapsulate(
            KeyId=k["kem"]["KeyId"],
            EncapsulationAlgorithm="ML_KEM")["SharedSecretCiphertextBlob"]},
    "Decrypt": lambda c, k: {"CiphertextBlob": c.encrypt(
        KeyId=k["symmetric"]["KeyId"], Plaintext=b"x")["CiphertextBlob"]},
    "DeriveSharedSecret": lambda c, k: {
        "KeyId": k["agreement"]["KeyId"], "KeyAgreementAlgorithm": "ECDH",
        "PublicKey": c.get_public_key(KeyId=k["agreement"]["KeyId"])["PublicKey"]},
    "Encapsulate": lambda c, k: {"KeyId": k["kem"]["KeyId"], "EncapsulationAlgorithm": "ML_KEM"},
    "Encrypt": lambda c, k: {"KeyId": k["symmetric"]["KeyId"], "Plaintext": b"x"},
    "GenerateDataKey": lambda c, k: {"KeyId": k["symmetric"]["KeyId"], "NumberOfBytes": 16},
    "GenerateDataKeyPair": lambda c, k: {"KeyId": k["symmetric"]["KeyId"],
                                         "KeyPairSpec": "ECC_NIST_P256"},
    "GenerateDataKeyPairWithoutPlaintext": lambda c, k: {"KeyId": k["symmetric"]["KeyId"],
                                                         "KeyPairSpec": "ECC_NIST_P384"},
    "GenerateDataKeyWithoutPlaintext": lambda c, k: {"KeyId": k["symmetric"]["KeyId"],
                                                     "KeySpec": "AES_128"},
    "GenerateMac": lambda c, k: {"KeyId": k["mac"]["KeyId"], "Message": b"m",
                                 "MacAlgorithm": "HMAC_SHA_256"},
    "ReEncrypt": lambda c, k: {"CiphertextBlob": c.encrypt(
        KeyId=k["symmetric"]["KeyId"], Plaintext=b"x")["CiphertextBlob"],
        "DestinationKeyId": k["symmetric"]["KeyId"]},
    "RetireGrant": lambda c, k: {"GrantToken": c.create_grant(
        KeyId=k["symmetric"]["KeyId"], GranteePrincipal=ROLE,
        Operations=["Decrypt"])["GrantToken"]},
    "RevokeGrant": lambda c, k: {"KeyId": k["symmetric"]["KeyId"], "GrantId": c.create_grant(
        KeyId=k["symmetric"]["KeyId"], GranteePrincipal=ROLE, Operations=["Decrypt"])["GrantId"]},
    "Sign": lambda c, k: {"KeyId": k["signing"]["KeyId"], "Message": b"m",
                          "SigningAlgorithm": "ECDSA_SHA_256"},
    "Verify": lambda c, k: {"KeyId": k["signing"]["KeyId"], "Message": b"m",
                            "SigningAlgorithm": "ECDSA_SHA_256",
                            "Signature": c.sign(KeyId=k["signing"]["KeyId"], Message=b"m",
                                                SigningAlgorithm="ECDSA_SHA_256")["Signature"]},
    "VerifyMac": lambda c, k: {"KeyId": k["mac"]["KeyId"], "Message": b"m",
                               "MacAlgorithm": "HMAC_SHA_256",
                               "Mac": c.generate_mac(KeyId=k["mac"]["KeyId"], Message=b"m",
                                                     MacAlgorithm="HMAC_SHA_256")["Mac"]},
}
"""A request that succeeds, per DryRun operation (made with the keys of :func:`keys`)."""


@pytest.fixture
def keys(kms_client: Any) -> Keys:
    return {
        "symmetric": new_key(kms_client),
        "signing": new_key(kms_client, KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY"),
        "agreement": new_key(kms_client, KeySpec="ECC_NIST_P256", KeyUsage="KEY_AGREEMENT"),
        "mac": new_key(kms_client, KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC"),
        **({"kem": new_key(kms_client, KeySpec="ML_KEM_768", KeyUsage="ENCAPSULATE_DECAPSULATE")}
           if HAS_ML and in_model("kms", "KeySpec=ML_KEM_768") else {}),
    }


def dry_run_cases() -> list[Any]:
    """The DryRun operations, those of ML-KEM keys marked :data:`needs_ml`, each skipped
    where the installed botocore model lacks it."""
    return [pytest.param(op, marks=[requires_operation(op)]
                         + ([needs_ml] if op in ("Encapsulate", "Decapsulate") else []))
            for op in sorted(REQUESTS)]


def test_every_dry_run_operation_of_the_model_has_a_request_here() -> None:
    newer = {op for op in REQUESTS if not in_model("kms", op)}  # docs/coverage.md
    assert sorted(set(REQUESTS) - newer) == dry_run_operations()
    assert newer <= set(BOTOCORE_SINCE["kms"])


@pytest.mark.parametrize("operation", dry_run_cases())
def test_a_dry_run_that_would_succeed_answers_dry_run_operation(
    cloudhsm_kms: Any, kms_client: Any, keys: Keys, operation: str
) -> None:
    params = REQUESTS[operation](kms_client, keys)
    before = len(cloudhsm_kms.kms().grants)

    fails(kms_client, operation, "DryRunOperationException", DryRun=True, **params)

    assert len(cloudhsm_kms.kms().grants) == before  # nothing created, retired or revoked


@pytest.mark.parametrize("operation", dry_run_cases())
def test_a_dry_run_that_would_fail_answers_the_real_error(
    kms_client: Any, keys: Keys, operation: str
) -> None:
    params = REQUESTS[operation](kms_client, keys)
    if "KeyId" in params:
        kms_client.disable_key(KeyId=params["KeyId"])
        expected = "DisabledException"
    elif "GrantToken" in params:
        params["GrantToken"] = "AQpAnot-a-token"
        expected = "InvalidGrantTokenException"
    else:
        params["CiphertextBlob"] = b"\x00" * 80
        expected = "InvalidCiphertextException"
    if operation == "RevokeGrant":
        expected = "NotFoundException"
        params["GrantId"] = "0" * 64

    fails(kms_client, operation, expected, DryRun=True, **params)
