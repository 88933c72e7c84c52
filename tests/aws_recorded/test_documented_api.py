"""The KMS API Reference's examples (botocore's ``examples-1.json``) as checks.

Each case's source is one example of the API Reference (``documented.py`` names it;
the custom key store examples are in ``test_documented_key_stores.py``). The keys,
grants and aliases are ours, made as the example describes; what the example shows
is checked: the answer's members, fixed values (specs, states, algorithms,
``Description: ""``), empty answers, and identifying values by their form.

The examples are edited for print: ``<binary data>`` and ``<HMAC_TAG>`` stand for
blobs, dates are rendered as text (ISO dates without fractions are no fact of
precision; epoch seconds such as ``1571767572.317`` are), and a ListGrants answer
is cut short. Many examples predate members AWS added since (``KeySpec``,
``CurrentKeyMaterialId``, ``EncryptionAlgorithm``, ``KeyMaterialId``, ...): the fake
follows the newer model and API Reference, so each such member is named in the case
as :data:`ADDED_SINCE` and left unchecked, while every other member is checked
exactly. Where a newer recording of real AWS (``sources.py``) shows otherwise than
an example, the recording decides (:data:`RECORDED_SINCE`).
"""

from __future__ import annotations

import datetime
import os
import re
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .recording import (
    ARN,
    BLOB,
    DATETIME,
    SYMMETRIC_KEY,
    UNSHOWN,
    Case,
    Shape,
    World,
    case_ids,
    check,
    length,
)

ADDED_SINCE = UNSHOWN
"""A member the model and the API Reference added after the example was printed."""
RECORDED_SINCE = UNSHOWN
"""A member a newer recording of real AWS shows otherwise (docs/aws-behaviour.md §11.7)."""
UUID = Shape("key ID (a UUID)", lambda v: isinstance(v, str) and re.fullmatch(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", v) is not None)
MRK_ID = Shape("multi-Region key ID (mrk- and 32 hex digits)",
               lambda v: isinstance(v, str) and re.fullmatch(r"mrk-[0-9a-f]{32}", v) is not None)
MILLISECONDS = Shape(
    "date to the millisecond (the examples' 1571767572.317)",
    lambda v: isinstance(v, datetime.datetime) and v.microsecond % 1000 == 0)
GRANT_ID = Shape("grant ID (64 hex digits)",
                 lambda v: isinstance(v, str) and re.fullmatch(r"[0-9a-f]{64}", v) is not None)
TOKEN = Shape("grant token", lambda v: isinstance(v, str) and len(v) > 0)

KEY = {"KeyId": "<key-id:1>"}
KEY_ARN = ARN
KEY_2_ARN = ARN.replace("<key-id:1>", "<key-id:2>")
ROOT = "arn:<partition>:iam::111111111111:root"
ROLE = "arn:<partition>:iam::111111111111:role/ExampleRole"
ACM = "acm.<region>.amazonaws.com"
MESSAGE = b"Hello World"
ACM_OPERATIONS = ["Encrypt", "ReEncryptFrom", "ReEncryptTo"]

DEFAULT_POLICY = (  # api/GetKeyPolicy#example: the text AWS answers, byte for byte
    '{\n  "Version" : "2012-10-17",\n  "Id" : "key-default-1",\n  "Statement" : [ {\n'
    '    "Sid" : "Enable IAM User Permissions",\n    "Effect" : "Allow",\n'
    '    "Principal" : {\n      "AWS" : "arn:<partition>:iam::111111111111:root"\n    },\n'
    '    "Action" : "kms:*",\n    "Resource" : "*"\n  } ]\n}')
POLICY_HEAD = '{\n  "Version" : "2012-10-17",\n  "Id" : "key-default-1",'
"""What api/ReplicateKey#example prints of the replica's policy before ``...}``."""
EXAMPLE_POLICY = """{
    "Version": "2012-10-17",
    "Id": "custom-policy-2016-12-07",
    "Statement": [
        {
            "Sid": "Enable IAM User Permissions",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": "kms:*",
            "Resource": "*"
        }
    ]
}
"""


def metadata(**members: Any) -> dict[str, Any]:
    """A symmetric encryption key's ``KeyMetadata`` as the CreateKey and DescribeKey
    examples print it, with ``members`` changed."""
    return {
        **SYMMETRIC_KEY,
        "Arn": KEY_ARN,
        "CreationDate": DATETIME,
        "CurrentKeyMaterialId": ADDED_SINCE,
        "Description": "",
        "KeyId": UUID,
        "Origin": "AWS_KMS",
        **members,
    }


def asymmetric(spec: str, usage: str, **members: Any) -> dict[str, Any]:
    """An asymmetric or HMAC key's ``KeyMetadata``: no ``EncryptionAlgorithms`` unless given."""
    base = {k: v for k, v in metadata().items()
            if k not in ("EncryptionAlgorithms", "CurrentKeyMaterialId")}
    return {**base, "CustomerMasterKeySpec": spec, "KeySpec": spec, "KeyUsage": usage,
            **members}


RSA_SIGNING = ["RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384",
               "RSASSA_PKCS1_V1_5_SHA_512", "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384",
               "RSASSA_PSS_SHA_512"]
RSA_ENCRYPTION = ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]
REPLICA_REGIONS = ["eu-west-1", "ap-northeast-1", "sa-east-1"]


def _arn_in(region: str, key: str = "<key-id:1>") -> str:
    return ARN.replace("<region>", region).replace("<key-id:1>", key)


# -- what the cases need first ---------------------------------------------------------------


def key(world: World) -> None:
    world.key()


def two_keys(world: World) -> None:
    world.key()
    world.key("<key-id:2>")


def rsa_signing_disabled(world: World) -> None:
    world.key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
    world.kms.disable_key(KeyId=world.names["<key-id:1>"])


def multi_region_with_replicas(world: World) -> None:
    world.key(MultiRegion=True)
    for region in REPLICA_REGIONS:
        world.kms.replicate_key(KeyId=world.names["<key-id:1>"], ReplicaRegion=region)
    world.later()


def multi_region(world: World) -> None:
    world.key(MultiRegion=True)


def hmac_256(world: World) -> None:
    world.key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC",
              Description="Development test key")


