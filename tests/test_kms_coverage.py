"""Coverage of the KMS API: every operation of the installed botocore model is answered by the
fake (not with the generic "not supported by pytest-cloudhsm-kms yet"), each operation's
declaration agrees with the model, and ``docs/coverage.md`` says where each operation is
declared, its declared facts, and which of its modeled errors the tests see.

The page is generated from the model and a static scan of the tests (:mod:`error_scan`:
calls such as ``fails(client, "Sign", "DisabledException", ...)`` and ``pytest.raises(
client.exceptions.NotFoundException)`` around ``client.encrypt(...)``, with operations and
codes written in place or bound by ``pytest.mark.parametrize`` and loops), plus the errors
the operations declare, each of which ``test_kms_messages.py`` provokes. When a test or
the model changes, regenerate it::

    .venv/bin/python tests/test_kms_coverage.py --write
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import botocore
import pytest
from aws_recorded import recorded_cases_per_operation
from botocore.exceptions import ClientError
from declared_scan import names_raised
from error_scan import errors_seen
from fidelity import allowed_errors, assert_valid_output
from helpers import new_key, requires_operation, snake

from pytest_cloudhsm_kms.clock import VirtualClock
from pytest_cloudhsm_kms.entropy import Entropy
from pytest_cloudhsm_kms.kms.catalog import (
    DRY_RUN_OPERATIONS,
    GRANT_TOKEN_OPERATIONS,
    OPERATIONS,
    RECIPIENT_OPERATIONS,
    TRACKED_OPERATIONS,
)
from pytest_cloudhsm_kms.kms.declaration import ANY_STATE, InCloudHsm, Operation, TokenCheck
from pytest_cloudhsm_kms.kms.service import KmsService
from pytest_cloudhsm_kms.protocol.models import BOTOCORE_SINCE, in_model, service_model
from pytest_cloudhsm_kms.scope import Scope

TESTS = Path(__file__).resolve().parent
PAGE = TESTS.parent / "docs" / "coverage.md"
GENERIC = "not supported by pytest-cloudhsm-kms yet"
ROLE = "arn:aws:iam::111122223333:role/app"
STORE = "cks-1234567890abcdef0"
CLUSTER = "cluster-234567abcdefg"

KNOWN_MISSING: frozenset[str] = frozenset()
"""Operations of the model the fake does not answer yet (none: all 56 of botocore 1.44.8)."""

REQUESTS: dict[str, Callable[[str], dict[str, Any]]] = {
    "CancelKeyDeletion": lambda k: {"KeyId": k},
    "ConnectCustomKeyStore": lambda k: {"CustomKeyStoreId": STORE},
    "CreateAlias": lambda k: {"AliasName": "alias/coverage", "TargetKeyId": k},
    "CreateCustomKeyStore": lambda k: {"CustomKeyStoreName": "coverage",
                                       "CloudHsmClusterId": CLUSTER,
                                       "TrustAnchorCertificate": "anchor",
                                       "KeyStorePassword": "kmsuser-password"},
    "CreateGrant": lambda k: {"KeyId": k, "GranteePrincipal": ROLE, "Operations": ["Decrypt"]},
    "CreateKey": lambda k: {},
    "Decapsulate": lambda k: {"KeyId": k, "EncapsulationAlgorithm": "ML_KEM",
                              "SharedSecretCiphertextBlob": b"c"},
    "Decrypt": lambda k: {"CiphertextBlob": b"\x01" * 80},
    "DeleteAlias": lambda k: {"AliasName": "alias/none"},
    "DeleteCustomKeyStore": lambda k: {"CustomKeyStoreId": STORE},
    "DeleteImportedKeyMaterial": lambda k: {"KeyId": k},
    "DeriveSharedSecret": lambda k: {"KeyId": k, "KeyAgreementAlgorithm": "ECDH",
                                     "PublicKey": b"p"},
    "DescribeCustomKeyStores": lambda k: {},
    "DescribeKey": lambda k: {"KeyId": k},
    "DisableKey": lambda k: {"KeyId": k},
    "DisableKeyRotation": lambda k: {"KeyId": k},
    "DisconnectCustomKeyStore": lambda k: {"CustomKeyStoreId": STORE},
    "EnableKey": lambda k: {"KeyId": k},
    "EnableKeyRotation": lambda k: {"KeyId": k},
    "Encapsulate": lambda k: {"KeyId": k, "EncapsulationAlgorithm": "ML_KEM"},
    "Encrypt": lambda k: {"KeyId": k, "Plaintext": b"x"},
    "GenerateDataKey": lambda k: {"KeyId": k, "KeySpec": "AES_256"},
    "GenerateDataKeyPair": lambda k: {"KeyId": k, "KeyPairSpec": "ECC_NIST_P256"},
    "GenerateDataKeyPairWithoutPlaintext": lambda k: {"KeyId": k, "KeyPairSpec": "ECC_NIST_P256"},
    "GenerateDataKeyWithoutPlaintext": lambda k: {"KeyId": k, "KeySpec": "AES_256"},
    "GenerateMac": lambda k: {"KeyId": k, "Message": b"m", "MacAlgorithm": "HMAC_SHA_256"},
    "GenerateRandom": lambda k: {"NumberOfBytes": 8},
    "GetKeyLastUsage": lambda k: {"KeyId": k},
    "GetKeyPolicy": lambda k: {"KeyId": k},
    "GetKeyRotationStatus": lambda k: {"KeyId": k},
    "GetParametersForImport": lambda k: {"KeyId": k, "WrappingAlgorithm": "RSAES_OAEP_SHA_256",
                                         "WrappingKeySpec": "RSA_2048"},
    "GetPublicKey": lambda k: {"KeyId": k},
    "ImportKeyMaterial": lambda k: {"KeyId": k, "ImportToken": b"t",
                                    "EncryptedKeyMaterial": b"m"},
    "ListAliases": lambda k: {},
    "ListGrants": lambda k: {"KeyId": k},
    "ListKeyPolicies": lambda k: {"KeyId": k},
    "ListKeyRotations": lambda k: {"KeyId": k},
    "ListKeys": lambda k: {},
    "ListResourceTags": lambda k: {"KeyId": k},
    "ListRetirableGrants": lambda k: {"RetiringPrincipal": ROLE},
    "PutKeyPolicy": lambda k: {"KeyId": k, "Policy": '{"Statement": []}'},
    "ReEncrypt": lambda k: {"CiphertextBlob": b"\x01" * 80, "DestinationKeyId": k},
    "ReplicateKey": lambda k: {"KeyId": k, "ReplicaRegion": "us-west-2"},
    "RetireGrant": lambda k: {"GrantToken": "AQpAnot-a-token"},
    "RevokeGrant": lambda k: {"KeyId": k, "GrantId": "0" * 64},
    "RotateKeyOnDemand": lambda k: {"KeyId": k},
    "ScheduleKeyDeletion": lambda k: {"KeyId": k},
    "Sign": lambda k: {"KeyId": k, "Message": b"m", "SigningAlgorithm": "ECDSA_SHA_256"},
    "TagResource": lambda k: {"KeyId": k, "Tags": [{"TagKey": "a", "TagValue": "b"}]},
    "UntagResource": lambda k: {"KeyId": k, "TagKeys": ["a"]},
    "UpdateAlias": lambda k: {"AliasName": "alias/none", "TargetKeyId": k},
    "UpdateCustomKeyStore": lambda k: {"CustomKeyStoreId": STORE},
    "UpdateKeyDescription": lambda k: {"KeyId": k, "Description": "d"},
    "UpdatePrimaryRegion": lambda k: {"KeyId": k, "PrimaryRegion": "us-west-2"},
    "Verify": lambda k: {"KeyId": k, "Message": b"m", "Signature": b"s",
                         "SigningAlgorithm": "ECDSA_SHA_256"},
    "VerifyMac": lambda k: {"KeyId": k, "Message": b"m", "MacAlgorithm": "HMAC_SHA_256",
                            "Mac": b"m"},
}
"""A small request per operation, made with a symmetric key: it may fail, but not as unknown."""


def operations() -> list[str]:
    """The KMS operations of the installed botocore model."""
    return sorted(service_model("kms").operation_names)


def newer_operations() -> set[str]:
    """Operations of newer botocore models that the installed one lacks (not offered)."""
    return {op for op in BOTOCORE_SINCE["kms"] if "." not in op and "=" not in op
            and not in_model("kms", op)}


def test_every_operation_of_the_model_has_a_request_here() -> None:
    assert sorted(set(REQUESTS) - newer_operations()) == operations(), (
        "the botocore model changed: update REQUESTS")


def test_every_operation_has_a_handler_except_the_known_missing_ones() -> None:
    service = KmsService(Scope("111122223333", "us-east-1", VirtualClock(), Entropy()))

    missing = {op for op in operations() if op not in service.handlers}

    assert missing == KNOWN_MISSING
    assert set(service.handlers) - set(operations()) == newer_operations(), (
        "a handler that is no KMS operation")


def _with_member(member: str) -> frozenset[str]:
    model = service_model("kms")
    return frozenset(
        op for op in model.operation_names
        if (shape := model.operation_model(op).input_shape) is not None and member in shape.members
    )


def test_the_declarations_take_the_members_the_model_gives_each_operation() -> None:
    assert set(OPERATIONS) - newer_operations() == set(operations())
    newer = newer_operations()  # declared, but not in an older installed model
    assert _with_member("DryRun") == DRY_RUN_OPERATIONS - newer
    assert _with_member("GrantTokens") == GRANT_TOKEN_OPERATIONS - newer
    assert _with_member("Recipient") == RECIPIENT_OPERATIONS - newer


def test_every_declared_error_code_is_one_aws_answers_for_its_operation() -> None:
    """An error code of the operation's model, or one AWS answers unmodeled
    (docs/aws-behaviour.md §0.2)."""
    newer = newer_operations()
    wrong = {(op.name, name, code) for op in OPERATIONS.values() if op.name not in newer
             for name, (code, _) in op.messages.items()
             if code not in allowed_errors("kms", op.name)}

    assert wrong == set()


def test_every_error_a_kms_module_raises_by_name_is_declared() -> None:
    """``declared_error(ctx, "name")`` finds ``name`` in the declaration of the request's
    operation: a name no operation declares would be a bug (KMSInternalException)."""
    declared = {name for op in OPERATIONS.values() for name in op.messages}
    raised = names_raised("kms")

    assert raised - declared == set()
    assert declared - raised == set(), "declared but never raised"


@requires_operation("GetKeyLastUsage")
def test_last_usage_tracks_exactly_the_operations_its_model_enum_names() -> None:
    output = service_model("kms").operation_model("GetKeyLastUsage").output_shape
    enum = set(output.members["KeyLastUsage"].members["Operation"].enum)
    assert enum == TRACKED_OPERATIONS - newer_operations()


def test_each_declared_family_handles_its_operation() -> None:
    service = KmsService(Scope("111122223333", "us-east-1", VirtualClock(), Entropy()))

    for name, declared in OPERATIONS.items():
        handler = service.handlers[name]
        assert handler.__name__ == name
        assert type(handler.__self__).__module__.endswith(f".kms.{declared.family}")


@pytest.mark.parametrize("operation", operations())
def test_each_operation_is_answered_through_boto3(kms_client: Any, operation: str) -> None:
    key_id = new_key(kms_client)["KeyId"]
    params = REQUESTS[operation](key_id)

    try:
        response = getattr(kms_client, snake(operation))(**params)
    except ClientError as error:
        message = error.response["Error"].get("Message", "")
        assert (GENERIC in message) == (operation in KNOWN_MISSING), message
    else:
        assert operation not in KNOWN_MISSING
        assert_valid_output("kms", operation, response)


def test_an_operation_the_fake_does_not_know_gets_the_generic_answer() -> None:
    from pytest_cloudhsm_kms.errors import ServiceError

    service = KmsService(Scope("111122223333", "us-east-1", VirtualClock(), Entropy()))
    with pytest.raises(ServiceError) as raised:
        service.call("TranslateKey", {})

    assert raised.value.code == "UnsupportedOperationException"
    assert GENERIC in (raised.value.message or "")


def test_an_operation_the_installed_model_lacks_is_not_offered(cloudhsm_kms: Any) -> None:
    """On an older botocore, a request for a newer operation gets the answer AWS gives an
    operation it does not know."""
    missing = sorted(newer_operations())
    if not missing:
        pytest.skip(f"botocore {botocore.__version__} has every operation the fake answers")
    answer = cloudhsm_kms.handle("kms", None, f"TrentService.{missing[0]}", b"{}")
    assert (answer.status, answer.error_code) == (400, "UnknownOperationException")


SAMPLE_TESTS = """
ROWS = [("Sign", "DisabledException"),
        pytest.param("Verify", "KMSInvalidStateException", marks=needs_ml)]

