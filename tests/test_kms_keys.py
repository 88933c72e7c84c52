"""KMS keys: CreateKey, DescribeKey, ListKeys, EnableKey, DisableKey and key deletion.

Each test states the AWS behaviour it checks (docs/aws-behaviour.md §2-§4, §7.4), through a real
boto3 client, and every successful response is checked against the botocore output shape.
"""

from __future__ import annotations

import base64
import datetime
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import ARN_PREFIX, DAY, call, error_of, fails, snake, validation_message


def metadata_of(kms_client: Any, key_id: str) -> dict[str, Any]:
    result: dict[str, Any] = call(kms_client, "DescribeKey", KeyId=key_id)["KeyMetadata"]
    return result


# -- CreateKey -----------------------------------------------------------------------------


def test_a_new_key_is_an_enabled_symmetric_encryption_key(kms_client: Any) -> None:
    metadata = call(kms_client, "CreateKey", Description="orders")["KeyMetadata"]

    assert metadata["Arn"] == f"{ARN_PREFIX}key/{metadata['KeyId']}"
    assert metadata["AWSAccountId"] == "111122223333"
    assert metadata["KeyState"] == "Enabled"
    assert metadata["Enabled"] is True
    assert metadata["Description"] == "orders"
    assert metadata["KeyUsage"] == "ENCRYPT_DECRYPT"
    assert metadata["KeySpec"] == metadata["CustomerMasterKeySpec"] == "SYMMETRIC_DEFAULT"
    assert metadata["EncryptionAlgorithms"] == ["SYMMETRIC_DEFAULT"]
    assert metadata["Origin"] == "AWS_KMS"
    assert metadata["KeyManager"] == "CUSTOMER"
    assert metadata["MultiRegion"] is False
    assert "DeletionDate" not in metadata
    assert isinstance(metadata["CreationDate"], datetime.datetime)


def test_a_new_key_has_no_description_by_default(symmetric_key: dict[str, Any]) -> None:
    assert symmetric_key["Description"] == ""


def test_create_key_accepts_a_policy_and_tags(kms_client: Any) -> None:
    policy = json.dumps({"Version": "2012-10-17", "Statement": []})
    metadata = call(
        kms_client, "CreateKey", Policy=policy, Tags=[{"TagKey": "team", "TagValue": "payments"}]
    )["KeyMetadata"]

    assert metadata["KeyState"] == "Enabled"


@pytest.mark.parametrize(
    "policy", ["not json", "[]", '{"Version": "2012-10-17"}', "[" * 5000 + "]" * 5000]
)
def test_create_key_refuses_a_policy_that_is_not_a_policy_document(
    kms_client: Any, policy: str
) -> None:
    with pytest.raises(kms_client.exceptions.MalformedPolicyDocumentException):
        kms_client.create_key(Policy=policy)


def test_create_key_refuses_key_spec_together_with_customer_master_key_spec(
    kms_client: Any,
) -> None:
    with pytest.raises(ClientError) as raised:
        kms_client.create_key(
            KeySpec="SYMMETRIC_DEFAULT", CustomerMasterKeySpec="SYMMETRIC_DEFAULT"
        )

    assert error_of(raised)[0] == "ValidationException"


def test_a_symmetric_key_must_be_for_encrypt_and_decrypt(kms_client: Any) -> None:
    with pytest.raises(ClientError) as raised:
        kms_client.create_key(KeyUsage="SIGN_VERIFY")

    assert error_of(raised)[0] == "ValidationException"


@pytest.mark.parametrize(
    "params", [{"KeySpec": "SM2", "KeyUsage": "SIGN_VERIFY"}, {"Origin": "EXTERNAL_KEY_STORE"}]
)
def test_key_types_the_fake_does_not_model_are_unsupported(
    kms_client: Any, params: dict[str, Any]
) -> None:
    with pytest.raises(kms_client.exceptions.UnsupportedOperationException):
        kms_client.create_key(**params)