def hmac_384(world: World) -> None:
    world.key(KeySpec="HMAC_384", KeyUsage="GENERATE_VERIFY_MAC")


def hmac_tag(world: World) -> None:
    hmac_384(world)
    world.blobs["mac"] = world.kms.generate_mac(
        KeyId=world.names["<key-id:1>"], MacAlgorithm="HMAC_SHA_384", Message=MESSAGE)["Mac"]


def encrypted(world: World) -> None:
    world.key()
    world.blobs["ciphertext"] = world.kms.encrypt(
        KeyId=world.names["<key-id:1>"], Plaintext=MESSAGE)["CiphertextBlob"]


def encrypted_and_second_key(world: World) -> None:
    encrypted(world)
    world.key("<key-id:2>")


def aliased(world: World) -> None:
    world.key()
    world.kms.create_alias(AliasName="alias/ExampleAlias", TargetKeyId=world.names["<key-id:1>"])


def aliased_and_second_key(world: World) -> None:
    aliased(world)
    world.key("<key-id:2>")


def ecc_signing_key(world: World) -> None:
    world.key(KeySpec="ECC_NIST_P384", KeyUsage="SIGN_VERIFY")
    world.kms.create_alias(AliasName="alias/ECC_signing_key",
                           TargetKeyId=world.names["<key-id:1>"])


def signed(world: World) -> None:
    ecc_signing_key(world)
    world.blobs["signature"] = world.kms.sign(
        KeyId="alias/ECC_signing_key", Message=MESSAGE, MessageType="RAW",
        SigningAlgorithm="ECDSA_SHA_384")["Signature"]


def rsa_4096_encryption(world: World) -> None:
    world.key(KeySpec="RSA_4096", KeyUsage="ENCRYPT_DECRYPT")


def rotating(world: World) -> None:
    world.key()
    world.kms.enable_key_rotation(KeyId=world.names["<key-id:1>"])


def scheduled(world: World) -> None:
    world.key()
    world.kms.schedule_key_deletion(KeyId=world.names["<key-id:1>"], PendingWindowInDays=7)


