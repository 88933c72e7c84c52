"""The AWS CLI's KMS examples: what each prints (or says it prints), as checks.

Each case's source is an example of ``awscli/examples/kms/*.rst`` (``documented.py``
names the file, the example and the commit read). The requests and keys are ours,
made through boto3 as the example describes; the example's facts are checked:
which members an answer has, the fixed values (specs, usages, states, algorithms,
``Description: ""``), the value forms (key IDs and ARNs, dates to the millisecond),
the empty answers of the commands that "produce no output". Placeholders and
truncated values (``"<grant token here>"``, ``"AQIDAHi6Ltup...``) are not facts: they
are checked by their kind only.

Most examples predate members the botocore model and the API Reference have added
since (``CurrentKeyMaterialId``, ``KeyMaterialId``, ``KeySpec`` in GetPublicKey,
``KeyState`` in ScheduleKeyDeletion, the alias dates, the rotation period): the
fake follows the newer documentation, so those members are :data:`NEWER`, answered
or not. The CLI prints dates as the SDK parses them; where an example prints one in
whole seconds as ISO text (``"2021-04-05T14:04:55-07:00"``, an edited
``"2021-09-02T016:15:21-09:00"``) it shows no precision, and the case checks a date.
The order of a list is no fact (docs/aws-behaviour.md §13): where an example lists
several aliases or tags, ours are made in the printed order, which the fake keeps.
Examples whose scenario the fake does not model are not carried over (AWS managed
keys: describe-key's first example and list-aliases' first).
"""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

import pytest

from .recording import (
    ARN,
    BLOB,
    DATETIME,
    MATERIAL_ID,
    SECONDARY_REGION,
    TEXT,
    UNSHOWN,
    Case,
    JsonDocument,
    KeyRef,
    Shape,
    World,
    case_ids,
    check,
    length,
)
from .test_recorded_material import wrap

MILLISECONDS = Shape(
    "date to the millisecond (1502910355.475, 1593893322.32)",
    lambda v: isinstance(v, datetime.datetime) and v.microsecond % 1000 == 0)
MRK_ID = Shape("multi-Region key ID (mrk- and 32 hex digits)",
               lambda v: isinstance(v, str) and re.fullmatch(r"mrk-[0-9a-f]{32}", v) is not None)
GRANT_ID = Shape("grant ID (64 hex digits)",
                 lambda v: isinstance(v, str) and re.fullmatch(r"[0-9a-f]{64}", v) is not None)
NEWER = UNSHOWN
"""A member the botocore model (1.44.8) and the API Reference added after the example
was written: the fake answers it as the newer documentation says."""
MISPRINTED = UNSHOWN
"""describe-key's replica example prints ``MultiRegionKeyType: PRIMARY`` for the key it
describes, a replica in ap-northeast-1 whose primary is in us-west-2; a replica's
type is ``REPLICA`` (docs/aws-behaviour.md §9)."""
PRINTED_KEY_ID = KeyRef()
"""The newest import-key-material and delete-imported-key-material examples print the key
ID as ``KeyId``; the API Reference says the key ARN, and the recordings validated against
AWS show the ARN (``test_recorded_material.py``), so either is accepted here."""
ARN_2 = ARN.replace("<key-id:1>", "<key-id:2>")
SIGNING = "RSASSA_PKCS1_V1_5_SHA_256"
RSA_SIGNING = [f"RSASSA_{padding}_SHA_{bits}" for padding in ("PKCS1_V1_5", "PSS")
               for bits in (256, 384, 512)]