@pytest.mark.parametrize(("operation", "code"), ROWS)
def test_rows(kms_client, operation, code):
    fails(kms_client, operation, code, KeyId="k")

@pytest.mark.parametrize("code", [pytest.param("NotFoundException", id="unknown")])
async def test_loops_and_methods(kms_client, code):
    for operation in ("EnableKey", "DisableKey"):
        method = getattr(kms_client, snake(operation))
        with pytest.raises(kms_client.exceptions.InvalidArnException):
            method(KeyId="alias/x")
    rejects(kms_client, "DescribeKey", code, KeyId="k")
"""


def test_the_scan_reads_operations_and_codes_wherever_a_test_states_them(
    tmp_path: Path,
) -> None:
    (tmp_path / "test_sample.py").write_text(SAMPLE_TESTS)

    assert errors_seen(tmp_path, operations()) == {
        ("Sign", "DisabledException"), ("Verify", "KMSInvalidStateException"),
        ("EnableKey", "InvalidArnException"), ("DisableKey", "InvalidArnException"),
        ("DescribeKey", "NotFoundException"),
    }


@pytest.mark.skipif(bool(newer_operations()), reason=(
    f"docs/coverage.md is written from the newest botocore model; {botocore.__version__} "
    "is older"))
def test_the_coverage_page_is_up_to_date() -> None:
    assert PAGE.read_text() == render(), (
        "docs/coverage.md is stale: run .venv/bin/python tests/test_kms_coverage.py --write")


# -- the page ------------------------------------------------------------------------------


def render() -> str:
    """``docs/coverage.md`` from the model, the service's handlers and the tests."""
    model = service_model("kms")
    service = KmsService(Scope("111122223333", "us-east-1", VirtualClock(), Entropy()))
    # test_kms_messages.py provokes every declared error (its last test checks it has each).
    seen = errors_seen(TESTS, operations()) | {
        (op.name, code) for op in OPERATIONS.values() for code, _text in op.messages.values()}
    recorded = recorded_cases_per_operation()
    names = operations()
    answered = [op for op in names if op in service.handlers]
    lines = [
        "# KMS API coverage",
        "",
        "<!-- Generated by tests/test_kms_coverage.py --write; a test keeps it true. -->",
        "",
        f"The installed botocore model has {len(names)} KMS operations; pytest-cloudhsm-kms "
        f"answers {len(answered)} of them.",
        "",
        "For each operation, the errors of its model error list are split into those the",
        "tests provoke (found by a static scan of `tests/`, and every error an operation",
        "declares, which `tests/test_kms_messages.py` provokes) and the rest. The rest are",
        "mostly service faults a fake never has (`DependencyTimeoutException`,",
        "`KMSInternalException`, `KeyUnavailableException`), errors of external key stores",
        "(`Xks*`), which this fake does not model, and conditions AWS documents but this",
        "fake cannot reach. Unmodeled errors (`ValidationException`, `ThrottlingException`,",
        "...) are not listed.",
        "",
        "Where AWS documents no behaviour, the choice this fake makes is written in the",
        "docstring of the module that answers the operation",
        "(`pytest_cloudhsm_kms/kms/<module>.py`, the Module column below).",
        "",
        "Recorded AWS answers: how many answers of real AWS KMS, recorded by LocalStack's",
        "AWS-validated parity tests, shown by AWS's documentation examples (CloudHSM key",
        "stores, grants, the API Reference's and the AWS CLI's examples) or quoted in public",
        "by people who received them (`quoted.py`),",
        "`tests/aws_recorded/` checks the operation against",
        f"({sum(recorded.values())} answers of {len(recorded)} operations; "
        "docs/aws-behaviour.md §0.3).",
        "",
        "| Operation | Answered | Recorded AWS answers | Model errors seen in tests "
        "| Model errors not seen |",
        "| --- | --- | --- | --- | --- |",
    ]
    for op in names:
        modeled = [shape.name for shape in model.operation_model(op).error_shapes]
        tested = [e for e in modeled if (op, e) in seen]
        other = [e for e in modeled if (op, e) not in seen]
        lines.append(
            f"| {op} | {'yes' if op in answered else 'no'} | {recorded.get(op, 0) or '-'} | "
            f"{', '.join(f'`{e}`' for e in tested) or '-'} | "
            f"{', '.join(f'`{e}`' for e in other) or '-'} |"
        )
    lines += [
        "",
        "## Declared facts",
        "",
        "Each operation is declared once, above its handler in `pytest_cloudhsm_kms/kms/"
        "<module>.py`",
        "(`@operation(...)`); this table and every list of operations in the package are "
        "derived from",
        "those declarations. Key states: the states of the key the operation accepts (others "
        "get",
        "`DisabledException` or `KMSInvalidStateException`). Quota: counted by the CloudHSM key "
        "store",
        "request quota. Store states: the connection states of its custom key store it accepts.",
        "Last usage: recorded for GetKeyLastUsage. CloudHSM key: the answer for a key",
        "in a CloudHSM key store.",
        "",
        "| Operation | Module | Key states | Store states | Quota | Last usage | Grant tokens "
        "| CloudHSM key | DryRun | Recipient |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    lines += [_facts(op) for op in OPERATIONS.values()]
    lines += [
        "",
        "## Older botocore releases",
        "",
        "Supported: botocore 1.41.0 and later. What a model lacks is not offered: botocore",
        "cannot send it, and a request that reaches the fake anyway gets the answer AWS",
        "gives an unknown operation, member or enum value. What came later, and the first",
        "botocore release with it:",
        "",
        "| Operation, member or value | botocore |",
        "| --- | --- |",
    ]
    lines += [f"| `{feature}` | {since} |" for feature, since in BOTOCORE_SINCE["kms"].items()]
    return "\n".join(lines) + "\n"


def _facts(op: Operation) -> str:
    refused = sorted(ANY_STATE - op.key_states)
    if not refused:
        states = "any"
    elif len(op.key_states) <= len(refused):
        states = ", ".join(sorted(op.key_states))
    else:
        states = "all but " + ", ".join(refused)
    tokens = {TokenCheck.NONE: "-", TokenCheck.CHECKED: "checked",
              TokenCheck.ACCEPTED: "accepted, not checked"}[op.grant_tokens]
    in_cloudhsm = "allowed" if op.in_cloudhsm == InCloudHsm.ALLOWED else f"`{op.in_cloudhsm}`"
    yes = {True: "yes", False: "-"}
    stores = ", ".join(sorted(op.store_states)) or "-"
    return (f"| {op.name} | `{op.family}` | {states} | {stores} | {yes[op.counted]} | "
            f"{yes[op.tracked]} | {tokens} | {in_cloudhsm} | {yes[op.dry_run]} | "
            f"{yes[op.recipient]} |")


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        PAGE.parent.mkdir(exist_ok=True)
        PAGE.write_text(render())
        print(f"wrote {PAGE}")
    else:
        print(render(), end="")
