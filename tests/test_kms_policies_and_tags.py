"""Key policies, tags and descriptions: GetKeyPolicy, PutKeyPolicy, ListKeyPolicies,
TagResource, UntagResource, ListResourceTags and UpdateKeyDescription (docs/aws-behaviour.md §3).

Each test states the AWS behaviour it checks, through a real boto3 client; every
successful response is checked against the botocore output shape.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.config import Config
from helpers import ARN_PREFIX, call, fails, new_key, schedule_deletion


def tags_of(client: Any, key_id: str, **params: Any) -> list[dict[str, str]]:
    listed: list[dict[str, str]] = call(client, "ListResourceTags", KeyId=key_id,
                                        **params)["Tags"]
    return listed


def tag(name: str, value: str = "v") -> dict[str, str]:
    return {"TagKey": name, "TagValue": value}


POLICY = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                   "Action": "kms:*", "Resource": "*"}],
})


# -- key policies ----------------------------------------------------------------------------


def test_a_new_key_has_the_default_key_policy_for_the_account_root(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    response = call(kms_client, "GetKeyPolicy", KeyId=symmetric_key["KeyId"])

    assert response["PolicyName"] == "default"
    policy = json.loads(response["Policy"])
    assert policy["Version"] == "2012-10-17"
    (statement,) = policy["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == {"AWS": "arn:aws:iam::111122223333:root"}
    assert statement["Action"] == "kms:*"
    assert statement["Resource"] == "*"


def test_get_key_policy_answers_the_policy_given_at_creation(kms_client: Any) -> None:
    key = new_key(kms_client, Policy=POLICY)

    response = call(kms_client, "GetKeyPolicy", KeyId=key["Arn"], PolicyName="default")

    assert response["Policy"] == POLICY


def test_put_key_policy_replaces_the_default_policy(
    kms_client: Any, symmetric_key: dict[str, Any],
) -> None:
    call(kms_client, "PutKeyPolicy", KeyId=symmetric_key["KeyId"], Policy=POLICY)

    assert call(kms_client, "GetKeyPolicy", KeyId=symmetric_key["KeyId"])["Policy"] == POLICY


def test_put_key_policy_with_an_explicit_default_name_and_lockout_bypass(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    call(kms_client, "PutKeyPolicy", KeyId=symmetric_key["KeyId"], Policy=POLICY,
         PolicyName="default",
         BypassPolicyLockoutSafetyCheck=True)

    assert call(kms_client, "GetKeyPolicy", KeyId=symmetric_key["KeyId"])["Policy"] == POLICY


@pytest.mark.parametrize("policy", ["not json", "[]", '{"Version": "2012-10-17"}'])
def test_put_key_policy_refuses_a_document_that_is_not_a_policy(
    kms_client: Any, symmetric_key: dict[str, Any], policy: str
) -> None:
    fails(kms_client, "PutKeyPolicy", "MalformedPolicyDocumentException",
          KeyId=symmetric_key["KeyId"], Policy=policy)


def test_a_key_policy_over_32_kilobytes_exceeds_the_limit(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    big = json.dumps({"Version": "2012-10-17", "Statement": [], "Pad": "x" * 33_000})

    fails(kms_client, "PutKeyPolicy", "LimitExceededException", KeyId=symmetric_key["KeyId"],
          Policy=big)
    fails(kms_client, "CreateKey", "LimitExceededException", Policy=big)


def test_the_aws_ram_policy_cannot_be_set_and_this_key_has_none(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    message = fails(kms_client, "PutKeyPolicy", "ValidationException", KeyId=symmetric_key["KeyId"],
                    Policy=POLICY, PolicyName="AWS_RAM")
    assert message == "The AWS_RAM policy can only be managed by the RAM service."

    # AWS: GetKeyPolicy of AWS_RAM for a key without one is NotFoundException
    # (docs/aws-behaviour.md §11.4).
    fails(kms_client, "GetKeyPolicy", "NotFoundException", KeyId=symmetric_key["KeyId"],
          PolicyName="AWS_RAM")


def test_a_policy_name_other_than_default_is_not_found(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    assert fails(kms_client, "GetKeyPolicy", "NotFoundException", KeyId=symmetric_key["KeyId"],
                 PolicyName="custom") == "No such policy exists"
    fails(kms_client, "PutKeyPolicy", "NotFoundException", KeyId=symmetric_key["KeyId"],
          PolicyName="custom", Policy=POLICY)


def test_list_key_policies_names_only_the_default_policy(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    response = call(kms_client, "ListKeyPolicies", KeyId=symmetric_key["KeyId"], Limit=1)

    assert response["PolicyNames"] == ["default"]
    assert response["Truncated"] is False


@pytest.mark.parametrize(
    ("operation", "params"),
    [("GetKeyPolicy", {}), ("PutKeyPolicy", {"Policy": POLICY}), ("ListKeyPolicies", {}),
     ("TagResource", {"Tags": [tag("a")]}), ("UntagResource", {"TagKeys": ["a"]}),
     ("ListResourceTags", {}), ("UpdateKeyDescription", {"Description": "d"})],
)
def test_policy_tag_and_description_operations_take_no_alias(
    kms_client: Any, symmetric_key: dict[str, Any], operation: str, params: dict[str, Any]
) -> None:
    kms_client.create_alias(AliasName="alias/orders", TargetKeyId=symmetric_key["KeyId"])

    fails(kms_client, operation, "InvalidArnException", KeyId="alias/orders", **params)
    fails(kms_client, operation, "NotFoundException",
          KeyId=f"{ARN_PREFIX}key/00000000-0000-4000-8000-000000000000", **params)


def test_policies_and_tags_of_a_key_pending_deletion_can_still_be_read(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    kms_client.tag_resource(KeyId=symmetric_key["KeyId"], Tags=[tag("team", "payments")])
    schedule_deletion(kms_client, symmetric_key["KeyId"])

    call(kms_client, "PutKeyPolicy", KeyId=symmetric_key["KeyId"], Policy=POLICY)
    assert call(kms_client, "GetKeyPolicy", KeyId=symmetric_key["KeyId"])["Policy"] == POLICY
    assert call(kms_client, "ListKeyPolicies", KeyId=symmetric_key["KeyId"])["PolicyNames"] == (
        ["default"])
    assert tags_of(kms_client, symmetric_key["KeyId"]) == [tag("team", "payments")]


# -- tags ------------------------------------------------------------------------------------


def test_tags_given_at_creation_are_listed(kms_client: Any) -> None:
    key = new_key(kms_client, Tags=[tag("team", "payments"), tag("env", "")])

    assert tags_of(kms_client, key["KeyId"]) == [tag("team", "payments"), tag("env", "")]


def test_tag_resource_adds_tags_and_replaces_the_value_of_an_existing_key(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    call(kms_client, "TagResource", KeyId=symmetric_key["KeyId"],
         Tags=[tag("team", "a"), tag("env")])
    call(kms_client, "TagResource", KeyId=symmetric_key["Arn"], Tags=[tag("team", "b")])

    assert tags_of(kms_client, symmetric_key["KeyId"]) == [tag("team", "b"), tag("env")]


@pytest.mark.parametrize("name", ["aws:created-by", "AWS:x", "Aws:y"])
def test_the_aws_prefix_is_reserved_for_tag_keys(
    kms_client: Any, symmetric_key: dict[str, Any], name: str
) -> None:
    fails(kms_client, "TagResource", "TagException", KeyId=symmetric_key["KeyId"], Tags=[tag(name)])
    fails(kms_client, "CreateKey", "TagException", Tags=[tag(name)])
    fails(kms_client, "UntagResource", "TagException", KeyId=symmetric_key["KeyId"], TagKeys=[name])


def test_a_tag_value_may_start_with_aws(kms_client: Any, symmetric_key: dict[str, Any]) -> None:
    call(kms_client, "TagResource", KeyId=symmetric_key["KeyId"], Tags=[tag("owner", "aws:team")])

    assert tags_of(kms_client, symmetric_key["KeyId"]) == [tag("owner", "aws:team")]


def test_a_key_takes_at_most_50_tags(kms_client: Any, symmetric_key: dict[str, Any]) -> None:
    call(kms_client, "TagResource", KeyId=symmetric_key["KeyId"],
         Tags=[tag(f"k{i}") for i in range(50)])

    fails(kms_client, "TagResource", "TagException", KeyId=symmetric_key["KeyId"],
          Tags=[tag("one-more")])
    call(kms_client, "TagResource", KeyId=symmetric_key["KeyId"], Tags=[tag("k0", "new value")])
    fails(kms_client, "CreateKey", "TagException", Tags=[tag(f"k{i}") for i in range(51)])


def test_the_same_tag_key_twice_in_one_request_is_a_tag_exception(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    fails(kms_client, "TagResource", "TagException", KeyId=symmetric_key["KeyId"],
          Tags=[tag("team", "a"), tag("team", "b")])


def test_tag_key_and_value_lengths_are_checked_by_the_model(
    cloudhsm_kms: Any, symmetric_key: dict[str, Any]
) -> None:
    client = cloudhsm_kms.client("kms", config=Config(parameter_validation=False))

    message = fails(client, "TagResource", "ValidationException", KeyId=symmetric_key["KeyId"],
                    Tags=[tag("k" * 129)])
    assert message is not None
    assert "at 'tags.1.member.tagKey' failed to satisfy constraint: Member must have length " \
           "less than or equal to 128" in message
    fails(client, "TagResource", "ValidationException", KeyId=symmetric_key["KeyId"],
          Tags=[tag("k", "v" * 257)])
    fails(client, "TagResource", "ValidationException", KeyId=symmetric_key["KeyId"],
          Tags=[tag("")])


def test_untag_resource_removes_tags_and_ignores_keys_it_does_not_have(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    kms_client.tag_resource(KeyId=symmetric_key["KeyId"], Tags=[tag("a"), tag("b")])

    # A tag key the key lacks is no error (docs/aws-behaviour.md §11.4, [api/UntagResource]).
    call(kms_client, "UntagResource", KeyId=symmetric_key["KeyId"], TagKeys=["a", "missing"])

    assert tags_of(kms_client, symmetric_key["KeyId"]) == [tag("b")]


def test_list_resource_tags_pages_with_limit_and_marker(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    kms_client.tag_resource(KeyId=symmetric_key["KeyId"], Tags=[tag(f"k{i}") for i in range(3)])

    first = call(kms_client, "ListResourceTags", KeyId=symmetric_key["KeyId"], Limit=2)
    assert first["Truncated"] is True
    second = call(kms_client, "ListResourceTags", KeyId=symmetric_key["KeyId"],
                  Marker=first["NextMarker"])
    assert second["Truncated"] is False
    assert first["Tags"] + second["Tags"] == [tag(f"k{i}") for i in range(3)]


def test_list_key_policies_and_tags_refuse_a_marker_they_did_not_issue(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    key_id = symmetric_key["KeyId"]
    # ListKeyPolicies models no InvalidMarkerException: its refusal is a ValidationException.
    fails(kms_client, "ListKeyPolicies", "ValidationException", KeyId=key_id, Marker="bogus")
    fails(kms_client, "ListResourceTags", "InvalidMarkerException", KeyId=key_id, Marker="bogus")


@pytest.mark.parametrize(
    ("operation", "params"),
    [("TagResource", {"Tags": [tag("a")]}), ("UntagResource", {"TagKeys": ["a"]}),
     ("UpdateKeyDescription", {"Description": "d"})],
)
def test_tags_and_description_of_a_key_pending_deletion_cannot_change(
    kms_client: Any, symmetric_key: dict[str, Any], operation: str, params: dict[str, Any]
) -> None:
    schedule_deletion(kms_client, symmetric_key["KeyId"])

    message = fails(kms_client, operation, "KMSInvalidStateException", KeyId=symmetric_key["KeyId"],
                    **params)
    assert message == f"{symmetric_key['Arn']} is pending deletion."


# -- description -----------------------------------------------------------------------------


def test_update_key_description_changes_what_describe_key_answers(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    call(kms_client, "UpdateKeyDescription", KeyId=symmetric_key["KeyId"], Description="orders")
    assert kms_client.describe_key(KeyId=symmetric_key["KeyId"])["KeyMetadata"]["Description"] == (
        "orders")

    call(kms_client, "UpdateKeyDescription", KeyId=symmetric_key["Arn"], Description="")
    assert kms_client.describe_key(KeyId=symmetric_key["KeyId"])["KeyMetadata"]["Description"] == ""


def test_a_disabled_key_can_be_described_tagged_and_given_a_policy(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    kms_client.disable_key(KeyId=symmetric_key["KeyId"])

    call(kms_client, "UpdateKeyDescription", KeyId=symmetric_key["KeyId"], Description="off")
    call(kms_client, "TagResource", KeyId=symmetric_key["KeyId"], Tags=[tag("state", "off")])
    call(kms_client, "PutKeyPolicy", KeyId=symmetric_key["KeyId"], Policy=POLICY)


@pytest.mark.cloudhsm_disconnected()
def test_an_unavailable_cloudhsm_key_can_be_tagged_described_and_given_a_policy(
    kms_client: Any, cloudhsm_key: dict[str, Any]
) -> None:
    key_id = cloudhsm_key["KeyId"]
    assert kms_client.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Unavailable"

    call(kms_client, "TagResource", KeyId=key_id, Tags=[tag("store", "cloudhsm")])
    call(kms_client, "UpdateKeyDescription", KeyId=key_id, Description="in the HSM")
    call(kms_client, "PutKeyPolicy", KeyId=key_id, Policy=POLICY)
    assert tags_of(kms_client, key_id) == [tag("store", "cloudhsm")]
    assert call(kms_client, "GetKeyPolicy", KeyId=key_id)["Policy"] == POLICY