def external(world: World) -> None:
    world.key(Origin="EXTERNAL")


def external_with_material(world: World) -> None:
    external(world)
    token, wrapped = _wrapped(world)
    world.kms.import_key_material(KeyId=world.names["<key-id:1>"], ImportToken=token,
                                  EncryptedKeyMaterial=wrapped,
                                  ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")


def import_parameters(world: World) -> None:
    external(world)
    world.blobs["token"], world.blobs["wrapped"] = _wrapped(world)


def _wrapped(world: World) -> tuple[bytes, bytes]:
    """GetParametersForImport as the example asks, and 256 bits wrapped for it."""
    answer = world.kms.get_parameters_for_import(
        KeyId=world.names["<key-id:1>"], WrappingAlgorithm="RSAES_OAEP_SHA_1",
        WrappingKeySpec="RSA_2048")
    public = serialization.load_der_public_key(answer["PublicKey"])
    assert isinstance(public, rsa.RSAPublicKey)
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None)
    return answer["ImportToken"], public.encrypt(os.urandom(32), oaep)


def tagged(world: World) -> None:
    world.key()
    world.kms.tag_resource(KeyId=world.names["<key-id:1>"], Tags=[
        {"TagKey": k, "TagValue": v}
        for k, v in (("CostCenter", "87654"), ("CreatedBy", "ExampleUser"), ("Purpose", "Test"))])


def seven_keys(world: World) -> None:
    world.keys_as_listed(7)


def three_aliases(world: World) -> None:
    for n in range(1, 4):
        world.key(f"<key-id:{n}>")
        world.kms.create_alias(AliasName=f"alias/example{n}",
                               TargetKeyId=world.names[f"<key-id:{n}>"])


def acm_grants(world: World) -> None:
    """Grants as ACM makes them, one more than the example lists, so the page is cut."""
    world.key()
    for operations in (ACM_OPERATIONS, ["ReEncryptFrom", "ReEncryptTo"], ACM_OPERATIONS,
                       ACM_OPERATIONS, ["Decrypt"]):
        world.kms.create_grant(KeyId=world.names["<key-id:1>"], GranteePrincipal=world.sub(ACM),
                               RetiringPrincipal=world.sub(ACM), Operations=operations)


def role_grant(world: World) -> None:
    world.key()
    grant = world.kms.create_grant(
        KeyId=world.names["<key-id:1>"], GranteePrincipal=world.sub(ROLE),
        RetiringPrincipal=world.sub(ROLE), Operations=["Decrypt", "Encrypt"])
    world.names["<grant-id>"] = grant["GrantId"]


def _grant(operations: list[str], principal: str = ACM) -> dict[str, Any]:
    return {"CreationDate": DATETIME, "GrantId": GRANT_ID, "GranteePrincipal": principal,
            "IssuingAccount": ROOT, "KeyId": KEY_ARN, "Operations": operations,
            "RetiringPrincipal": principal}


REPLICA = metadata(
    Arn=_arn_in("<secondary-region>"), CreationDate=MILLISECONDS, KeyId=MRK_ID, KeySpec=ADDED_SINCE,
    MultiRegion=True, CurrentKeyMaterialId=ADDED_SINCE,
    # the example shows the replica Enabled; the 2025 recording (§11.7) Creating
    Enabled=RECORDED_SINCE, KeyState=RECORDED_SINCE,
    MultiRegionConfiguration={
        "MultiRegionKeyType": "REPLICA",
        "PrimaryKey": {"Arn": KEY_ARN, "Region": "<region>"},
        "ReplicaKeys": [{"Arn": _arn_in("<secondary-region>"), "Region": "<secondary-region>"}]})