USER = "arn:<partition>:iam::111111111111:user/exampleUser"
ADMIN_ROLE = "arn:<partition>:iam::111111111111:role/adminRole"
POLICY = {
    "Version": "2012-10-17",
    "Id": "key-default-1",
    "Statement": [
        {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
         "Principal": {"AWS": "arn:<partition>:iam::111111111111:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "Allow Use of Key", "Effect": "Allow",
         "Principal": {"AWS": "arn:<partition>:iam::111111111111:user/test-user"},
         "Action": ["kms:DescribeKey", "kms:ListKeys"], "Resource": "*"},
    ],
}
"""put-key-policy's ``key_policy.json``, with ``kms:*`` where the print shows ``kms:``."""


def metadata(key: str = "<key-id:1>", *, created: Shape = MILLISECONDS,
             **members: Any) -> dict[str, Any]:
    """A customer managed key's ``KeyMetadata`` as every example prints it."""
    return {"AWSAccountId": "111111111111", "KeyId": key, "Arn": ARN.replace("<key-id:1>", key),
            "CreationDate": created, "Enabled": True, "Description": "",
            "KeyUsage": "ENCRYPT_DECRYPT", "KeyState": "Enabled", "Origin": "AWS_KMS",
            "KeyManager": "CUSTOMER", "MultiRegion": False, "CurrentKeyMaterialId": NEWER,
            **members}


def ml_dsa_metadata() -> dict[str, Any]:
    """create-key's ML-DSA key: ``CustomerMasterKeySpec`` (whose enum has no ML-DSA spec)
    and ``CurrentKeyMaterialId`` are absent, though the example is newer than both."""
    answer = metadata(created=DATETIME, KeySpec="ML_DSA_65", KeyUsage="SIGN_VERIFY",
                      SigningAlgorithms=["ML_DSA_SHAKE_256"])
    del answer["CurrentKeyMaterialId"]
    return answer


def spec(name: str) -> dict[str, str]:
    return {"CustomerMasterKeySpec": name, "KeySpec": name}


SYMMETRIC = {**spec("SYMMETRIC_DEFAULT"), "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"]}


# -- what has to exist first ---------------------------------------------------------------


def key(world: World) -> None:
    world.key()


def two_keys(world: World) -> None:
    world.key()
    world.key("<key-id:2>")


def three_keys(world: World) -> None:
    world.keys_as_listed(3)


def disabled_rsa_signing_key(world: World) -> None:
    world.key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
    world.kms.disable_key(KeyId=world.names["<key-id:1>"])


def hmac_key(world: World) -> None:
    world.key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC", Description="Test key")


def rsa_encryption_key(world: World) -> None:
    world.key(KeySpec="RSA_4096", KeyUsage="ENCRYPT_DECRYPT")


def rsa_signing_key(world: World) -> None:
    world.key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")


def replica(world: World) -> None:
    """A multi-Region primary key here and its replica in the secondary Region."""
    world.key(MultiRegion=True)
    world.kms.replicate_key(KeyId=world.names["<key-id:1>"], ReplicaRegion=SECONDARY_REGION)
    world.later()


def pending_deletion(world: World) -> None:
    world.key()
    world.kms.schedule_key_deletion(KeyId=world.names["<key-id:1>"], PendingWindowInDays=15)


def aliased_key(world: World) -> None:
    world.key()
    world.kms.create_alias(AliasName="alias/ExampleAlias", TargetKeyId=world.names["<key-id:1>"])


def two_aliases(world: World) -> None:
    world.key()
    for name in ("alias/oregon-test-key", "alias/project121-test"):
        world.kms.create_alias(AliasName=name, TargetKeyId=world.names["<key-id:1>"])


def alias_of_another_key(world: World) -> None:
    world.key()
    world.key("<key-id:2>")
    world.kms.create_alias(AliasName="alias/test-key", TargetKeyId=world.names["<key-id:2>"])


def alias_example(world: World) -> None:
    world.key()
    world.kms.create_alias(AliasName="alias/example-alias", TargetKeyId=world.names["<key-id:1>"])


def tagged_key(world: World) -> None:
    world.key(Tags=[{"TagKey": "Dept", "TagValue": "IT"},
                    {"TagKey": "Purpose", "TagValue": "Test"}])


def rotating_key(world: World) -> None:
    world.key()
    world.kms.enable_key_rotation(KeyId=world.names["<key-id:1>"])


def rotated_twice(world: World) -> None:
    """list-key-rotations' key: rotated once automatically, then once on demand."""
    rotating_key(world)
    world.later(366 * 86400)
    world.kms.rotate_key_on_demand(KeyId=world.names["<key-id:1>"])
    world.later()


def hmac_384_key(world: World) -> None:
    world.key(KeySpec="HMAC_384", KeyUsage="GENERATE_VERIFY_MAC")


def mac_made(world: World) -> None:
    """ExampleMac: the HMAC of the message (``<blob:mac>``)."""
    hmac_384_key(world)
    world.blobs["mac"] = world.kms.generate_mac(
        KeyId=world.names["<key-id:1>"], Message=b"Hello World", MacAlgorithm="HMAC_SHA_384")["Mac"]


