"""KMS aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases (docs/aws-behaviour.md §3, §4).

Each test states the AWS behaviour it checks, through a real boto3 client, and every
successful response is checked against the botocore output shape.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import ARN_PREFIX, call, error_of, fails, validation_message


def aliases(kms_client: Any, **params: Any) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = call(kms_client, "ListAliases", **params)["Aliases"]
    return entries


@pytest.fixture
def orders_alias(kms_client: Any, symmetric_key: dict[str, Any]) -> str:
    """``alias/orders``, pointing at ``symmetric_key``."""
    kms_client.create_alias(AliasName="alias/orders", TargetKeyId=symmetric_key["KeyId"])
    return "alias/orders"


# -- CreateAlias ---------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["KeyId", "Arn"])
def test_create_alias_points_an_alias_at_a_key(
    kms_client: Any, symmetric_key: dict[str, Any], target: str
) -> None:
    call(kms_client, "CreateAlias", AliasName="alias/orders", TargetKeyId=symmetric_key[target])

    (entry,) = aliases(kms_client)
    assert entry["AliasName"] == "alias/orders"
    assert entry["AliasArn"] == f"{ARN_PREFIX}alias/orders"
    assert entry["TargetKeyId"] == symmetric_key["KeyId"]
    assert entry["CreationDate"] == entry["LastUpdatedDate"]
    assert kms_client.describe_key(KeyId="alias/orders")["KeyMetadata"]["Arn"] == (
        symmetric_key["Arn"])


def test_a_key_may_have_several_aliases(kms_client: Any, symmetric_key: dict[str, Any]) -> None:
    kms_client.create_alias(AliasName="alias/a", TargetKeyId=symmetric_key["KeyId"])
    kms_client.create_alias(AliasName="alias/b", TargetKeyId=symmetric_key["KeyId"])

    assert [a["AliasName"] for a in aliases(kms_client)] == ["alias/a", "alias/b"]


def test_an_alias_name_is_unique(
    kms_client: Any, symmetric_key: dict[str, Any], orders_alias: str
) -> None:
    with pytest.raises(kms_client.exceptions.AlreadyExistsException) as raised:
        kms_client.create_alias(AliasName="alias/orders", TargetKeyId=symmetric_key["KeyId"])

    assert error_of(raised)[1] == (
        f"An alias with the name {ARN_PREFIX}alias/orders already exists"
    )


@pytest.mark.parametrize("name", ["orders", f"{ARN_PREFIX}alias/x"])
def test_an_alias_name_starts_with_alias(
    kms_client: Any, symmetric_key: dict[str, Any], name: str
) -> None:
    """docs/aws-behaviour.md §11.1: AWS's recorded answer."""
    with pytest.raises(ClientError) as raised:
        kms_client.create_alias(AliasName=name, TargetKeyId=symmetric_key["KeyId"])

    assert error_of(raised) == (
        "ValidationException",
        'Alias must start with the prefix "alias/". Please see '
        "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html",
    )


@pytest.mark.parametrize("name", ["alias/", "alias/aws/orders"])
def test_an_alias_name_is_more_than_alias_and_not_alias_aws(
    kms_client: Any, symmetric_key: dict[str, Any], name: str
) -> None:
    with pytest.raises(kms_client.exceptions.InvalidAliasNameException):
        kms_client.create_alias(AliasName=name, TargetKeyId=symmetric_key["KeyId"])


