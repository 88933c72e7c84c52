"""Recorded AWS answers about keys: create, describe, list, enable/disable, delete,
descriptions, tags, aliases, key policies, grants, multi-Region keys.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from .recording import (
    ABSENT,
    ARN,
    BLOB,
    DATETIME,
    MATERIAL_ID,
    SYMMETRIC_KEY,
    TEXT,
    UNRECORDED,
    Case,
    JsonDocument,
    World,
    case_ids,
    check,
    length,
)

SECONDARY_ARN = "arn:<partition>:kms:<secondary-region>:111111111111:key/<key-id:1>"
REPLICA_ARN = "arn:<partition>:kms:ap-southeast-1:111111111111:key/<key-id:1>"

SYMMETRIC: dict[str, Any] = {  # TestKMS::test_create_key, describe-key
    **SYMMETRIC_KEY,
    "Arn": ARN,
    "CreationDate": DATETIME,
    "CurrentKeyMaterialId": MATERIAL_ID,
    "Description": "test key 123",
    "KeyId": "<key-id:1>",
    "Origin": "AWS_KMS",
}


def tags(**pairs: str) -> list[dict[str, str]]:
    return [{"TagKey": k, "TagValue": v} for k, v in pairs.items()]


# -- what the cases need first ---------------------------------------------------------------


def key_123(world: World) -> None:
    world.key(Description="test key 123", KeyUsage="ENCRYPT_DECRYPT")


def key_in_secondary_region(world: World) -> None:
    world.key(region="<secondary-region>", Description="test key 123")


def unknown_key(world: World) -> None:
    world.key(Description="test key 123")  # as the recording did, for a real account
    world.names["<key-arn>"] = world.sub(ARN).replace(
        world.names["<key-id:1>"], "134f2428-cec1-4b25-a1ae-9048164dba47")
    world.names["<mrk-key-arn>"] = world.sub(ARN).replace(
        world.names["<key-id:1>"], "mrk-d3b95762d3b95762d3b95762d3b95762")


def scheduled_for_deletion(world: World) -> None:
    world.key()
    world.kms.schedule_key_deletion(KeyId=world.names["<key-id:1>"])


def deletion_cancelled(world: World) -> None:
    scheduled_for_deletion(world)
    world.kms.cancel_key_deletion(KeyId=world.names["<key-id:1>"])


def disabled(world: World) -> None:
    world.key()
    world.kms.disable_key(KeyId=world.names["<key-id:1>"])


def enabled_again(world: World) -> None:
    disabled(world)
    world.kms.enable_key(KeyId=world.names["<key-id:1>"])


def described_old(world: World) -> None:
    world.key(Description="old_description")


def described_new(world: World) -> None:
    described_old(world)
    world.kms.update_key_description(KeyId=world.names["<key-id:1>"],
                                     Description="new_description")


def tagged(world: World) -> None:
    world.key(Description="test key 123", KeyUsage="ENCRYPT_DECRYPT")
    world.kms.tag_resource(KeyId=world.names["<key-id:1>"], Tags=tags(tag1="value1",
                                                                      tag2="value2"))


def tagged_then_untagged(world: World) -> None:
    tagged(world)
    world.kms.untag_resource(KeyId=world.names["<key-id:1>"], TagKeys=["tag1", "tag2"])


def created_with_tags(world: World) -> None:
    world.key(Description="test key 123", KeyUsage="ENCRYPT_DECRYPT",
              Tags=tags(tag1="value1", tag2="value2"))


def created_with_tags_untagged(world: World) -> None:
    created_with_tags(world)
    world.kms.untag_resource(KeyId=world.names["<key-id:1>"], TagKeys=["tag1", "tag2"])


def three_tags(world: World) -> None:
    world.key(Description="test key 123", KeyUsage="ENCRYPT_DECRYPT",
              Tags=tags(tag1="value1", tag2="value2", tag3="value3"))


def three_tags_one_removed(world: World) -> None:
    three_tags(world)
    world.kms.untag_resource(KeyId=world.names["<key-id:1>"], TagKeys=["tag2"])


def three_tags_updated(world: World) -> None:
    three_tags(world)
    world.kms.tag_resource(KeyId=world.names["<key-id:1>"],
                           Tags=tags(tag4="value4", tag2="updated_value2", tag5="value5"))


def aliased(world: World) -> None:
    world.key(Description="test - description")
    world.kms.create_alias(AliasName="alias/recorded", TargetKeyId=world.names["<key-id:1>"])
    world.names["<alias-arn>"] = world.sub("arn:<partition>:kms:<region>:111111111111:"
                                           "alias/recorded")


def two_keys_one_aliased(world: World) -> None:
    aliased(world)
    world.key("<key-id:2>")


def alias_deleted(world: World) -> None:
    aliased(world)
    world.kms.delete_alias(AliasName="alias/recorded")


def alias_moved(world: World) -> None:
    two_keys_one_aliased(world)
    world.kms.update_alias(AliasName="alias/recorded", TargetKeyId=world.names["<key-id:2>"])


def policy(action: str) -> dict[str, Any]:
    """The recording's key policy: the default statement and one that allows ``action``."""
    root = "arn:aws:iam::111111111111:root"
    statement = {"Effect": "Allow", "Principal": {"AWS": root}, "Resource": "*"}
    return {
        "Version": "2012-10-17",
        "Id": "key-default-1",
        "Statement": [
            {"Sid": "This is the default key policy", **statement, "Action": "kms:*"},
            {"Sid": "This is some additional stuff to look special", **statement,
             "Action": action},
        ],
    }