def key_agreement_key(world: World) -> None:
    """A key agreement key, and the public key of another party's pair (``<blob:public>``)."""
    world.key(KeySpec="ECC_NIST_P256", KeyUsage="KEY_AGREEMENT")
    world.key("<key-id:2>", KeySpec="ECC_NIST_P256", KeyUsage="KEY_AGREEMENT")
    world.blobs["public"] = world.kms.get_public_key(KeyId=world.names["<key-id:2>"])["PublicKey"]


def granted_key(world: World) -> None:
    """create-grant's grant: Decrypt for a user, for one department, retired by a role."""
    world.key()
    grant = world.kms.create_grant(
        KeyId=world.names["<key-id:1>"], GranteePrincipal=world.sub(USER),
        RetiringPrincipal=world.sub(ADMIN_ROLE), Operations=["Decrypt"],
        Constraints={"EncryptionContextSubset": {"Department": "IT"}})
    world.name("<grant-id>", grant["GrantId"])


def external_key_with_token(world: World) -> None:
    """A key for imported material, and 256-bit material wrapped for it."""
    world.key(Origin="EXTERNAL")
    world.blobs["token"], world.blobs["wrapped"] = wrap(world, world.names["<key-id:1>"],
                                                        bytes(range(32)))


def external_key_with_token_until(world: World) -> None:
    """As :func:`external_key_with_token`; ``<valid-to>``: 180 days from now, as ISO text
    (the example's 2021-09-21T19:00:00Z, long past)."""
    external_key_with_token(world)
    until = world.environment.clock.now() + 180 * 86400
    world.name("<valid-to>", datetime.datetime.fromtimestamp(until, datetime.timezone.utc)
               .replace(microsecond=0).isoformat())


