"""Grants: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant and grant
tokens (docs/aws-behaviour.md §3, §4, §4.6).

Each test states the AWS behaviour it checks, through a real boto3 client; every
successful response is checked against the botocore output shape.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from helpers import ARN_PREFIX, call, fails, new_key, requires_member, schedule_deletion

from pytest_cloudhsm_kms.protocol.models import in_model

# Service principals (and GranteePrincipal becoming optional) came in botocore 1.43.12.
needs_service_principals = requires_member("CreateGrant", "GranteeServicePrincipal")

ROLE = "arn:aws:iam::111122223333:role/app"
OTHER_ROLE = "arn:aws:iam::111122223333:role/other"
RETIRER = "arn:aws:iam::111122223333:role/retirer"
SOURCE_ARN = "arn:aws:s3:us-east-1:111122223333:bucket/orders"
MISSING_GRANT = "0" * 64


def grant(client: Any, key_id: str, **params: Any) -> dict[str, Any]:
    params.setdefault("GranteePrincipal", ROLE)
    params.setdefault("Operations", ["Encrypt", "Decrypt"])
    return call(client, "CreateGrant", KeyId=key_id, **params)


def grants_of(client: Any, key_id: str, **params: Any) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = call(client, "ListGrants", KeyId=key_id, **params)["Grants"]
    return listed


# -- CreateGrant -----------------------------------------------------------------------------


def test_create_grant_answers_a_grant_id_and_a_grant_token(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    created = grant(kms_client, symmetric_key["KeyId"])

    assert re.fullmatch(r"[0-9a-f]{64}", created["GrantId"])
    assert len(created["GrantToken"]) > 100


def test_list_grants_describes_the_grant_as_created(
    kms_client: Any, symmetric_key: dict[str, Any],
) -> None:
    constraints = {"EncryptionContextSubset": {"tenant": "a"}}
    created = grant(kms_client, symmetric_key["Arn"], RetiringPrincipal=RETIRER, Name="app-orders",
                    Operations=["GenerateDataKey", "Decrypt"], Constraints=constraints)

    (entry,) = grants_of(kms_client, symmetric_key["KeyId"])
    assert entry["KeyId"] == symmetric_key["Arn"]
    assert entry["GrantId"] == created["GrantId"]
    assert entry["Name"] == "app-orders"
    assert entry["GranteePrincipal"] == ROLE
    assert entry["RetiringPrincipal"] == RETIRER
    assert entry["IssuingAccount"] == "arn:aws:iam::111122223333:root"
    assert entry["Operations"] == ["GenerateDataKey", "Decrypt"]
    assert entry["Constraints"] == constraints
    assert "CreationDate" in entry


def test_a_retried_create_grant_with_a_name_answers_the_same_grant_with_a_new_token(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    first = grant(kms_client, symmetric_key["KeyId"], Name="retry-safe")
    second = grant(kms_client, symmetric_key["KeyId"], Name="retry-safe")

    assert second["GrantId"] == first["GrantId"]
    assert second["GrantToken"] != first["GrantToken"]
    assert len(grants_of(kms_client, symmetric_key["KeyId"])) == 1
    for token in (first["GrantToken"], second["GrantToken"]):
        call(kms_client, "Encrypt", KeyId=symmetric_key["KeyId"], Plaintext=b"x",
             GrantTokens=[token])


def test_create_grant_without_a_name_makes_a_new_grant_each_time(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    first = grant(kms_client, symmetric_key["KeyId"])
    second = grant(kms_client, symmetric_key["KeyId"])

    assert first["GrantId"] != second["GrantId"]
    assert len(grants_of(kms_client, symmetric_key["KeyId"])) == 2


def test_the_same_name_with_other_parameters_is_another_grant(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    first = grant(kms_client, symmetric_key["KeyId"], Name="g", Operations=["Encrypt"])
    second = grant(kms_client, symmetric_key["KeyId"], Name="g", Operations=["Decrypt"])

    assert first["GrantId"] != second["GrantId"]


@needs_service_principals
def test_a_grant_for_a_service_principal_needs_a_source_arn_and_a_retiring_principal(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    service = {"GranteeServicePrincipal": "logs.us-east-1.amazonaws.com", "Operations": ["Encrypt"]}
    fails(kms_client, "CreateGrant", "ValidationException", KeyId=symmetric_key["KeyId"],
          RetiringPrincipal=RETIRER, **service)
    fails(kms_client, "CreateGrant", "ValidationException", KeyId=symmetric_key["KeyId"],
          Constraints={"SourceArn": SOURCE_ARN}, **service)

    created = call(kms_client, "CreateGrant", KeyId=symmetric_key["KeyId"],
                   Constraints={"SourceArn": SOURCE_ARN},
                   RetiringServicePrincipal="logs.us-east-1.amazonaws.com", **service)

    (entry,) = grants_of(kms_client, symmetric_key["KeyId"],
                         GranteeServicePrincipal="logs.us-east-1.amazonaws.com")
    assert entry["GrantId"] == created["GrantId"]
    assert entry["GranteeServicePrincipal"] == "logs.us-east-1.amazonaws.com"
    assert entry["RetiringServicePrincipal"] == "logs.us-east-1.amazonaws.com"
    assert "GranteePrincipal" not in entry


@pytest.mark.parametrize(
    "params",
    [pytest.param({"Operations": ["Encrypt"]}, marks=needs_service_principals),
     pytest.param({"Operations": ["Encrypt"], "GranteePrincipal": ROLE,
                   "GranteeServicePrincipal": "logs.us-east-1.amazonaws.com"},
                  marks=needs_service_principals),
     pytest.param({"Operations": ["Encrypt"], "GranteePrincipal": ROLE,
                   "RetiringPrincipal": RETIRER,
                   "RetiringServicePrincipal": "logs.us-east-1.amazonaws.com"},
                  marks=needs_service_principals),
     {"Operations": [], "GranteePrincipal": ROLE}],
    ids=["no-grantee", "two-grantees", "two-retiring-principals", "no-operations"],
)
def test_create_grant_checks_its_principals_and_operations(
    kms_client: Any, symmetric_key: dict[str, Any], params: dict[str, Any]
) -> None:
    fails(kms_client, "CreateGrant", "ValidationException", KeyId=symmetric_key["KeyId"], **params)


@pytest.mark.parametrize("operation", ["Sign", "GenerateMac", "GetPublicKey", "DeriveSharedSecret"])
def test_a_grant_may_only_allow_operations_the_key_supports(
    kms_client: Any, symmetric_key: dict[str, Any], operation: str
) -> None:
    # AWS: an operation the key does not support is ValidationException
    # (docs/aws-behaviour.md §11.3).
    fails(kms_client, "CreateGrant", "ValidationException", KeyId=symmetric_key["KeyId"],
          GranteePrincipal=ROLE, Operations=["Encrypt", operation])


@pytest.mark.parametrize(
    "constraints",
    [{"EncryptionContextEquals": {"a": "1"}, "EncryptionContextSubset": {"a": "1"}},
     {"EncryptionContextEquals": {f"k{i}": "v" for i in range(9)}},
     {"EncryptionContextSubset": {"k": "v" * 385}}],
    ids=["both-kinds", "nine-pairs", "long-value"],
)
def test_encryption_context_constraints_are_limited(
    kms_client: Any, symmetric_key: dict[str, Any], constraints: dict[str, Any]
) -> None:
    fails(kms_client, "CreateGrant", "ValidationException", KeyId=symmetric_key["KeyId"],
          GranteePrincipal=ROLE, Operations=["Decrypt"], Constraints=constraints)


def test_grant_operations_of_an_asymmetric_key_follow_its_key_usage(kms_client: Any) -> None:
    signing = new_key(kms_client, KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")

    grant(kms_client, signing["KeyId"], Operations=["Sign", "Verify", "GetPublicKey"])
    fails(kms_client, "CreateGrant", "ValidationException", KeyId=signing["KeyId"],
          GranteePrincipal=ROLE, Operations=["Encrypt"])
    fails(kms_client, "CreateGrant", "ValidationException", KeyId=signing["KeyId"],
          GranteePrincipal=ROLE, Operations=["Sign"],
          Constraints={"EncryptionContextSubset": {"a": "1"}})


def test_create_grant_names_the_key_by_id_or_arn_only(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    kms_client.create_alias(AliasName="alias/orders", TargetKeyId=symmetric_key["KeyId"])

    fails(kms_client, "CreateGrant", "InvalidArnException", KeyId="alias/orders",
          GranteePrincipal=ROLE, Operations=["Encrypt"])
    fails(kms_client, "CreateGrant", "NotFoundException",
          KeyId="00000000-0000-4000-8000-000000000000", GranteePrincipal=ROLE,
          Operations=["Encrypt"])


def test_a_disabled_key_takes_no_grant_and_one_pending_deletion_neither(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    kms_client.disable_key(KeyId=symmetric_key["KeyId"])
    message = fails(kms_client, "CreateGrant", "DisabledException", KeyId=symmetric_key["KeyId"],
                    GranteePrincipal=ROLE, Operations=["Encrypt"])
    assert message == f"{symmetric_key['Arn']} is disabled."

    schedule_deletion(kms_client, symmetric_key["KeyId"])
    fails(kms_client, "CreateGrant", "KMSInvalidStateException", KeyId=symmetric_key["KeyId"],
          GranteePrincipal=ROLE, Operations=["Encrypt"])


def test_a_key_pending_import_takes_no_grant(kms_client: Any) -> None:
    # AWS's key state table: [5] (docs/aws-behaviour.md §3).
    key = new_key(kms_client, Origin="EXTERNAL")

    message = fails(kms_client, "CreateGrant", "KMSInvalidStateException", KeyId=key["KeyId"],
                    GranteePrincipal=ROLE, Operations=["Encrypt"])

    assert message == f"{key['Arn']} is pending import."


@pytest.mark.cloudhsm_disconnected()
def test_an_unavailable_cloudhsm_key_takes_grants(
    kms_client: Any, cloudhsm_key: dict[str, Any]
) -> None:
    created = grant(kms_client, cloudhsm_key["KeyId"])

    assert grants_of(kms_client, cloudhsm_key["KeyId"])[0]["GrantId"] == created["GrantId"]


def test_a_grantee_has_at_most_500_grants_on_a_key(
    cloudhsm_kms: Any, kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    cloudhsm_kms.settings = cloudhsm_kms.settings.replace(max_grants_per_grantee=2)
    grant(kms_client, symmetric_key["KeyId"])
    grant(kms_client, symmetric_key["KeyId"])

    fails(kms_client, "CreateGrant", "LimitExceededException", KeyId=symmetric_key["KeyId"],
          GranteePrincipal=ROLE, Operations=["Encrypt"])
    grant(kms_client, symmetric_key["KeyId"], GranteePrincipal=OTHER_ROLE)


def test_a_dry_run_create_grant_creates_nothing(
    kms_client: Any, symmetric_key: dict[str, Any],
) -> None:
    fails(kms_client, "CreateGrant", "DryRunOperationException", KeyId=symmetric_key["KeyId"],
          GranteePrincipal=ROLE, Operations=["Encrypt"], DryRun=True)
    fails(kms_client, "CreateGrant", "ValidationException", KeyId=symmetric_key["KeyId"],
          GranteePrincipal=ROLE, Operations=["Sign"], DryRun=True)

    assert grants_of(kms_client, symmetric_key["KeyId"]) == []


# -- grant tokens ----------------------------------------------------------------------------


def test_a_grant_token_is_accepted_wherever_grant_tokens_are(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    token = grant(kms_client, symmetric_key["KeyId"])["GrantToken"]

    blob = call(kms_client, "Encrypt", KeyId=symmetric_key["KeyId"], Plaintext=b"x",
                GrantTokens=[token])["CiphertextBlob"]
    call(kms_client, "Decrypt", CiphertextBlob=blob, GrantTokens=[token])
    call(kms_client, "DescribeKey", KeyId=symmetric_key["KeyId"], GrantTokens=[token])
    call(kms_client, "GenerateDataKey", KeyId=symmetric_key["KeyId"], KeySpec="AES_256",
         GrantTokens=[token])
    grant(kms_client, symmetric_key["KeyId"], GrantTokens=[token])


@pytest.mark.parametrize(
    ("operation", "params"),
    [("Encrypt", {"Plaintext": b"x"}),
     ("GenerateDataKeyWithoutPlaintext", {"KeySpec": "AES_128"}),
     ("CreateGrant", {"GranteePrincipal": ROLE, "Operations": ["Encrypt"]})],
)
def test_a_grant_token_this_kms_did_not_issue_is_invalid(
    kms_client: Any, symmetric_key: dict[str, Any], operation: str, params: dict[str, Any]
) -> None:
    message = fails(kms_client, operation, "InvalidGrantTokenException",
                    KeyId=symmetric_key["KeyId"], GrantTokens=["AQpAnot-a-token"], **params)

    assert message == "Invalid grant token."


def test_describe_key_does_not_check_grant_tokens(
    kms_client: Any, symmetric_key: dict[str, Any],
) -> None:
    call(kms_client, "DescribeKey", KeyId=symmetric_key["KeyId"], GrantTokens=["AQpAnot-a-token"])


def test_a_grant_token_stays_accepted_after_its_grant_is_retired(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    token = grant(kms_client, symmetric_key["KeyId"])["GrantToken"]
    kms_client.retire_grant(GrantToken=token)

    call(kms_client, "Encrypt", KeyId=symmetric_key["KeyId"], Plaintext=b"x", GrantTokens=[token])


# -- ListGrants ------------------------------------------------------------------------------


def test_list_grants_filters_by_grant_id_and_grantee(
    kms_client: Any, symmetric_key: dict[str, Any],
) -> None:
    mine = grant(kms_client, symmetric_key["KeyId"])
    other = grant(kms_client, symmetric_key["KeyId"], GranteePrincipal=OTHER_ROLE)
    grant(kms_client, new_key(kms_client)["KeyId"])

    assert [g["GrantId"] for g in grants_of(kms_client, symmetric_key["KeyId"])] == [
        mine["GrantId"], other["GrantId"]]
    assert [g["GrantId"] for g in grants_of(kms_client, symmetric_key["KeyId"],
                                            GrantId=other["GrantId"])] == [other["GrantId"]]
    assert [g["GrantId"] for g in grants_of(kms_client, symmetric_key["KeyId"],
                                            GranteePrincipal=ROLE)] == [mine["GrantId"]]
    assert grants_of(kms_client, symmetric_key["KeyId"], GrantId=MISSING_GRANT) == []


def test_list_grants_pages_with_limit_and_marker(
    kms_client: Any, symmetric_key: dict[str, Any],
) -> None:
    ids = [grant(kms_client, symmetric_key["KeyId"])["GrantId"] for _ in range(3)]

    first = call(kms_client, "ListGrants", KeyId=symmetric_key["KeyId"], Limit=2)
    second = call(kms_client, "ListGrants", KeyId=symmetric_key["KeyId"],
                  Marker=first["NextMarker"])

    assert first["Truncated"] is True
    assert second["Truncated"] is False
    assert [g["GrantId"] for g in first["Grants"] + second["Grants"]] == ids


def test_list_grants_checks_its_filters_marker_and_limit(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    fails(kms_client, "ListGrants", "InvalidGrantIdException", KeyId=symmetric_key["KeyId"],
          GrantId="not-a-grant-id")
    fails(kms_client, "ListGrants", "InvalidMarkerException", KeyId=symmetric_key["KeyId"],
          Marker="x")
    fails(kms_client, "ListGrants", "ValidationException", KeyId=symmetric_key["KeyId"], Limit=101)
    if in_model("kms", "ListGrants.GranteeServicePrincipal"):  # botocore 1.43.12+
        fails(kms_client, "ListGrants", "ValidationException", KeyId=symmetric_key["KeyId"],
              GranteePrincipal=ROLE, GranteeServicePrincipal="logs.us-east-1.amazonaws.com")
    fails(kms_client, "ListGrants", "NotFoundException",
          KeyId=f"{ARN_PREFIX}key/00000000-0000-4000-8000-000000000000")
    kms_client.create_alias(AliasName="alias/orders", TargetKeyId=symmetric_key["KeyId"])
    fails(kms_client, "ListGrants", "InvalidArnException", KeyId="alias/orders")


def test_grants_of_a_key_pending_deletion_are_still_listed(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    created = grant(kms_client, symmetric_key["KeyId"])
    schedule_deletion(kms_client, symmetric_key["KeyId"])

    assert grants_of(kms_client, symmetric_key["KeyId"])[0]["GrantId"] == created["GrantId"]


# -- ListRetirableGrants ---------------------------------------------------------------------


def test_list_retirable_grants_finds_grants_of_a_retiring_principal_on_every_key(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    first = grant(kms_client, symmetric_key["KeyId"], RetiringPrincipal=RETIRER)
    second = grant(kms_client, new_key(kms_client)["KeyId"], RetiringPrincipal=RETIRER)
    grant(kms_client, symmetric_key["KeyId"], RetiringPrincipal=OTHER_ROLE)

    response = call(kms_client, "ListRetirableGrants", RetiringPrincipal=RETIRER)

    assert [g["GrantId"] for g in response["Grants"]] == [first["GrantId"], second["GrantId"]]
    assert response["Truncated"] is False


def test_list_retirable_grants_pages_and_checks_its_members(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    for _ in range(2):
        grant(kms_client, symmetric_key["KeyId"], RetiringPrincipal=RETIRER)

    first = call(kms_client, "ListRetirableGrants", RetiringPrincipal=RETIRER, Limit=1)
    assert first["Truncated"] is True
    fails(kms_client, "ListRetirableGrants", "InvalidMarkerException", RetiringPrincipal=RETIRER,
          Marker="x")
    if in_model("kms", "ListRetirableGrants.RetiringServicePrincipal"):  # else required
        fails(kms_client, "ListRetirableGrants", "ValidationException")
    fails(kms_client, "ListRetirableGrants", "ValidationException", RetiringPrincipal=RETIRER,
          Limit=101)


def test_grants_of_a_deleted_key_are_gone(cloudhsm_kms: Any, kms_client: Any) -> None:
    key = new_key(kms_client)
    grant(kms_client, key["KeyId"], RetiringPrincipal=RETIRER)
    schedule_deletion(kms_client, key["KeyId"])

    cloudhsm_kms.clock.advance(8 * 86_400)

    assert call(kms_client, "ListRetirableGrants", RetiringPrincipal=RETIRER)["Grants"] == []


# -- RetireGrant and RevokeGrant -------------------------------------------------------------


def test_retire_grant_by_grant_token(kms_client: Any, symmetric_key: dict[str, Any]) -> None:
    token = grant(kms_client, symmetric_key["KeyId"])["GrantToken"]

    call(kms_client, "RetireGrant", GrantToken=token)

    assert grants_of(kms_client, symmetric_key["KeyId"]) == []
    fails(kms_client, "RetireGrant", "NotFoundException", GrantToken=token)


def test_retire_grant_by_key_and_grant_id(kms_client: Any, symmetric_key: dict[str, Any]) -> None:
    created = grant(kms_client, symmetric_key["KeyId"])

    call(kms_client, "RetireGrant", KeyId=symmetric_key["Arn"], GrantId=created["GrantId"])

    assert grants_of(kms_client, symmetric_key["KeyId"]) == []


def test_retire_grant_needs_a_token_or_a_key_and_grant_id(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    created = grant(kms_client, symmetric_key["KeyId"])

    fails(kms_client, "RetireGrant", "ValidationException", KeyId=symmetric_key["KeyId"])
    assert fails(kms_client, "RetireGrant", "InvalidGrantTokenException",
                 GrantToken="AQpAbogus") == "Invalid grant token."
    fails(kms_client, "RetireGrant", "InvalidGrantIdException", GrantToken=created["GrantToken"],
          GrantId=MISSING_GRANT)
    fails(kms_client, "RetireGrant", "InvalidGrantIdException", KeyId=symmetric_key["KeyId"],
          GrantId="bogus")
    fails(kms_client, "RetireGrant", "NotFoundException", KeyId=symmetric_key["KeyId"],
          GrantId=MISSING_GRANT)
    kms_client.create_alias(AliasName="alias/orders", TargetKeyId=symmetric_key["KeyId"])
    fails(kms_client, "RetireGrant", "InvalidArnException", KeyId="alias/orders",
          GrantId=created["GrantId"])


def test_revoke_grant_deletes_the_grant(kms_client: Any, symmetric_key: dict[str, Any]) -> None:
    created = grant(kms_client, symmetric_key["KeyId"])

    call(kms_client, "RevokeGrant", KeyId=symmetric_key["KeyId"], GrantId=created["GrantId"])

    assert grants_of(kms_client, symmetric_key["KeyId"]) == []
    fails(kms_client, "RevokeGrant", "NotFoundException", KeyId=symmetric_key["KeyId"],
          GrantId=created["GrantId"])


def test_revoke_grant_checks_the_key_and_grant_id(
    kms_client: Any, symmetric_key: dict[str, Any],
) -> None:
    created = grant(kms_client, symmetric_key["KeyId"])
    other = new_key(kms_client)

    fails(kms_client, "RevokeGrant", "NotFoundException", KeyId=other["KeyId"],
          GrantId=created["GrantId"])
    fails(kms_client, "RevokeGrant", "InvalidGrantIdException", KeyId=symmetric_key["KeyId"],
          GrantId="bogus")
    kms_client.create_alias(AliasName="alias/orders", TargetKeyId=symmetric_key["KeyId"])
    fails(kms_client, "RevokeGrant", "InvalidArnException", KeyId="alias/orders",
          GrantId=created["GrantId"])


@pytest.mark.parametrize("operation", ["RetireGrant", "RevokeGrant"])
def test_a_dry_run_retire_or_revoke_keeps_the_grant(
    kms_client: Any, symmetric_key: dict[str, Any], operation: str
) -> None:
    created = grant(kms_client, symmetric_key["KeyId"])

    fails(kms_client, operation, "DryRunOperationException", KeyId=symmetric_key["KeyId"],
          GrantId=created["GrantId"], DryRun=True)
    fails(kms_client, operation, "NotFoundException", KeyId=symmetric_key["KeyId"],
          GrantId=MISSING_GRANT, DryRun=True)

    assert len(grants_of(kms_client, symmetric_key["KeyId"])) == 1


def test_grants_of_a_key_pending_deletion_can_be_retired_and_revoked(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    first = grant(kms_client, symmetric_key["KeyId"])
    second = grant(kms_client, symmetric_key["KeyId"])
    schedule_deletion(kms_client, symmetric_key["KeyId"])

    call(kms_client, "RetireGrant", GrantToken=first["GrantToken"])
    call(kms_client, "RevokeGrant", KeyId=symmetric_key["KeyId"], GrantId=second["GrantId"])

    assert grants_of(kms_client, symmetric_key["KeyId"]) == []