CASES: list[Case] = [
    # -- CreateKey and DescribeKey ---------------------------------------------------------
    Case("api/CreateKey#symmetric", "KeyMetadata", "CreateKey", {},
         answer={"KeyMetadata": metadata()}),
    Case("api/CreateKey#rsa", "KeyMetadata", "CreateKey",
         {"KeySpec": "RSA_4096", "KeyUsage": "ENCRYPT_DECRYPT"},
         answer={"KeyMetadata": asymmetric("RSA_4096", "ENCRYPT_DECRYPT",
                                           EncryptionAlgorithms=RSA_ENCRYPTION)}),
    Case("api/CreateKey#ecc", "KeyMetadata", "CreateKey",
         {"KeySpec": "ECC_NIST_P521", "KeyUsage": "SIGN_VERIFY"},
         answer={"KeyMetadata": asymmetric("ECC_NIST_P521", "SIGN_VERIFY",
                                           SigningAlgorithms=["ECDSA_SHA_512"])}),
    Case("api/CreateKey#multi-region", "KeyMetadata", "CreateKey", {"MultiRegion": True},
         answer={"KeyMetadata": metadata(
             KeyId=MRK_ID, MultiRegion=True, MultiRegionConfiguration={
                 "MultiRegionKeyType": "PRIMARY",
                 "PrimaryKey": {"Arn": KEY_ARN, "Region": "<region>"}, "ReplicaKeys": []})}),
    Case("api/CreateKey#imported", "KeyMetadata", "CreateKey", {"Origin": "EXTERNAL"},
         answer={"KeyMetadata": metadata(Enabled=False, KeyState="PendingImport",
                                         Origin="EXTERNAL")}),
    Case("api/CreateKey#hmac", "KeyMetadata", "CreateKey",
         {"KeySpec": "HMAC_384", "KeyUsage": "GENERATE_VERIFY_MAC"},
         answer={"KeyMetadata": asymmetric("HMAC_384", "GENERATE_VERIFY_MAC",
                                           MacAlgorithms=["HMAC_SHA_384"])}),
    Case("api/DescribeKey#symmetric", "KeyMetadata", "DescribeKey", KEY, key,
         answer={"KeyMetadata": metadata()}),
    Case("api/DescribeKey#rsa", "KeyMetadata (a disabled RSA signing key)", "DescribeKey", KEY,
         rsa_signing_disabled, answer={"KeyMetadata": asymmetric(
             "RSA_2048", "SIGN_VERIFY", CreationDate=MILLISECONDS, Enabled=False,
             KeyState="Disabled", SigningAlgorithms=RSA_SIGNING)}),
    # The example asks by a replica's ARN but prints a primary key's configuration; the
    # case describes the primary, with the example's three replicas in its order.
    Case("api/DescribeKey#multi-region", "KeyMetadata (the primary key)", "DescribeKey", KEY,
         multi_region_with_replicas, answer={"KeyMetadata": metadata(
             CreationDate=MILLISECONDS, KeyId=MRK_ID, KeySpec=ADDED_SINCE, MultiRegion=True,
             MultiRegionConfiguration={
                 "MultiRegionKeyType": "PRIMARY",
                 "PrimaryKey": {"Arn": KEY_ARN, "Region": "<region>"},
                 "ReplicaKeys": [{"Arn": _arn_in(r), "Region": r} for r in REPLICA_REGIONS]})}),
    Case("api/DescribeKey#hmac", "KeyMetadata", "DescribeKey", KEY, hmac_256,
         answer={"KeyMetadata": asymmetric(
             "HMAC_256", "GENERATE_VERIFY_MAC", CreationDate=MILLISECONDS,
             Description="Development test key", KeySpec=ADDED_SINCE,
             MacAlgorithms=["HMAC_SHA_256"])}),
    # -- cryptography ------------------------------------------------------------------------
    Case("api/Encrypt#example", "answer", "Encrypt", {"KeyId": "<key-id:1>", "Plaintext": MESSAGE},
         key, answer={"CiphertextBlob": BLOB, "KeyId": KEY_ARN,
                      "EncryptionAlgorithm": ADDED_SINCE}),
    Case("api/Decrypt#example", "answer", "Decrypt",
         {"CiphertextBlob": "<blob:ciphertext>", "KeyId": KEY_ARN}, encrypted,
         answer={"KeyId": KEY_ARN, "Plaintext": MESSAGE, "EncryptionAlgorithm": ADDED_SINCE,
                 "KeyMaterialId": ADDED_SINCE}),
    Case("api/ReEncrypt#example", "answer", "ReEncrypt",
         {"CiphertextBlob": "<blob:ciphertext>", "DestinationKeyId": "<key-id:2>"},
         encrypted_and_second_key,
         answer={"CiphertextBlob": BLOB, "KeyId": KEY_2_ARN, "SourceKeyId": KEY_ARN,
                 "SourceEncryptionAlgorithm": ADDED_SINCE,
                 "DestinationEncryptionAlgorithm": ADDED_SINCE,
                 "SourceKeyMaterialId": ADDED_SINCE, "DestinationKeyMaterialId": ADDED_SINCE}),
    Case("api/GenerateDataKey#example", "answer", "GenerateDataKey",
         {"KeyId": "alias/ExampleAlias", "KeySpec": "AES_256"}, aliased,
         answer={"CiphertextBlob": BLOB, "KeyId": KEY_ARN, "Plaintext": length(32),
                 "KeyMaterialId": ADDED_SINCE}),
    Case("api/GenerateDataKeyWithoutPlaintext#example", "answer", "GenerateDataKeyWithoutPlaintext",
         {"KeyId": "alias/ExampleAlias", "KeySpec": "AES_256"}, aliased,
         answer={"CiphertextBlob": BLOB, "KeyId": KEY_ARN, "KeyMaterialId": ADDED_SINCE}),
    Case("api/GenerateDataKeyPair#example", "answer", "GenerateDataKeyPair",
         {"KeyId": KEY_ARN, "KeyPairSpec": "RSA_3072"}, key,
         answer={"KeyId": KEY_ARN, "KeyPairSpec": "RSA_3072", "PrivateKeyCiphertextBlob": BLOB,
                 "PrivateKeyPlaintext": BLOB, "PublicKey": BLOB, "KeyMaterialId": ADDED_SINCE}),
    Case("api/GenerateDataKeyPairWithoutPlaintext#example", "answer",
         "GenerateDataKeyPairWithoutPlaintext", {"KeyId": KEY_ARN, "KeyPairSpec": "ECC_NIST_P521"},
         key, answer={"KeyId": KEY_ARN, "KeyPairSpec": "ECC_NIST_P521",
                      "PrivateKeyCiphertextBlob": BLOB, "PublicKey": BLOB,
                      "KeyMaterialId": ADDED_SINCE}),
    Case("api/GenerateRandom#example", "answer", "GenerateRandom", {"NumberOfBytes": 32},
         answer={"Plaintext": length(32)}),
    Case("api/GenerateMac#example", "answer", "GenerateMac",
         {"KeyId": "<key-id:1>", "MacAlgorithm": "HMAC_SHA_384", "Message": MESSAGE}, hmac_384,
         answer={"KeyId": KEY_ARN, "Mac": length(48), "MacAlgorithm": "HMAC_SHA_384"}),
    Case("api/VerifyMac#example", "answer", "VerifyMac",
         {"KeyId": "<key-id:1>", "Mac": "<blob:mac>", "MacAlgorithm": "HMAC_SHA_384",
          "Message": MESSAGE}, hmac_tag,
         answer={"KeyId": KEY_ARN, "MacAlgorithm": "HMAC_SHA_384", "MacValid": True}),
    Case("api/Sign#example", "answer", "Sign",
         {"KeyId": "alias/ECC_signing_key", "Message": MESSAGE, "MessageType": "RAW",
          "SigningAlgorithm": "ECDSA_SHA_384"}, ecc_signing_key,
         answer={"KeyId": KEY_ARN, "Signature": BLOB, "SigningAlgorithm": "ECDSA_SHA_384"}),
    Case("api/Verify#example", "answer", "Verify",
         {"KeyId": "alias/ECC_signing_key", "Message": MESSAGE, "MessageType": "RAW",
          "Signature": "<blob:signature>", "SigningAlgorithm": "ECDSA_SHA_384"}, signed,
         answer={"KeyId": KEY_ARN, "SignatureValid": True, "SigningAlgorithm": "ECDSA_SHA_384"}),
    Case("api/GetPublicKey#example", "answer", "GetPublicKey", {"KeyId": KEY_ARN},
         rsa_4096_encryption,
         answer={"CustomerMasterKeySpec": "RSA_4096", "EncryptionAlgorithms": RSA_ENCRYPTION,
                 "KeyId": KEY_ARN, "KeyUsage": "ENCRYPT_DECRYPT", "PublicKey": BLOB,
                 "KeySpec": ADDED_SINCE}),
    # -- key management ----------------------------------------------------------------------
    Case("api/ScheduleKeyDeletion#example", "answer", "ScheduleKeyDeletion",
         {"KeyId": "<key-id:1>", "PendingWindowInDays": 7}, key,
         answer={"DeletionDate": DATETIME, "KeyId": KEY_ARN, "KeyState": ADDED_SINCE,
                 "PendingWindowInDays": ADDED_SINCE}),
    Case("api/CancelKeyDeletion#example", "answer", "CancelKeyDeletion", KEY, scheduled,
         answer={"KeyId": KEY_ARN}),
    Case("api/GetKeyRotationStatus#example", "answer", "GetKeyRotationStatus", KEY, rotating,
         answer={"KeyRotationEnabled": True, "KeyId": ADDED_SINCE,
                 "RotationPeriodInDays": ADDED_SINCE, "NextRotationDate": ADDED_SINCE}),
    Case("api/GetKeyPolicy#example", "Policy", "GetKeyPolicy",
         {"KeyId": "<key-id:1>", "PolicyName": "default"}, key,
         answer={"Policy": DEFAULT_POLICY, "PolicyName": ADDED_SINCE}),
    Case("api/ListKeyPolicies#example", "answer", "ListKeyPolicies", KEY, key,
         answer={"PolicyNames": ["default"], "Truncated": False}),
    Case("api/ListResourceTags#example", "answer", "ListResourceTags", KEY, tagged,
         answer={"Tags": [{"TagKey": "CostCenter", "TagValue": "87654"},
                          {"TagKey": "CreatedBy", "TagValue": "ExampleUser"},
                          {"TagKey": "Purpose", "TagValue": "Test"}], "Truncated": False}),
    Case("api/ListKeys#example", "answer (members; the order is no fact)", "ListKeys", {},
         seven_keys,
         answer={"Keys": [{"KeyArn": ARN.replace("<key-id:1>", f"<key-id:{n}>"),
                           "KeyId": f"<key-id:{n}>"} for n in range(1, 8)],
                 "Truncated": False}),
    # The example also lists aliases of AWS managed keys, which the fake has none of
    # (docs/aws-behaviour.md §11.1); the customer's three are checked.
    Case("api/ListAliases#example", "answer (the customer aliases)", "ListAliases", {},
         three_aliases,
         answer={"Aliases": [{"AliasArn": f"arn:<partition>:kms:<region>:111111111111:"
                                          f"alias/example{n}",
                              "AliasName": f"alias/example{n}", "TargetKeyId": f"<key-id:{n}>",
                              "CreationDate": ADDED_SINCE, "LastUpdatedDate": ADDED_SINCE}
                             for n in range(1, 4)], "Truncated": False}),
    Case("api/GetParametersForImport#example", "answer", "GetParametersForImport",
         {"KeyId": "<key-id:1>", "WrappingAlgorithm": "RSAES_OAEP_SHA_1",
          "WrappingKeySpec": "RSA_2048"}, external,
         answer={"ImportToken": BLOB, "KeyId": KEY_ARN, "ParametersValidTo": DATETIME,
                 "PublicKey": BLOB}),
    Case("api/ReplicateKey#example", "answer", "ReplicateKey",
         {"KeyId": "<key-id:1>", "ReplicaRegion": "<secondary-region>"}, multi_region,
         answer={"ReplicaKeyMetadata": REPLICA,
                 "ReplicaPolicy": Shape("the default policy's text",
                                        lambda v: isinstance(v, str) and v.startswith(POLICY_HEAD)),
                 # the example prints [] for a request without Tags; the 2025 recording nothing
                 "ReplicaTags": RECORDED_SINCE}),
    # -- grants ------------------------------------------------------------------------------
    Case("api/CreateGrant#example", "answer", "CreateGrant",
         {"KeyId": KEY_ARN, "GranteePrincipal": ROLE, "Operations": ["Encrypt", "Decrypt"]}, key,
         answer={"GrantId": GRANT_ID, "GrantToken": TOKEN}),
    # The example's answer is a page cut short (Truncated, no NextMarker shown).
    Case("api/ListGrants#example", "answer (a first page)", "ListGrants",
         {"KeyId": "<key-id:1>", "Limit": 4}, acm_grants,
         answer={"Grants": [_grant(ACM_OPERATIONS), _grant(["ReEncryptFrom", "ReEncryptTo"]),
                            _grant(ACM_OPERATIONS), _grant(ACM_OPERATIONS)],
                 "Truncated": True, "NextMarker": UNSHOWN}),
    Case("api/ListRetirableGrants#example", "answer", "ListRetirableGrants",
         {"RetiringPrincipal": ROLE}, role_grant,
         answer={"Grants": [_grant(["Decrypt", "Encrypt"], ROLE)], "Truncated": False}),
    Case("api/RetireGrant#example", "empty answer", "RetireGrant",
         {"GrantId": "<grant-id>", "KeyId": KEY_ARN}, role_grant, answer={}),
    Case("api/RevokeGrant#example", "empty answer", "RevokeGrant",
         {"GrantId": "<grant-id>", "KeyId": "<key-id:1>"}, role_grant, answer={}),
    # -- the examples that answer nothing -------------------------------------------------------
    Case("api/CreateAlias#example", "empty answer", "CreateAlias",
         {"AliasName": "alias/ExampleAlias", "TargetKeyId": "<key-id:1>"}, key, answer={}),
    Case("api/DeleteAlias#example", "empty answer", "DeleteAlias",
         {"AliasName": "alias/ExampleAlias"}, aliased, answer={}),
    Case("api/UpdateAlias#example", "empty answer", "UpdateAlias",
         {"AliasName": "alias/ExampleAlias", "TargetKeyId": "<key-id:2>"}, aliased_and_second_key,
         answer={}),
    Case("api/DisableKey#example", "empty answer", "DisableKey", KEY, key, answer={}),
    Case("api/EnableKey#example", "empty answer", "EnableKey", KEY, rsa_signing_disabled,
         answer={}),
    Case("api/EnableKeyRotation#example", "empty answer", "EnableKeyRotation", KEY, key,
         answer={}),
    Case("api/DisableKeyRotation#example", "empty answer", "DisableKeyRotation", KEY, rotating,
         answer={}),
    Case("api/PutKeyPolicy#example", "empty answer", "PutKeyPolicy",
         {"KeyId": "<key-id:1>", "Policy": EXAMPLE_POLICY.replace("111122223333", "111111111111"),
          "PolicyName": "default"}, key, answer={}),
    Case("api/TagResource#example", "empty answer", "TagResource",
         {"KeyId": "<key-id:1>", "Tags": [{"TagKey": "Purpose", "TagValue": "Test"}]}, key,
         answer={}),
    Case("api/UntagResource#example", "empty answer", "UntagResource",
         {"KeyId": "<key-id:1>", "TagKeys": ["Purpose", "CostCenter"]}, tagged, answer={}),
    Case("api/UpdateKeyDescription#example", "empty answer", "UpdateKeyDescription",
         {"Description": "Example description that indicates the intended use of this KMS key.",
          "KeyId": "<key-id:1>"}, key, answer={}),
    # The model and the API Reference answer KeyId and KeyMaterialId since (2025).
    Case("api/ImportKeyMaterial#example", "empty answer (members added since)",
         "ImportKeyMaterial",
         {"EncryptedKeyMaterial": "<blob:wrapped>",
          "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE", "ImportToken": "<blob:token>",
          "KeyId": "<key-id:1>"}, import_parameters,
         answer={"KeyId": ADDED_SINCE, "KeyMaterialId": ADDED_SINCE}),
    Case("api/DeleteImportedKeyMaterial#example", "empty answer (members added since)",
         "DeleteImportedKeyMaterial", KEY, external_with_material,
         answer={"KeyId": ADDED_SINCE, "KeyMaterialId": ADDED_SINCE}),
]


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_documented(case: Case, world: World) -> None:
    check(case, world)