POLICY_ONE = policy("kms:ListAliases")
POLICY_TWO = policy("kms:ListGrants")


def with_policy_one(world: World) -> None:
    world.key(Policy=json.dumps(world.sub(POLICY_ONE)))


def with_policy_two(world: World) -> None:
    with_policy_one(world)
    world.kms.put_key_policy(KeyId=world.names["<key-id:1>"], PolicyName="default",
                             Policy=json.dumps(world.sub(POLICY_TWO)))


GRANTEE = "arn:aws:iam::111111111111:user/recorded"


def granted(world: World) -> None:
    world.key()
    grant = world.kms.create_grant(KeyId=world.names["<key-id:1>"],
                                   GranteePrincipal=world.sub(GRANTEE),
                                   Operations=["Decrypt", "Encrypt"])
    world.names["<grant-id>"] = grant["GrantId"]
    world.names["<grant-token>"] = grant["GrantToken"]


def two_keys_same_grant_name(world: World) -> None:
    for name in ("<key-id:1>", "<key-id:2>"):
        world.key(name)
        world.kms.create_grant(KeyId=world.names[name], GranteePrincipal=world.sub(GRANTEE),
                               Name="TestGrantName", Operations=["Decrypt", "DescribeKey"])


def revoked(world: World) -> None:
    granted(world)
    world.kms.revoke_grant(KeyId=world.names["<key-id:1>"], GrantId=world.names["<grant-id>"])


def retired(world: World) -> None:
    granted(world)
    world.kms.retire_grant(GrantToken=world.names["<grant-token>"])


def multi_region_primary(world: World) -> None:
    world.key(MultiRegion=True, Description="test replicated key")


def replicated(world: World) -> None:
    multi_region_primary(world)
    world.kms.replicate_key(KeyId=world.names["<key-id:1>"], ReplicaRegion="ap-southeast-1")


def replicated_and_ready(world: World) -> None:
    replicated(world)
    world.later()


def replica_of_primary(world: World) -> None:
    world.key(MultiRegion=True, Description="test primary key")
    world.kms.replicate_key(KeyId=world.names["<key-id:1>"], ReplicaRegion="ap-southeast-1")
    world.later()
    world.names["<mrk-key-arn>"] = world.sub(REPLICA_ARN)


def used_ids(world: World) -> None:
    world.key()


MULTI_REGION_PRIMARY = {
    **SYMMETRIC,
    "Description": "test replicated key",
    "MultiRegion": True,
    "MultiRegionConfiguration": {
        "MultiRegionKeyType": "PRIMARY",
        "PrimaryKey": {"Arn": ARN, "Region": "<region>"},
        "ReplicaKeys": [{"Arn": REPLICA_ARN, "Region": "ap-southeast-1"}],
    },
}
REPLICA = {
    **MULTI_REGION_PRIMARY,
    "Arn": REPLICA_ARN,
    "Description": "",
    "MultiRegionConfiguration": {
        **MULTI_REGION_PRIMARY["MultiRegionConfiguration"], "MultiRegionKeyType": "REPLICA"},
}
DEFAULT_POLICY = {
    "Version": "2012-10-17",
    "Id": "key-default-1",
    "Statement": [{
        "Sid": "Enable IAM User Permissions",
        "Effect": "Allow",
        "Principal": {"AWS": "arn:<partition>:iam::111111111111:root"},
        "Action": "kms:*",
        "Resource": "*",
    }],
}