def imported_key(world: World) -> None:
    external_key_with_token(world)
    world.kms.import_key_material(
        KeyId=world.names["<key-id:1>"], ImportToken=world.blobs["token"],
        EncryptedKeyMaterial=world.blobs["wrapped"],
        ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")


def external_key(world: World) -> None:
    world.key(Origin="EXTERNAL")


def encrypted(world: World) -> None:
    """ExampleEncryptedFile: a text encrypted under key 1 (``<blob:ciphertext>``)."""
    two_keys(world)
    world.blobs["ciphertext"] = world.kms.encrypt(
        KeyId=world.names["<key-id:1>"], Plaintext=b"ExamplePlaintext")["CiphertextBlob"]


def rsa_encrypted(world: World) -> None:
    world.key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")
    world.blobs["ciphertext"] = world.kms.encrypt(
        KeyId=world.names["<key-id:1>"], Plaintext=b"ExamplePlaintext",
        EncryptionAlgorithm="RSAES_OAEP_SHA_256")["CiphertextBlob"]


def signed(world: World) -> None:
    """ExampleSignature: the signature of originalString (``<blob:signature>``)."""
    rsa_signing_key(world)
    world.blobs["signature"] = world.kms.sign(
        KeyId=world.names["<key-id:1>"], Message=b"originalString", MessageType="RAW",
        SigningAlgorithm=SIGNING)["Signature"]


def policy_of_one_key(world: World) -> None:
    """policy.txt: the key policy of key 1, to be put on key 2 (``<policy>``)."""
    two_keys(world)
    world.name("<policy>", world.kms.get_key_policy(
        KeyId=world.names["<key-id:1>"], PolicyName="default")["Policy"])


def policy_put(world: World) -> None:
    key(world)
    world.kms.put_key_policy(KeyId=world.names["<key-id:1>"], PolicyName="default",
                             Policy=json.dumps(world.sub(POLICY)))


K1 = "<key-id:1>"
NONE: dict[str, Any] = {}
"""The answer of a command that "produces no output": no members."""

CASES: list[Case] = [
    # -- create-key -------------------------------------------------------------------------
    Case("cli/create-key#symmetric", "output (date printed in whole seconds)", "CreateKey", {},
         answer={"KeyMetadata": metadata(created=DATETIME, **SYMMETRIC,
                                         CurrentKeyMaterialId=MATERIAL_ID)}),
    Case("cli/create-key#rsa", "output (date printed in whole seconds)", "CreateKey",
         {"KeySpec": "RSA_4096", "KeyUsage": "ENCRYPT_DECRYPT"},
         answer={"KeyMetadata": metadata(created=DATETIME, **spec("RSA_4096"),
                                         EncryptionAlgorithms=["RSAES_OAEP_SHA_1",
                                                               "RSAES_OAEP_SHA_256"])}),
    Case("cli/create-key#ecc", "output (date printed in whole seconds)", "CreateKey",
         {"KeySpec": "ECC_NIST_P521", "KeyUsage": "SIGN_VERIFY"},
         answer={"KeyMetadata": metadata(created=DATETIME, **spec("ECC_NIST_P521"),
                                         KeyUsage="SIGN_VERIFY",
                                         SigningAlgorithms=["ECDSA_SHA_512"])}),
    Case("cli/create-key#hmac", "output (date printed in whole seconds)", "CreateKey",
         {"KeySpec": "HMAC_384", "KeyUsage": "GENERATE_VERIFY_MAC"},
         answer={"KeyMetadata": metadata(created=DATETIME, **spec("HMAC_384"),
                                         KeyUsage="GENERATE_VERIFY_MAC",
                                         MacAlgorithms=["HMAC_SHA_384"])}),
    Case("cli/create-key#multi-region", "output (an mrk- key, no replicas yet)", "CreateKey",
         {"MultiRegion": True},
         answer={"KeyMetadata": metadata(created=DATETIME, **SYMMETRIC, KeyId=MRK_ID,
                                         MultiRegion=True, CurrentKeyMaterialId=MATERIAL_ID,
                                         MultiRegionConfiguration={
                                             "MultiRegionKeyType": "PRIMARY",
                                             "PrimaryKey": {"Arn": ARN,
                                                            "Region": "<region>"},
                                             "ReplicaKeys": []})}),
    Case("cli/create-key#ml-dsa", "output (no CustomerMasterKeySpec, no key material ID)",
         "CreateKey", {"KeySpec": "ML_DSA_65", "KeyUsage": "SIGN_VERIFY"},
         answer={"KeyMetadata": ml_dsa_metadata()}),
    Case("cli/create-key#external", "output (PendingImport, disabled)", "CreateKey",
         {"Origin": "EXTERNAL"},
         answer={"KeyMetadata": metadata(created=DATETIME, **SYMMETRIC, Enabled=False,
                                         KeyState="PendingImport", Origin="EXTERNAL")}),
    # -- describe-key -----------------------------------------------------------------------
    Case("cli/describe-key#rsa", "output (a disabled RSA signing key)", "DescribeKey",
         {"KeyId": K1}, disabled_rsa_signing_key,
         answer={"KeyMetadata": metadata(**spec("RSA_2048"), KeyUsage="SIGN_VERIFY",
                                         Enabled=False, KeyState="Disabled",
                                         SigningAlgorithms=RSA_SIGNING)}),
    Case("cli/describe-key#replica", "output (a replica: primary and all replicas)",
         "DescribeKey", {"KeyId": ARN.replace("<region>", "<secondary-region>")}, replica,
         region="<secondary-region>",
         answer={"KeyMetadata": {
             **metadata(**SYMMETRIC, MultiRegion=True),
             "Arn": ARN.replace("<region>", "<secondary-region>"),
             "MultiRegionConfiguration": {
                 "MultiRegionKeyType": MISPRINTED,
                 "PrimaryKey": {"Arn": ARN, "Region": "<region>"},
                 "ReplicaKeys": [{"Arn": ARN.replace("<region>", "<secondary-region>"),
                                  "Region": "<secondary-region>"}]}}}),
    Case("cli/describe-key#hmac", "output (an HMAC key)", "DescribeKey", {"KeyId": K1}, hmac_key,
         answer={"KeyMetadata": metadata(Description="Test key", **spec("HMAC_256"),
                                         KeyUsage="GENERATE_VERIFY_MAC",
                                         MacAlgorithms=["HMAC_SHA_256"])}),
    # -- keys: state, deletion, rotation, description, listing --------------------------
    Case("cli/cancel-key-deletion", "output", "CancelKeyDeletion", {"KeyId": K1},
         pending_deletion, answer={"KeyId": ARN}),
    Case("cli/schedule-key-deletion", "output", "ScheduleKeyDeletion",
         {"KeyId": ARN, "PendingWindowInDays": 15}, key,
         answer={"KeyId": ARN, "DeletionDate": MILLISECONDS, "KeyState": "PendingDeletion",
                 "PendingWindowInDays": 15}),
    Case("cli/enable-key", "no output", "EnableKey", {"KeyId": K1}, disabled_rsa_signing_key,
         answer=NONE),
    Case("cli/disable-key", "no output", "DisableKey", {"KeyId": K1}, key, answer=NONE),
    Case("cli/enable-key-rotation", "no output", "EnableKeyRotation",
         {"KeyId": ARN, "RotationPeriodInDays": 180}, key, answer=NONE),
    Case("cli/disable-key-rotation", "no output", "DisableKeyRotation", {"KeyId": ARN},
         rotating_key, answer=NONE),
    Case("cli/list-key-rotations", "output (the material IDs and states newer)",
         "ListKeyRotations", {"KeyId": K1}, rotated_twice, answer={"Rotations": [
             {"KeyId": K1, "RotationDate": MILLISECONDS, "RotationType": kind,
              "KeyMaterialId": NEWER, "KeyMaterialState": NEWER}
             for kind in ("AUTOMATIC", "ON_DEMAND")], "Truncated": False}),
    Case("cli/rotate-key-on-demand", "output (KeyId printed as the key ID)", "RotateKeyOnDemand",
         {"KeyId": K1}, key, answer={"KeyId": PRINTED_KEY_ID}),
    Case("cli/get-key-rotation-status", "output", "GetKeyRotationStatus", {"KeyId": K1},
         rotating_key, answer={"KeyId": K1, "KeyRotationEnabled": True,
                               "NextRotationDate": MILLISECONDS, "RotationPeriodInDays": 365}),
    Case("cli/update-key-description#delete", "no output", "UpdateKeyDescription",
         {"KeyId": K1, "Description": ""}, key, answer=NONE),
    Case("cli/update-key-description#add", "no output", "UpdateKeyDescription",
         {"KeyId": ARN, "Description": "IT Department test key"}, key, answer=NONE),
    Case("cli/list-keys", "output (members; Truncated not shown, the order no fact)", "ListKeys",
         {}, three_keys,
         answer={"Keys": [{"KeyArn": ARN.replace(K1, f"<key-id:{n}>"), "KeyId": f"<key-id:{n}>"}
                          for n in (1, 2, 3)], "Truncated": UNSHOWN}),
    # -- aliases ----------------------------------------------------------------------------
    Case("cli/create-alias", "no output", "CreateAlias",
         {"AliasName": "alias/example-alias", "TargetKeyId": K1}, key, answer=NONE),
    Case("cli/delete-alias", "no output", "DeleteAlias", {"AliasName": "alias/example-alias"},
         alias_example, answer=NONE),
    Case("cli/update-alias", "no output", "UpdateAlias",
         {"AliasName": "alias/test-key", "TargetKeyId": K1}, alias_of_another_key, answer=NONE),
    Case("cli/list-aliases#key", "output (alias dates newer, Truncated not shown)",
         "ListAliases", {"KeyId": K1}, two_aliases, answer={"Aliases": [
             {"TargetKeyId": K1, "AliasArn": f"arn:<partition>:kms:<region>:111111111111:{name}",
              "AliasName": name, "CreationDate": NEWER, "LastUpdatedDate": NEWER}
             for name in ("alias/oregon-test-key", "alias/project121-test")],
             "Truncated": UNSHOWN}),
    # -- policies and tags ------------------------------------------------------------------
    Case("cli/list-key-policies", "output (Truncated not shown)", "ListKeyPolicies",
         {"KeyId": K1}, key, answer={"PolicyNames": ["default"], "Truncated": UNSHOWN}),
    Case("cli/get-key-policy", "no output (put-key-policy with the copied policy)",
         "PutKeyPolicy", {"KeyId": "<key-id:2>", "PolicyName": "default", "Policy": "<policy>"},
         policy_of_one_key, answer=NONE),
    Case("cli/put-key-policy", "no output", "PutKeyPolicy",
         {"KeyId": K1, "PolicyName": "default", "Policy": json.dumps(POLICY)}, key,
         answer=NONE),
    Case("cli/put-key-policy", "get-key-policy output (the policy put; PolicyName newer)",
         "GetKeyPolicy", {"KeyId": K1, "PolicyName": "default"}, policy_put,
         answer={"Policy": JsonDocument(POLICY), "PolicyName": NEWER}),
    Case("cli/tag-resource", "no output", "TagResource",
         {"KeyId": K1, "Tags": [{"TagKey": "Purpose", "TagValue": "Test"},
                                {"TagKey": "Dept", "TagValue": "IT"}]}, key, answer=NONE),
    Case("cli/untag-resource", "no output", "UntagResource", {"KeyId": K1, "TagKeys": ["Purpose"]},
         tagged_key, answer=NONE),
    Case("cli/list-resource-tags", "output", "ListResourceTags", {"KeyId": K1}, tagged_key,
         answer={"Tags": [{"TagKey": "Dept", "TagValue": "IT"},
                          {"TagKey": "Purpose", "TagValue": "Test"}], "Truncated": False}),
    # -- grants -----------------------------------------------------------------------------
    Case("cli/create-grant", "output (the token a placeholder)", "CreateGrant",
         {"KeyId": K1, "GranteePrincipal": USER, "Operations": ["Decrypt"],
          "Constraints": {"EncryptionContextSubset": {"Department": "IT"}},
          "RetiringPrincipal": ADMIN_ROLE}, key,
         answer={"GrantId": GRANT_ID, "GrantToken": TEXT}),
    Case("cli/retire-grant", "no output", "RetireGrant", {"GrantId": "<grant-id>", "KeyId": ARN},
         granted_key, answer=NONE),
    Case("cli/revoke-grant", "no output", "RevokeGrant", {"GrantId": "<grant-id>", "KeyId": K1},
         granted_key, answer=NONE),
    # -- imported key material --------------------------------------------------------------
    Case("cli/get-parameters-for-import", "output", "GetParametersForImport",
         {"KeyId": K1, "WrappingAlgorithm": "RSAES_OAEP_SHA_256", "WrappingKeySpec": "RSA_2048"},
         external_key, answer={"KeyId": ARN, "PublicKey": BLOB, "ImportToken": BLOB,
                               "ParametersValidTo": MILLISECONDS}),
    Case("cli/import-key-material", "output (KeyId printed as the key ID)",
         "ImportKeyMaterial",
         {"KeyId": K1, "EncryptedKeyMaterial": "<blob:wrapped>", "ImportToken": "<blob:token>",
          "ExpirationModel": "KEY_MATERIAL_EXPIRES",
          "ValidTo": "<valid-to>"}, external_key_with_token_until,
         answer={"KeyId": PRINTED_KEY_ID, "KeyMaterialId": MATERIAL_ID}),
    Case("cli/delete-imported-key-material", "output (KeyId printed as the key ID)",
         "DeleteImportedKeyMaterial", {"KeyId": K1}, imported_key,
         answer={"KeyId": PRINTED_KEY_ID, "KeyMaterialId": MATERIAL_ID}),
    # -- cryptography -----------------------------------------------------------------------
    Case("cli/encrypt", "output queried: CiphertextBlob", "Encrypt",
         {"KeyId": K1, "Plaintext": b"ExamplePlaintext"}, key,
         answer={"CiphertextBlob": BLOB}, partial=True),
    Case("cli/encrypt#asymmetric", "output queried: CiphertextBlob", "Encrypt",
         {"KeyId": K1, "EncryptionAlgorithm": "RSAES_OAEP_SHA_256",
          "Plaintext": b"ExamplePlaintext"}, rsa_encryption_key,
         answer={"CiphertextBlob": BLOB}, partial=True),
    Case("cli/decrypt#symmetric", "output queried: Plaintext", "Decrypt",
         {"CiphertextBlob": "<blob:ciphertext>", "KeyId": K1}, encrypted,
         answer={"Plaintext": b"ExamplePlaintext"}, partial=True),
    Case("cli/decrypt#asymmetric", "output queried: Plaintext", "Decrypt",
         {"CiphertextBlob": "<blob:ciphertext>", "KeyId": K1,
          "EncryptionAlgorithm": "RSAES_OAEP_SHA_256"}, rsa_encrypted,
         answer={"Plaintext": b"ExamplePlaintext"}, partial=True),
    Case("cli/re-encrypt", "output (the algorithms and material IDs newer)", "ReEncrypt",
         {"CiphertextBlob": "<blob:ciphertext>", "DestinationKeyId": "<key-id:2>"}, encrypted,
         answer={"CiphertextBlob": BLOB, "SourceKeyId": ARN, "KeyId": ARN_2,
                 "SourceEncryptionAlgorithm": NEWER, "DestinationEncryptionAlgorithm": NEWER,
                 "SourceKeyMaterialId": NEWER, "DestinationKeyMaterialId": NEWER}),
    Case("cli/generate-data-key#aes-256", "output", "GenerateDataKey",
         {"KeyId": "alias/ExampleAlias", "KeySpec": "AES_256"}, aliased_key,
         answer={"Plaintext": length(32), "KeyId": ARN, "CiphertextBlob": BLOB,
                 "KeyMaterialId": MATERIAL_ID}),
    Case("cli/generate-data-key#512-bit", "output, truncated", "GenerateDataKey",
         {"KeyId": K1, "NumberOfBytes": 64}, key,
         answer={"CiphertextBlob": BLOB, "Plaintext": length(64), "KeyId": ARN,
                 "KeyMaterialId": MATERIAL_ID}),
    Case("cli/generate-data-key-without-plaintext", "output",
         "GenerateDataKeyWithoutPlaintext", {"KeyId": ARN, "KeySpec": "AES_256"}, key,
         answer={"CiphertextBlob": BLOB, "KeyId": ARN, "KeyMaterialId": MATERIAL_ID}),
    Case("cli/generate-data-key-pair", "output, truncated",
         "GenerateDataKeyPair", {"KeyId": K1, "KeyPairSpec": "RSA_2048"}, key,
         answer={"PrivateKeyCiphertextBlob": BLOB, "PrivateKeyPlaintext": BLOB,
                 "PublicKey": BLOB, "KeyId": ARN, "KeyPairSpec": "RSA_2048",
                 "KeyMaterialId": MATERIAL_ID}),
    Case("cli/generate-data-key-pair-without-plaintext", "output, truncated",
         "GenerateDataKeyPairWithoutPlaintext", {"KeyId": K1, "KeyPairSpec": "ECC_NIST_P384"}, key,
         answer={"PrivateKeyCiphertextBlob": BLOB, "PublicKey": BLOB, "KeyId": ARN,
                 "KeyPairSpec": "ECC_NIST_P384", "KeyMaterialId": MATERIAL_ID}),
    Case("cli/generate-random", "output queried: Plaintext", "GenerateRandom",
         {"NumberOfBytes": 32}, answer={"Plaintext": length(32)}, partial=True),
    Case("cli/get-public-key", "output (KeySpec newer)", "GetPublicKey", {"KeyId": K1},
         rsa_encryption_key,
         answer={"KeyId": ARN, "PublicKey": BLOB, "CustomerMasterKeySpec": "RSA_4096",
                 "KeySpec": NEWER, "KeyUsage": "ENCRYPT_DECRYPT",
                 "EncryptionAlgorithms": ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]}),
    Case("cli/generate-mac", "output (the MAC a placeholder)", "GenerateMac",
         {"KeyId": K1, "Message": b"Hello World", "MacAlgorithm": "HMAC_SHA_384"}, hmac_384_key,
         answer={"KeyId": ARN, "Mac": BLOB, "MacAlgorithm": "HMAC_SHA_384"}),
    Case("cli/verify-mac", "output", "VerifyMac",
         {"KeyId": K1, "Message": b"Hello World", "MacAlgorithm": "HMAC_SHA_384",
          "Mac": "<blob:mac>"}, mac_made,
         answer={"KeyId": ARN, "MacValid": True, "MacAlgorithm": "HMAC_SHA_384"}),
    Case("cli/derive-shared-secret", "output (KeyId printed as the key ID)",
         "DeriveSharedSecret", {"KeyId": K1, "KeyAgreementAlgorithm": "ECDH",
                                "PublicKey": "<blob:public>"}, key_agreement_key,
         answer={"KeyId": PRINTED_KEY_ID, "SharedSecret": BLOB, "KeyAgreementAlgorithm": "ECDH",
                 "KeyOrigin": "AWS_KMS"}),
    Case("cli/sign", "output (the signature truncated)", "Sign",
         {"KeyId": K1, "Message": b"hello world", "MessageType": "RAW",
          "SigningAlgorithm": SIGNING}, rsa_signing_key,
         answer={"KeyId": ARN, "Signature": BLOB, "SigningAlgorithm": SIGNING}),
    Case("cli/verify", "output", "Verify",
         {"KeyId": K1, "Message": b"originalString", "MessageType": "RAW",
          "SigningAlgorithm": SIGNING, "Signature": "<blob:signature>"}, signed,
         answer={"KeyId": ARN, "SignatureValid": True, "SigningAlgorithm": SIGNING}),
]


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_documented(case: Case, world: World) -> None:
    check(case, world)