def test_an_alias_name_with_a_colon_is_a_validation_error(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    """docs/aws-behaviour.md §11.1: the model's pattern allows ``:``, AWS does not."""
    with pytest.raises(ClientError) as raised:
        kms_client.create_alias(AliasName="alias/my:alias", TargetKeyId=symmetric_key["KeyId"])

    assert error_of(raised) == (
        "ValidationException", "alias/my:alias contains invalid characters for an alias"
    )


def test_an_alias_name_with_other_characters_is_a_validation_error(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    assert fails(kms_client, "CreateAlias", "ValidationException", AliasName="alias/orders!",
                 TargetKeyId=symmetric_key["KeyId"]) == validation_message(
        "aliasName", "satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$", "alias/orders!")


def test_an_alias_cannot_point_at_an_alias(kms_client: Any, orders_alias: str) -> None:
    with pytest.raises(ClientError) as raised:
        kms_client.create_alias(AliasName="alias/other", TargetKeyId="alias/orders")

    assert error_of(raised) == ("ValidationException", "Aliases must refer to keys. Not aliases")


def test_an_alias_cannot_point_at_an_unknown_key(kms_client: Any) -> None:
    with pytest.raises(kms_client.exceptions.NotFoundException):
        kms_client.create_alias(
            AliasName="alias/orders", TargetKeyId="1234abcd-12ab-34cd-56ef-1234567890ab"
        )


def test_a_disabled_key_can_get_an_alias(kms_client: Any, symmetric_key: dict[str, Any]) -> None:
    kms_client.disable_key(KeyId=symmetric_key["KeyId"])

    call(kms_client, "CreateAlias", AliasName="alias/orders", TargetKeyId=symmetric_key["KeyId"])

    assert len(aliases(kms_client)) == 1


@pytest.mark.parametrize(("operation", "alias"), [
    ("CreateAlias", "alias/new"),
    ("UpdateAlias", "alias/orders"),
])
def test_an_alias_cannot_point_at_a_key_pending_deletion(
    kms_client: Any, orders_alias: str, other_symmetric_key: dict[str, Any], operation: str,
    alias: str,
) -> None:
    kms_client.schedule_key_deletion(KeyId=other_symmetric_key["KeyId"])

    message = fails(kms_client, operation, "KMSInvalidStateException", AliasName=alias,
                    TargetKeyId=other_symmetric_key["KeyId"])

    assert message == f"{other_symmetric_key['Arn']} is pending deletion."


# -- UpdateAlias ---------------------------------------------------------------------------


def test_update_alias_points_the_alias_at_another_key(
    cloudhsm_kms: Any, kms_client: Any, orders_alias: str,
    other_symmetric_key: dict[str, Any]
) -> None:
    cloudhsm_kms.clock.advance(60)

    call(kms_client, "UpdateAlias", AliasName="alias/orders",
         TargetKeyId=other_symmetric_key["Arn"])

    (entry,) = aliases(kms_client)
    assert entry["TargetKeyId"] == other_symmetric_key["KeyId"]
    assert (entry["LastUpdatedDate"] - entry["CreationDate"]).total_seconds() >= 60
    # Both to the millisecond, as the API Reference's ListAliases example shows
    # (docs/aws-behaviour.md §11.1).
    assert entry["CreationDate"].microsecond % 1000 == 0
    assert entry["LastUpdatedDate"].microsecond % 1000 == 0
    assert kms_client.describe_key(KeyId="alias/orders")["KeyMetadata"]["Arn"] == (
        other_symmetric_key["Arn"])


def test_update_alias_of_an_unknown_alias_answers_not_found(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    with pytest.raises(kms_client.exceptions.NotFoundException) as raised:
        kms_client.update_alias(AliasName="alias/missing", TargetKeyId=symmetric_key["KeyId"])

    assert error_of(raised)[1] == f"Alias {ARN_PREFIX}alias/missing is not found."


def test_update_alias_may_leave_a_key_pending_deletion(
    kms_client: Any, symmetric_key: dict[str, Any], orders_alias: str,
    other_symmetric_key: dict[str, Any]
) -> None:
    kms_client.schedule_key_deletion(KeyId=symmetric_key["KeyId"])

    call(kms_client, "UpdateAlias", AliasName="alias/orders",
         TargetKeyId=other_symmetric_key["KeyId"])

    assert aliases(kms_client)[0]["TargetKeyId"] == other_symmetric_key["KeyId"]


def test_update_alias_cannot_point_at_an_alias(
    kms_client: Any, orders_alias: str,
) -> None:
    with pytest.raises(ClientError) as raised:
        kms_client.update_alias(AliasName="alias/orders", TargetKeyId="alias/orders")

    assert error_of(raised)[0] == "ValidationException"


# -- DeleteAlias ---------------------------------------------------------------------------


def test_delete_alias_removes_the_alias_but_not_the_key(
    kms_client: Any, symmetric_key: dict[str, Any], orders_alias: str
) -> None:
    call(kms_client, "DeleteAlias", AliasName="alias/orders")

    assert aliases(kms_client) == []
    with pytest.raises(kms_client.exceptions.NotFoundException):
        kms_client.describe_key(KeyId="alias/orders")
    assert kms_client.describe_key(KeyId=symmetric_key["KeyId"])["KeyMetadata"]["KeyState"] == (
        "Enabled")


def test_delete_alias_of_an_unknown_alias_answers_not_found(kms_client: Any) -> None:
    with pytest.raises(kms_client.exceptions.NotFoundException) as raised:
        kms_client.delete_alias(AliasName="alias/missing")

    assert error_of(raised)[1] == f"Alias {ARN_PREFIX}alias/missing is not found."


def test_the_alias_of_a_key_pending_deletion_can_be_deleted(
    kms_client: Any, symmetric_key: dict[str, Any], orders_alias: str
) -> None:
    kms_client.schedule_key_deletion(KeyId=symmetric_key["KeyId"])

    call(kms_client, "DeleteAlias", AliasName="alias/orders")

    assert aliases(kms_client) == []


def test_a_deleted_alias_name_can_be_used_again(
    kms_client: Any, orders_alias: str, other_symmetric_key: dict[str, Any]
) -> None:
    kms_client.delete_alias(AliasName="alias/orders")

    call(kms_client, "CreateAlias", AliasName="alias/orders",
         TargetKeyId=other_symmetric_key["KeyId"])

    assert aliases(kms_client)[0]["TargetKeyId"] == other_symmetric_key["KeyId"]


# -- ListAliases ---------------------------------------------------------------------------


def test_list_aliases_of_a_key_lists_only_that_keys_aliases(
    kms_client: Any, symmetric_key: dict[str, Any], other_symmetric_key: dict[str, Any]
) -> None:
    kms_client.create_alias(AliasName="alias/a", TargetKeyId=symmetric_key["KeyId"])
    kms_client.create_alias(AliasName="alias/b", TargetKeyId=other_symmetric_key["KeyId"])

    for key_id in (symmetric_key["KeyId"], symmetric_key["Arn"]):
        assert [a["AliasName"] for a in aliases(kms_client, KeyId=key_id)] == ["alias/a"]


def test_list_aliases_of_a_key_takes_no_alias(
    kms_client: Any, symmetric_key: dict[str, Any],
) -> None:
    kms_client.create_alias(AliasName="alias/a", TargetKeyId=symmetric_key["KeyId"])

    with pytest.raises(kms_client.exceptions.InvalidArnException):
        kms_client.list_aliases(KeyId="alias/a")


def test_list_aliases_of_an_unknown_key_answers_not_found(kms_client: Any) -> None:
    with pytest.raises(kms_client.exceptions.NotFoundException):
        kms_client.list_aliases(KeyId="1234abcd-12ab-34cd-56ef-1234567890ab")


def test_list_aliases_pages_with_limit_and_marker(
    kms_client: Any, symmetric_key: dict[str, Any],
) -> None:
    names = [f"alias/a{i}" for i in range(5)]
    for name in names:
        kms_client.create_alias(AliasName=name, TargetKeyId=symmetric_key["KeyId"])

    first = call(kms_client, "ListAliases", Limit=3)
    second = call(kms_client, "ListAliases", Limit=3, Marker=first["NextMarker"])

    assert first["Truncated"] is True
    assert second["Truncated"] is False
    assert "NextMarker" not in second
    assert [a["AliasName"] for a in first["Aliases"] + second["Aliases"]] == names


def test_list_aliases_answers_50_aliases_a_page_without_limit(
    kms_client: Any, symmetric_key: dict[str, Any],
) -> None:
    # AWS: without Limit, ListAliases answers at most 50 (docs/aws-behaviour.md §11.1).
    for i in range(51):
        kms_client.create_alias(AliasName=f"alias/a{i}", TargetKeyId=symmetric_key["KeyId"])

    first = call(kms_client, "ListAliases", KeyId=symmetric_key["KeyId"])

    assert len(first["Aliases"]) == 50
    assert first["Truncated"] is True


def test_list_aliases_refuses_a_marker_it_did_not_issue(kms_client: Any) -> None:
    with pytest.raises(kms_client.exceptions.InvalidMarkerException):
        kms_client.list_aliases(Marker="garbage")