CASES = [
    # -- CreateKey, DescribeKey, ListKeys -------------------------------------------------
    Case("TestKMS::test_create_key", "describe-key", "DescribeKey", {"KeyId": "<key-id:1>"},
         key_123, answer={"KeyMetadata": SYMMETRIC}),
    Case("TestKMS::test_create_key", "asserted: ListKeys lists the new key", "ListKeys", {},
         key_123, answer={"Keys": [{"KeyArn": ARN, "KeyId": "<key-id:1>"}]}, partial=True),
    Case("TestKMS::test_list_keys", "asserted: each entry has KeyId and KeyArn", "ListKeys", {},
         used_ids, answer={"Keys": [{"KeyArn": ARN, "KeyId": "<key-id:1>"}]}, partial=True),
    Case("TestKMS::test_create_multi_region_key", "create_multi_region_key", "CreateKey",
         {"MultiRegion": True, "Description": "test multi region key"},
         answer={"KeyMetadata": {
             **SYMMETRIC, "Description": "test multi region key", "MultiRegion": True,
             "MultiRegionConfiguration": {"MultiRegionKeyType": "PRIMARY",
                                          "PrimaryKey": {"Arn": ARN, "Region": "<region>"},
                                          "ReplicaKeys": []}}}),
    Case("TestKMS::test_non_multi_region_keys_should_not_have_multi_region_properties",
         "non_multi_region_keys_should_not_have_multi_region_properties", "CreateKey",
         {"MultiRegion": False, "Description": "test non multi region key"},
         answer={"KeyMetadata": {**SYMMETRIC, "Description": "test non multi region key"}}),
    Case("TestKMS::test_describe_and_list_sign_key", "asserted: DescribeKey of the new key",
         "CreateKey", {"KeyUsage": "SIGN_VERIFY", "CustomerMasterKeySpec": "ECC_NIST_P256"},
         answer={"KeyMetadata": {"KeyId": "<key-id:1>", "KeySpec": "ECC_NIST_P256"}},
         partial=True),
    Case("TestKMS::test_get_key_in_different_region", "describe-key-diff-region-with-id",
         "DescribeKey", {"KeyId": "<key-id:1>"}, key_in_secondary_region,
         error=("NotFoundException", f"Key '{ARN}' does not exist")),
    Case("TestKMS::test_get_key_in_different_region", "describe-key-diff-region-with-arn",
         "DescribeKey", {"KeyId": SECONDARY_ARN}, key_in_secondary_region,
         error=("NotFoundException", "Invalid arn <secondary-region>")),
    Case("TestKMS::test_get_key_in_different_region", "describe-key-same-specific-region-with-id",
         "DescribeKey", {"KeyId": "<key-id:1>"}, key_in_secondary_region,
         region="<secondary-region>", answer={"KeyMetadata": {**SYMMETRIC, "Arn": SECONDARY_ARN}}),
    Case("TestKMS::test_get_key_in_different_region",
         "describe-key-same-specific-region-with-arn", "DescribeKey", {"KeyId": SECONDARY_ARN},
         key_in_secondary_region, region="<secondary-region>",
         answer={"KeyMetadata": {**SYMMETRIC, "Arn": SECONDARY_ARN}}),
    Case("TestKMS::test_get_key_does_not_exist", "describe-nonexistent-key-with-id",
         "DescribeKey", {"KeyId": "134f2428-cec1-4b25-a1ae-9048164dba47"}, unknown_key,
         error=("NotFoundException", "Key '<key-arn>' does not exist")),
    Case("TestKMS::test_get_key_does_not_exist", "describe-nonexistent-with-arn",
         "DescribeKey", {"KeyId": "<key-arn>"}, unknown_key,
         error=("NotFoundException", "Key '<key-arn>' does not exist")),
    Case("TestKMS::test_get_key_does_not_exist", "describe-key-with-valid-id-mrk",
         "DescribeKey", {"KeyId": "mrk-d3b95762d3b95762d3b95762d3b95762"}, unknown_key,
         error=("NotFoundException", "Key '<mrk-key-arn>' does not exist")),
    Case("TestKMS::test_get_key_invalid_uuid", "describe-key-with-invalid-uuid",
         "DescribeKey", {"KeyId": "fake-key-id"},
         error=("NotFoundException", "Invalid keyId 'fake-key-id'")),
    Case("TestKMS::test_get_key_invalid_uuid", "describe-key-with-invalid-uuid-2",
         "DescribeKey", {"KeyId": "134f2428cec14b25a1ae9048164dba47"},
         error=("NotFoundException", "Invalid keyId '134f2428cec14b25a1ae9048164dba47'")),
    Case("TestKMS::test_get_key_invalid_uuid", "describe-key-with-invalid-uuid-mrk",
         "DescribeKey", {"KeyId": "mrk-fake-key-id"},
         error=("NotFoundException", "Invalid keyId 'mrk-fake-key-id'")),
    Case("TestKMS::test_describe_with_alias_arn", "describe-key", "DescribeKey",
         {"KeyId": "<alias-arn>"}, aliased,
         answer={"KeyMetadata": {**SYMMETRIC, "Description": "test - description"}}),
    # -- key state ----------------------------------------------------------------------------
    Case("TestKMS::test_schedule_and_cancel_key_deletion", "asserted: PendingDeletion",
         "DescribeKey", {"KeyId": "<key-id:1>"}, scheduled_for_deletion,
         answer={"KeyMetadata": {"Enabled": False, "KeyState": "PendingDeletion",
                                 "DeletionDate": DATETIME}}, partial=True),
    Case("TestKMS::test_schedule_and_cancel_key_deletion", "asserted: cancelled is Disabled",
         "DescribeKey", {"KeyId": "<key-id:1>"}, deletion_cancelled,
         answer={"KeyMetadata": {"Enabled": False, "KeyState": "Disabled",
                                 "DeletionDate": ABSENT}}, partial=True),
    Case("TestKMS::test_schedule_and_cancel_key_deletion", "asserted: cancel succeeds",
         "CancelKeyDeletion", {"KeyId": "<key-id:1>"}, scheduled_for_deletion,
         answer={}, partial=True),
    Case("TestKMS::test_cant_delete_deleted_key", "asserted: KMSInvalidStateException",
         "ScheduleKeyDeletion", {"KeyId": "<key-id:1>"}, scheduled_for_deletion,
         error=("KMSInvalidStateException", UNRECORDED)),
    Case("TestKMS::test_disable_and_enable_key", "asserted: a new key is Enabled",
         "DescribeKey", {"KeyId": "<key-id:1>"}, used_ids,
         answer={"KeyMetadata": {"Enabled": True, "KeyState": "Enabled"}}, partial=True),
    Case("TestKMS::test_disable_and_enable_key", "asserted: DisableKey succeeds", "DisableKey",
         {"KeyId": "<key-id:1>"}, used_ids, answer={}),
    Case("TestKMS::test_disable_and_enable_key", "asserted: disabled", "DescribeKey",
         {"KeyId": "<key-id:1>"}, disabled,
         answer={"KeyMetadata": {"Enabled": False, "KeyState": "Disabled"}}, partial=True),
    Case("TestKMS::test_disable_and_enable_key", "asserted: EnableKey succeeds", "EnableKey",
         {"KeyId": "<key-id:1>"}, disabled, answer={}),
    Case("TestKMS::test_disable_and_enable_key", "asserted: enabled again", "DescribeKey",
         {"KeyId": "<key-id:1>"}, enabled_again,
         answer={"KeyMetadata": {"Enabled": True, "KeyState": "Enabled"}}, partial=True),
    Case("TestKMS::test_update_key_description", "asserted: UpdateKeyDescription succeeds",
         "UpdateKeyDescription", {"KeyId": "<key-id:1>", "Description": "new_description"},
         described_old, answer={}),
    Case("TestKMS::test_update_key_description", "asserted: the new description",
         "DescribeKey", {"KeyId": "<key-id:1>"}, described_new,
         answer={"KeyMetadata": {"Description": "new_description"}}, partial=True),
    # -- tags ----------------------------------------------------------------------------------
    Case("TestKMS::test_tag_existing_key_and_untag", "list-resource-tags", "ListResourceTags",
         {"KeyId": "<key-id:1>"}, tagged,
         answer={"Tags": tags(tag1="value1", tag2="value2")}, partial=True),
    Case("TestKMS::test_tag_existing_key_and_untag", "list-resource-tags-after-all-untagged",
         "ListResourceTags", {"KeyId": "<key-id:1>"}, tagged_then_untagged,
         answer={"Tags": []}, partial=True),
    Case("TestKMS::test_tag_existing_key_and_untag", "asserted: TagResource succeeds",
         "TagResource", {"KeyId": "<key-id:1>", "Tags": tags(tag1="value1")}, used_ids,
         answer={}),
    Case("TestKMS::test_tag_existing_key_and_untag", "asserted: UntagResource succeeds",
         "UntagResource", {"KeyId": "<key-id:1>", "TagKeys": ["tag1", "tag2"]}, tagged,
         answer={}),
    Case("TestKMS::test_create_key_with_tag_and_untag", "list-resource-tags",
         "ListResourceTags", {"KeyId": "<key-id:1>"}, created_with_tags,
         answer={"Tags": tags(tag1="value1", tag2="value2")}, partial=True),
    Case("TestKMS::test_create_key_with_tag_and_untag", "list-resource-tags-after-all-untagged",
         "ListResourceTags", {"KeyId": "<key-id:1>"}, created_with_tags_untagged,
         answer={"Tags": []}, partial=True),
    Case("TestKMS::test_untag_key_partially", "list-resource-tags", "ListResourceTags",
         {"KeyId": "<key-id:1>"}, three_tags,
         answer={"Tags": tags(tag1="value1", tag2="value2", tag3="value3")}, partial=True),
    Case("TestKMS::test_untag_key_partially", "list-resource-tags-after-partially-untagged",
         "ListResourceTags", {"KeyId": "<key-id:1>"}, three_tags_one_removed,
         answer={"Tags": tags(tag1="value1", tag3="value3")}, partial=True),
    Case("TestKMS::test_update_and_add_tags_on_tagged_key", "list-resource-tags-after-tags-updated",
         "ListResourceTags", {"KeyId": "<key-id:1>"}, three_tags_updated,
         answer={"Tags": tags(tag1="value1", tag2="updated_value2", tag3="value3",
                              tag4="value4", tag5="value5")}, partial=True),
    Case("TestKMS::test_tag_key_with_duplicate_tag_keys_raises_error", "duplicate-tag-keys",
         "TagResource", {"KeyId": "<key-id:1>", "Tags": [
             {"TagKey": "tag1", "TagValue": "value1"},
             {"TagKey": "tag1", "TagValue": "another-value1"}]}, key_123,
         error=("TagException", "Duplicate tag keys")),
    Case("TestKMS::test_create_key_with_too_many_tags_raises_error", "invalid-tag-key",
         "CreateKey", {"Description": "test key 123", "KeyUsage": "ENCRYPT_DECRYPT",
                       "Tags": tags(**{f"key{i}": f"value{i}" for i in range(51)})},
         error=("TagException", "Too many tags")),
    Case("TestKMS::test_tag_existing_key_with_invalid_tag_key", "invalid-tag-key",
         "TagResource", {"KeyId": "<key-id:1>", "Tags": tags(**{"aws:key1": "value1"})},
         key_123, error=("TagException", "Tags beginning with aws: are reserved")),
    Case("TestKMS::test_create_key_with_invalid_tag_key[lowercase_prefix]", "invalid-tag-key",
         "CreateKey", {"Description": "test key 123", "KeyUsage": "ENCRYPT_DECRYPT",
                       "Tags": tags(**{"aws:key1": "value1"})},
         error=("TagException", "Tags beginning with aws: are reserved")),
    Case("TestKMS::test_create_key_with_invalid_tag_key[uppercase_prefix]", "invalid-tag-key",
         "CreateKey", {"Description": "test key 123", "KeyUsage": "ENCRYPT_DECRYPT",
                       "Tags": tags(**{"AWS:key1": "value1"})},
         error=("TagException", "Tags beginning with aws: are reserved")),
    Case("TestKMS::test_create_key_with_invalid_tag_key[too_long_key]", "invalid-tag-key",
         "CreateKey", {"Description": "test key 123", "KeyUsage": "ENCRYPT_DECRYPT",
                       "Tags": tags(**{"a" * 129: "value1"})},
         error=("ValidationException", f"1 validation error detected: Value '{'a' * 129}' at "
                "'tags.1.member.tagKey' failed to satisfy constraint: Member must have length "
                "less than or equal to 128")),
    Case("TestKMS::test_key_with_long_tag_value_raises_error", "too-long-tag-value",
         "CreateKey", {"Description": "test key 123", "KeyUsage": "ENCRYPT_DECRYPT",
                       "Tags": tags(tag1="v" * 257)},
         error=("ValidationException", f"1 validation error detected: Value '{'v' * 257}' at "
                "'tags.1.member.tagValue' failed to satisfy constraint: Member must have length "
                "less than or equal to 256")),
    # -- aliases -------------------------------------------------------------------------------
    Case("TestKMS::test_create_alias", "create_alias", "CreateAlias",
         {"AliasName": "f3c1a2b9", "TargetKeyId": "<key-id:1>"}, used_ids,
         error=("ValidationException", 'Alias must start with the prefix "alias/". Please see '
                "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html")),
    Case("TestKMS::test_create_list_delete_alias", "asserted: CreateAlias succeeds",
         "CreateAlias", {"AliasName": "alias/recorded", "TargetKeyId": "<key-id:1>"}, used_ids,
         answer={}),
    Case("TestKMS::test_create_list_delete_alias", "asserted: the alias is listed",
         "ListAliases", {}, aliased,
         answer={"Aliases": [{"AliasName": "alias/recorded", "TargetKeyId": "<key-id:1>"}]},
         partial=True),
    Case("TestKMS::test_create_list_delete_alias", "asserted: DeleteAlias succeeds",
         "DeleteAlias", {"AliasName": "alias/recorded"}, aliased, answer={}),
    Case("TestKMS::test_create_list_delete_alias", "asserted: the alias is gone",
         "ListAliases", {"KeyId": "<key-id:1>"}, alias_deleted, answer={"Aliases": []},
         partial=True),
    Case("TestKMS::test_update_alias", "asserted: UpdateAlias succeeds", "UpdateAlias",
         {"AliasName": "alias/recorded", "TargetKeyId": "<key-id:2>"}, two_keys_one_aliased,
         answer={}),
    Case("TestKMS::test_update_alias", "asserted: the alias names the new key", "ListAliases",
         {"KeyId": "<key-id:2>"}, alias_moved,
         answer={"Aliases": [{"AliasName": "alias/recorded", "TargetKeyId": "<key-id:2>"}]},
         partial=True),
    Case("TestKMS::test_list_aliases_of_key", "asserted: listed for its key", "ListAliases",
         {"KeyId": "<key-id:1>"}, two_keys_one_aliased,
         answer={"Aliases": [{"AliasName": "alias/recorded", "TargetKeyId": "<key-id:1>"}]},
         partial=True),
    Case("TestKMS::test_list_aliases_of_key", "asserted: not listed for another key",
         "ListAliases", {"KeyId": "<key-id:2>"}, two_keys_one_aliased, answer={"Aliases": []},
         partial=True),
    *(Case("TestKMS::test_all_types_of_key_id_can_be_used_for_encryption",
           f"asserted: Encrypt with the {kind}", "Encrypt",
           {"KeyId": key_id, "Plaintext": b"encrypt-me"}, aliased,
           answer={"CiphertextBlob": BLOB}, partial=True)
      for kind, key_id in [("key ARN", ARN), ("key ID", "<key-id:1>"),
                           ("alias ARN", "<alias-arn>"), ("alias name", "alias/recorded")]),
    # -- key policies --------------------------------------------------------------------------
    Case("TestKMS::test_get_put_list_key_policies", "asserted: only the default policy",
         "ListKeyPolicies", {"KeyId": "<key-id:1>"}, with_policy_one,
         answer={"PolicyNames": ["default"], "Truncated": False}, partial=True),
    Case("TestKMS::test_get_put_list_key_policies", "asserted: the policy given at creation",
         "GetKeyPolicy", {"KeyId": "<key-id:1>", "PolicyName": "default"}, with_policy_one,
         answer={"Policy": JsonDocument(POLICY_ONE)}, partial=True),
    Case("TestKMS::test_get_put_list_key_policies", "asserted: PutKeyPolicy succeeds",
         "PutKeyPolicy", {"KeyId": "<key-id:1>", "PolicyName": "default",
                          "Policy": json.dumps(POLICY_TWO)}, with_policy_one, answer={}),
    Case("TestKMS::test_get_put_list_key_policies", "asserted: the policy put",
         "GetKeyPolicy", {"KeyId": "<key-id:1>", "PolicyName": "default"}, with_policy_two,
         answer={"Policy": JsonDocument(POLICY_TWO)}, partial=True),
    # -- grants --------------------------------------------------------------------------------
    Case("TestKMS::test_create_grant_with_invalid_key", "asserted: NotFoundException",
         "CreateGrant", {"KeyId": "invalid", "GranteePrincipal": GRANTEE,
                         "Operations": ["Decrypt", "Encrypt"]},
         error=("NotFoundException", UNRECORDED)),
    Case("TestKMS::test_list_grants_with_invalid_key", "asserted: NotFoundException",
         "ListGrants", {"KeyId": "invalid"}, error=("NotFoundException", UNRECORDED)),
    Case("TestKMS::test_create_grant_with_valid_key", "asserted: GrantId and GrantToken",
         "CreateGrant", {"KeyId": "<key-id:1>", "GranteePrincipal": GRANTEE,
                         "Operations": ["Decrypt", "Encrypt"]}, used_ids,
         answer={"GrantId": TEXT, "GrantToken": TEXT}, partial=True),
    Case("TestKMS::test_create_grant_with_valid_key", "asserted: one more grant",
         "ListGrants", {"KeyId": "<key-id:1>"}, granted,
         answer={"Grants": length(1)}, partial=True),
    *(Case("TestKMS::test_create_grant_with_same_name_two_keys",
           f"asserted: one grant on key {n}", "ListGrants", {"KeyId": f"<key-id:{n}>"},
           two_keys_same_grant_name, answer={"Grants": length(1)}, partial=True)
      for n in (1, 2)),
    Case("TestKMS::test_revoke_grant", "asserted: RevokeGrant succeeds", "RevokeGrant",
         {"KeyId": "<key-id:1>", "GrantId": "<grant-id>"}, granted, answer={}),
    Case("TestKMS::test_revoke_grant", "asserted: one grant fewer", "ListGrants",
         {"KeyId": "<key-id:1>"}, revoked, answer={"Grants": []}, partial=True),
    Case("TestKMS::test_retire_grant_with_grant_token", "asserted: RetireGrant succeeds",
         "RetireGrant", {"GrantToken": "<grant-token>"}, granted, answer={}),
    Case("TestKMS::test_retire_grant_with_grant_token", "asserted: one grant fewer",
         "ListGrants", {"KeyId": "<key-id:1>"}, retired, answer={"Grants": []}, partial=True),
    # -- multi-Region keys ---------------------------------------------------------------------
    Case("TestKMS::test_replicate_key", "describe-key-from-different-region", "DescribeKey",
         {"KeyId": "<key-id:1>"}, multi_region_primary, region="ap-southeast-1",
         error=("NotFoundException", f"Key '{REPLICA_ARN}' does not exist")),
    Case("TestKMS::test_replicate_key", "replicate-key", "ReplicateKey",
         {"KeyId": "<key-id:1>", "ReplicaRegion": "ap-southeast-1"}, multi_region_primary,
         answer={"ReplicaKeyMetadata": {**REPLICA, "Enabled": False, "KeyState": "Creating",
                                        "CurrentKeyMaterialId": ABSENT},
                 "ReplicaPolicy": JsonDocument(DEFAULT_POLICY)}),
    Case("TestKMS::test_replicate_key", "describe-key-from-region", "DescribeKey",
         {"KeyId": "<key-id:1>"}, replicated, answer={"KeyMetadata": MULTI_REGION_PRIMARY}),
    Case("TestKMS::test_replicate_key", "describe-replicated-key", "DescribeKey",
         {"KeyId": "<key-id:1>"}, replicated_and_ready, region="ap-southeast-1",
         answer={"KeyMetadata": REPLICA}),
    Case("TestKMS::test_replicate_replica_key_should_fail", "fail-replicate-non-primary-key",
         "ReplicateKey", {"KeyId": "<key-id:1>", "ReplicaRegion": "ap-southeast-1"},
         replica_of_primary, region="ap-southeast-1",
         error=("UnsupportedOperationException",
                "<mrk-key-arn> is not a multi-region primary key.")),
]


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_recorded(case: Case, world: World) -> None:
    check(case, world)