def test_create_key_checks_the_key_spec_enum_on_the_server(kms_unvalidated: Any) -> None:
    message = fails(kms_unvalidated, "CreateKey", "ValidationException", KeySpec="AES_512")

    assert message is not None
    assert message.startswith(
        validation_message("keySpec", "satisfy enum value set: [RSA_2048, ", "AES_512"))


def test_the_key_quota_answers_limit_exceeded(
    cloudhsm_kms: Any, kms_client: Any
) -> None:
    cloudhsm_kms.settings = cloudhsm_kms.settings.replace(max_keys=2)
    kms_client.create_key()
    kms_client.create_key()

    with pytest.raises(kms_client.exceptions.LimitExceededException):
        kms_client.create_key()


# -- DescribeKey and naming a key ----------------------------------------------------------


def test_describe_key_names_a_key_by_id_arn_alias_name_or_alias_arn(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    kms_client.create_alias(AliasName="alias/orders", TargetKeyId=symmetric_key["KeyId"])

    for name in (symmetric_key["KeyId"], symmetric_key["Arn"], "alias/orders",
                 f"{ARN_PREFIX}alias/orders"):
        assert metadata_of(kms_client, name) == symmetric_key


def test_describe_key_of_an_unknown_key_id_names_its_arn(kms_client: Any) -> None:
    key_id = "1234abcd-12ab-34cd-56ef-1234567890ab"
    with pytest.raises(kms_client.exceptions.NotFoundException) as raised:
        kms_client.describe_key(KeyId=key_id)

    assert error_of(raised)[1] == f"Key '{ARN_PREFIX}key/{key_id}' does not exist"


def test_describe_key_of_something_that_is_no_key_id_says_invalid_key_id(
    kms_client: Any,
) -> None:
    with pytest.raises(kms_client.exceptions.NotFoundException) as raised:
        kms_client.describe_key(KeyId="orders")

    assert error_of(raised)[1] == "Invalid keyId 'orders'"


@pytest.mark.parametrize(
    ("key_id", "message"),
    [
        ("alias/missing", "Alias {here}alias/missing is not found."),
        # Any well-formed key ID is looked up and named in the message.
        ("1234ABCD-12AB-34CD-56EF-1234567890AB", "Key '{here}key/{key_id}' does not exist"),
        ("mrk-" + "a" * 32, "Key '{here}key/{key_id}' does not exist"),
        # An ARN of another account is not found, even for a key ID this account holds.
        ("{other_account}key/{key}", "Key '{key_id}' does not exist"),
        ("{other_account}alias/orders", "Alias {key_id} is not found."),
        # An ARN of another Region is an invalid ARN.
        ("{other_region}key/{key}", "Invalid arn eu-west-1"),
    ],
)
def test_describe_key_of_a_key_kms_does_not_hold_is_not_found(
    kms_client: Any, symmetric_key: dict[str, Any], key_id: str, message: str
) -> None:
    key_id = key_id.format(here=ARN_PREFIX, key=symmetric_key["KeyId"],
                           other_account="arn:aws:kms:us-east-1:444455556666:",
                           other_region="arn:aws:kms:eu-west-1:111122223333:")

    assert fails(kms_client, "DescribeKey", "NotFoundException", KeyId=key_id) == (
        message.format(here=ARN_PREFIX, key_id=key_id))


def test_describe_key_never_fails_because_of_the_key_state(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    kms_client.disable_key(KeyId=symmetric_key["KeyId"])
    assert metadata_of(kms_client, symmetric_key["KeyId"])["KeyState"] == "Disabled"

    kms_client.schedule_key_deletion(KeyId=symmetric_key["KeyId"])
    assert metadata_of(kms_client, symmetric_key["KeyId"])["KeyState"] == "PendingDeletion"


def test_describe_key_checks_the_key_id_length_on_the_server(kms_unvalidated: Any) -> None:
    with pytest.raises(ClientError) as raised:
        kms_unvalidated.describe_key(KeyId="k" * 2049)

    code, message = error_of(raised)
    assert code == "ValidationException"
    assert message is not None
    assert message.endswith(
        "at 'keyId' failed to satisfy constraint: "
        "Member must have length less than or equal to 2048"
    )


# -- ListKeys ------------------------------------------------------------------------------


def test_list_keys_names_every_key_by_id_and_arn(kms_client: Any) -> None:
    created = [kms_client.create_key()["KeyMetadata"] for _ in range(3)]

    listed = call(kms_client, "ListKeys")

    assert listed["Truncated"] is False
    assert "NextMarker" not in listed
    assert listed["Keys"] == [{"KeyId": k["KeyId"], "KeyArn": k["Arn"]} for k in created]


def test_list_keys_pages_with_limit_and_marker(kms_client: Any) -> None:
    arns = [kms_client.create_key()["KeyMetadata"]["Arn"] for _ in range(5)]

    pages = []
    params: dict[str, Any] = {"Limit": 2}
    while True:
        page = call(kms_client, "ListKeys", **params)
        pages.append(page)
        if not page["Truncated"]:
            break
        params["Marker"] = page["NextMarker"]

    assert [len(p["Keys"]) for p in pages] == [2, 2, 1]
    assert [k["KeyArn"] for p in pages for k in p["Keys"]] == arns


def test_list_keys_works_with_the_boto3_paginator(kms_client: Any) -> None:
    arns = [kms_client.create_key()["KeyMetadata"]["Arn"] for _ in range(3)]

    pages = kms_client.get_paginator("list_keys").paginate(PaginationConfig={"PageSize": 2})

    assert [k["KeyArn"] for page in pages for k in page["Keys"]] == arns


def test_a_page_limit_beyond_1000_is_refused_by_the_service(kms_unvalidated: Any) -> None:
    assert fails(kms_unvalidated, "ListKeys", "ValidationException", Limit=1001) == (
        validation_message("limit", "have value less than or equal to 1000", 1001))


@pytest.mark.parametrize(
    "marker", ["not-a-marker", "LTE=", "MV8w", "eA==", base64.b64encode(b"9" * 40).decode()]
)
def test_list_keys_refuses_a_marker_it_did_not_issue(kms_client: Any, marker: str) -> None:
    with pytest.raises(kms_client.exceptions.InvalidMarkerException):
        kms_client.list_keys(Marker=marker)


# -- EnableKey and DisableKey --------------------------------------------------------------


def test_disable_key_makes_the_key_disabled_and_enable_key_enabled_again(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    call(kms_client, "DisableKey", KeyId=symmetric_key["KeyId"])
    metadata = metadata_of(kms_client, symmetric_key["KeyId"])
    assert (metadata["KeyState"], metadata["Enabled"]) == ("Disabled", False)

    call(kms_client, "EnableKey", KeyId=symmetric_key["Arn"])
    metadata = metadata_of(kms_client, symmetric_key["KeyId"])
    assert (metadata["KeyState"], metadata["Enabled"]) == ("Enabled", True)


def test_enable_and_disable_are_idempotent(kms_client: Any, symmetric_key: dict[str, Any]) -> None:
    call(kms_client, "EnableKey", KeyId=symmetric_key["KeyId"])
    call(kms_client, "DisableKey", KeyId=symmetric_key["KeyId"])
    call(kms_client, "DisableKey", KeyId=symmetric_key["KeyId"])

    assert metadata_of(kms_client, symmetric_key["KeyId"])["KeyState"] == "Disabled"


@pytest.mark.parametrize(
    "operation", ["EnableKey", "DisableKey", "ScheduleKeyDeletion", "CancelKeyDeletion"]
)
def test_key_state_operations_do_not_take_aliases(
    kms_client: Any, symmetric_key: dict[str, Any], operation: str
) -> None:
    kms_client.create_alias(AliasName="alias/orders", TargetKeyId=symmetric_key["KeyId"])
    method = getattr(kms_client, snake(operation))

    for alias in ("alias/orders", f"{ARN_PREFIX}alias/orders"):
        with pytest.raises(kms_client.exceptions.InvalidArnException) as raised:
            method(KeyId=alias)
        assert error_of(raised)[1] == "Key Aliases are not supported for this operation."


@pytest.mark.parametrize(
    "operation", ["EnableKey", "DisableKey", "ScheduleKeyDeletion", "CancelKeyDeletion"]
)
def test_key_state_operations_on_an_unknown_key_answer_not_found(
    kms_client: Any, operation: str
) -> None:
    method = getattr(kms_client, snake(operation))
    with pytest.raises(kms_client.exceptions.NotFoundException):
        method(KeyId="1234abcd-12ab-34cd-56ef-1234567890ab")


@pytest.mark.parametrize("operation", ["EnableKey", "DisableKey", "ScheduleKeyDeletion"])
def test_a_key_pending_deletion_cannot_change_state(
    kms_client: Any, symmetric_key: dict[str, Any], operation: str
) -> None:
    kms_client.schedule_key_deletion(KeyId=symmetric_key["KeyId"])

    # AWS's key state table gives these [3] (docs/aws-behaviour.md §3).
    with pytest.raises(kms_client.exceptions.KMSInvalidStateException) as raised:
        getattr(kms_client, snake(operation))(KeyId=symmetric_key["KeyId"])

    assert error_of(raised)[1] == f"{symmetric_key['Arn']} is pending deletion."


# -- ScheduleKeyDeletion and CancelKeyDeletion ---------------------------------------------


def test_schedule_key_deletion_waits_30_days_by_default(
    cloudhsm_kms: Any, kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    before = cloudhsm_kms.clock.now()
    response = call(kms_client, "ScheduleKeyDeletion", KeyId=symmetric_key["KeyId"])

    assert response["KeyId"] == symmetric_key["Arn"]
    assert response["KeyState"] == "PendingDeletion"
    assert response["PendingWindowInDays"] == 30
    assert response["DeletionDate"].timestamp() == pytest.approx(before + 30 * DAY, abs=5)


def test_a_key_pending_deletion_reports_its_deletion_date(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    scheduled = kms_client.schedule_key_deletion(KeyId=symmetric_key["Arn"], PendingWindowInDays=7)

    metadata = metadata_of(kms_client, symmetric_key["KeyId"])
    assert metadata["KeyState"] == "PendingDeletion"
    assert metadata["Enabled"] is False
    assert metadata["DeletionDate"] == scheduled["DeletionDate"]


def test_a_disabled_key_can_be_scheduled_for_deletion(
    kms_client: Any, symmetric_key: dict[str, Any],
) -> None:
    kms_client.disable_key(KeyId=symmetric_key["KeyId"])

    response = call(kms_client, "ScheduleKeyDeletion", KeyId=symmetric_key["KeyId"],
                    PendingWindowInDays=7)

    assert response["KeyState"] == "PendingDeletion"


@pytest.mark.parametrize(
    ("days", "message"),
    [
        # AWS's text inside the model's bounds, as quoted from a real answer
        # (docs/aws-behaviour.md §2.5); the model's form beyond them.
        (6, "PendingWindowInDays must be between 7 and 30"),
        (31, "PendingWindowInDays must be between 7 and 30"),
        (366, validation_message("pendingWindowInDays", "have value less than or equal to 365",
                                 366)),
    ],
)
def test_the_waiting_period_is_7_to_30_days(
    kms_client: Any, symmetric_key: dict[str, Any], days: int, message: str
) -> None:
    assert fails(kms_client, "ScheduleKeyDeletion", "ValidationException",
                 KeyId=symmetric_key["KeyId"], PendingWindowInDays=days) == message
    assert metadata_of(kms_client, symmetric_key["KeyId"])["KeyState"] == "Enabled"


def test_cancel_key_deletion_leaves_the_key_disabled(
    kms_client: Any, symmetric_key: dict[str, Any],
) -> None:
    kms_client.schedule_key_deletion(KeyId=symmetric_key["KeyId"])

    response = call(kms_client, "CancelKeyDeletion", KeyId=symmetric_key["KeyId"])

    assert response["KeyId"] == symmetric_key["Arn"]
    metadata = metadata_of(kms_client, symmetric_key["KeyId"])
    assert metadata["KeyState"] == "Disabled"
    assert "DeletionDate" not in metadata


@pytest.mark.parametrize("disable", [False, True])
def test_cancel_key_deletion_of_a_key_not_pending_deletion_is_an_invalid_state(
    kms_client: Any, symmetric_key: dict[str, Any], disable: bool
) -> None:
    if disable:
        kms_client.disable_key(KeyId=symmetric_key["KeyId"])

    with pytest.raises(kms_client.exceptions.KMSInvalidStateException) as raised:
        kms_client.cancel_key_deletion(KeyId=symmetric_key["KeyId"])

    assert error_of(raised)[1] == f"{symmetric_key['Arn']} is not pending deletion."


def test_at_the_end_of_the_waiting_period_the_key_and_its_aliases_are_deleted(
    cloudhsm_kms: Any, kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    blob = kms_client.encrypt(KeyId=symmetric_key["KeyId"], Plaintext=b"secret")["CiphertextBlob"]
    kms_client.create_alias(AliasName="alias/orders", TargetKeyId=symmetric_key["KeyId"])
    kms_client.schedule_key_deletion(KeyId=symmetric_key["KeyId"], PendingWindowInDays=7)

    cloudhsm_kms.clock.advance(7 * DAY - 60)
    assert metadata_of(kms_client, symmetric_key["KeyId"])["KeyState"] == "PendingDeletion"

    cloudhsm_kms.clock.advance(120)
    with pytest.raises(kms_client.exceptions.NotFoundException) as raised:
        kms_client.describe_key(KeyId=symmetric_key["KeyId"])
    assert error_of(raised)[1] == f"Key '{symmetric_key['Arn']}' does not exist"
    assert kms_client.list_keys()["Keys"] == []
    assert kms_client.list_aliases()["Aliases"] == []
    with pytest.raises(kms_client.exceptions.NotFoundException):
        kms_client.decrypt(CiphertextBlob=blob)


@pytest.fixture
def cancelled_key(kms_client: Any, symmetric_key: dict[str, Any]) -> str:
    """The ID of a key whose deletion, scheduled in 7 days, was cancelled at once."""
    key_id: str = symmetric_key["KeyId"]
    kms_client.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    kms_client.cancel_key_deletion(KeyId=key_id)
    return key_id


def test_a_cancelled_deletion_never_deletes_the_key(
    cloudhsm_kms: Any, kms_client: Any, cancelled_key: str
) -> None:
    cloudhsm_kms.clock.advance(31 * DAY)

    assert metadata_of(kms_client, cancelled_key)["KeyState"] == "Disabled"


def test_a_rescheduled_deletion_follows_the_new_date(
    cloudhsm_kms: Any, kms_client: Any, cancelled_key: str
) -> None:
    cloudhsm_kms.clock.advance(1 * DAY)
    kms_client.schedule_key_deletion(KeyId=cancelled_key, PendingWindowInDays=30)

    cloudhsm_kms.clock.advance(7 * DAY)
    assert metadata_of(kms_client, cancelled_key)["KeyState"] == "PendingDeletion"

    cloudhsm_kms.clock.advance(24 * DAY)
    with pytest.raises(kms_client.exceptions.NotFoundException):
        kms_client.describe_key(KeyId=cancelled_key)
