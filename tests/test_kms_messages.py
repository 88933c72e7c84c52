"""Every error a KMS operation declares (``messages=``), through a boto3 client.

Each case brings one declared error about and states its code, HTTP status and whole
text: AWS's where a recording exists (``tests/aws_recorded/``, docs/aws-behaviour.md
§0.3), else in AWS's shape (§0.4); ``None`` where AWS sends no message. Errors that a
request on a new key brings about are rows of :data:`ON_A_NEW_KEY`; those that need
more setup are functions under ``@case``. The last test checks that the cases and the
declarations (``kms.catalog``) name the same errors, so a new declared message comes
with its case here. Every declared error is reachable through a client (none is listed
as unreachable, as one CloudHSM v2 error is in ``test_cloudhsm_messages.py``).

The file is longer than a module should be because it holds a case for each of the
120 or so declared errors; split by family, the shared setup would be written twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from helpers import (
    ARN_PREFIX,
    DAY,
    HOUR,
    ONE_ATTEMPT,
    delete_all_hsms,
    failure,
    needs_ml,
    new_key,
    requires_member,
    requires_operation,
    snake,
    wrap,
)

from pytest_cloudhsm_kms import KMSUSER_PASSWORD, CloudHsmKms
from pytest_cloudhsm_kms.kms.catalog import OPERATIONS

Expected = tuple[dict[str, Any], str, "str | None"]
"""A case's request members, and the error code and text (``None``: no message) it answers."""
Case = Callable[[CloudHsmKms, Any], Expected]
CASES: dict[tuple[str, str], Case] = {}
MARKS: dict[tuple[str, str], tuple[pytest.MarkDecorator, ...]] = {}

VALIDATION = "ValidationException"
UNSUPPORTED = "UnsupportedOperationException"
INVALID_STATE = "KMSInvalidStateException"
INCORRECT_MATERIAL = "IncorrectKeyMaterialException"
TAG = "TagException"
OTHER_REGION = "us-west-2"
GRANTEE = "arn:aws:iam::111122223333:role/app"
SERVICE = "logs.us-east-1.amazonaws.com"
SOURCE_ARN = "arn:aws:logs:us-east-1:111122223333:log-group:app"
GRANT_ID = "0" * 64
"""A grant ID of the right form that names no grant."""
NEVER = {"ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"}
MATERIAL = bytes(range(32))
OTHER_MATERIAL = bytes(range(1, 33))
OAEP_256 = "RSAES_OAEP_SHA_256"
RSA_CIPHERTEXT = bytes(256)
"""256 bytes that no RSA_2048 key decrypts."""
RESERVED = [{"TagKey": "aws:owner", "TagValue": "v"}]
DUPLICATE = [{"TagKey": "team", "TagValue": "a"}, {"TagKey": "team", "TagValue": "b"}]


def tags(count: int, name: str = "k") -> list[dict[str, str]]:
    return [{"TagKey": f"{name}{n}", "TagValue": "v"} for n in range(count)]


def case(operation: str, name: str,
         marks: tuple[pytest.MarkDecorator, ...] = ()) -> Callable[[Case], Case]:
    """Register the case that brings about ``operation``'s declared error ``name``."""
    def register(make: Case) -> Case:
        CASES[operation, name] = make
        MARKS[operation, name] = marks
        return make
    return register


# -- errors a request on a new key brings about ---------------------------------------------------

KeyMaker = Callable[[Any], dict[str, Any]]


def key_of(**params: Any) -> KeyMaker:
    """Makes a new key with these CreateKey members; answers its KeyMetadata."""
    return lambda client: new_key(client, **params)


SYMMETRIC = key_of()
RSA = key_of(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")
RSA_SIGNING = key_of(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
ECC_SIGNING = key_of(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
ML_DSA = key_of(KeySpec="ML_DSA_44", KeyUsage="SIGN_VERIFY")
MULTI_REGION = key_of(MultiRegion=True)
EXTERNAL = key_of(Origin="EXTERNAL")

NO_CONTEXT = "EncryptionContext is not supported with asymmetric KMS keys."
RSA_TOO_LONG = ("Algorithm RSAES_OAEP_SHA_256 and key spec RSA_2048 cannot encrypt data larger "
                "than 190 bytes.")
NOT_PRIMARY = "{arn} is not a multi-region primary key."
DATA_KEY_SPEC = "{arn} key spec is RSA_2048 which is not valid for {operation}."
UNMODELLED_PAIR = "KeyPairSpec SM2 is not supported by pytest-cloudhsm-kms."
GRANT = {"GranteePrincipal": GRANTEE, "Operations": ["Decrypt"]}
SERVICE_GRANT = {"GranteeServicePrincipal": SERVICE, "Operations": ["Decrypt"]}
UNCHECKED_IMPORT = {"ImportToken": b"token", "EncryptedKeyMaterial": b"material"}
"""ImportKeyMaterial's members where the request is refused before its token is read."""

Row = tuple["KeyMaker | None", dict[str, Any], str, "str | None"]

ON_A_NEW_KEY: dict[tuple[str, str], Row] = {
    # (operation, name): (the new key, or none; the other members; code; text with {arn},
    # {key_id} and {operation} filled in)
    ("ScheduleKeyDeletion", "window"): (SYMMETRIC, {"PendingWindowInDays": 6}, VALIDATION,
                                        "PendingWindowInDays must be between 7 and 30"),
    ("CreateKey", "reserved_tag"): (None, {"Tags": RESERVED}, TAG,
                                    "Tags beginning with aws: are reserved"),
    ("CreateKey", "duplicate_tags"): (None, {"Tags": DUPLICATE}, TAG, "Duplicate tag keys"),
    ("CreateKey", "too_many_tags"): (None, {"Tags": tags(51)}, TAG, "Too many tags"),
    ("CreateKey", "usage_required"): (
        None, {"KeySpec": "RSA_2048"}, VALIDATION,
        "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys."),
    ("CreateKey", "incompatible"): (
        None, {"KeySpec": "RSA_2048", "KeyUsage": "GENERATE_VERIFY_MAC"}, VALIDATION,
        "KeyUsage GENERATE_VERIFY_MAC is not compatible with KeySpec RSA_2048"),
    ("CreateKey", "both_specs"): (
        None, {"KeySpec": "RSA_2048", "CustomerMasterKeySpec": "RSA_2048",
               "KeyUsage": "SIGN_VERIFY"}, VALIDATION,
        "You cannot specify KeySpec and CustomerMasterKeySpec in the same request. "
        "CustomerMasterKeySpec is deprecated."),
    ("CreateKey", "cloudhsm_origin"): (
        None, {"Origin": "AWS_CLOUDHSM"}, UNSUPPORTED,
        "Origin AWS_CLOUDHSM and a CustomKeyStoreId must be specified together."),
    ("CreateKey", "unmodelled_origin"): (
        None, {"Origin": "EXTERNAL_KEY_STORE"}, UNSUPPORTED,
        "Origin EXTERNAL_KEY_STORE needs an external key store, which pytest-cloudhsm-kms does "
        "not model."),
    ("CreateKey", "unmodelled_spec"): (None, {"KeySpec": "SM2", "KeyUsage": "SIGN_VERIFY"},
                                       UNSUPPORTED,
                                       "KeySpec SM2 is not supported by pytest-cloudhsm-kms."),
    ("CreateAlias", "not_a_key"): (None, {"AliasName": "alias/app", "TargetKeyId": "alias/other"},
                                   VALIDATION, "Aliases must refer to keys. Not aliases"),
    ("CreateAlias", "prefix"): (
        None, {"AliasName": "app", "TargetKeyId": GRANT_ID}, VALIDATION,
        'Alias must start with the prefix "alias/". Please see '
        "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html"),
    ("CreateAlias", "characters"): (
        None, {"AliasName": "alias/a:b", "TargetKeyId": GRANT_ID}, VALIDATION,
        "alias/a:b contains invalid characters for an alias"),
    ("CreateAlias", "reserved"): (
        None, {"AliasName": "alias/aws/app", "TargetKeyId": GRANT_ID}, "InvalidAliasNameException",
        "Alias alias/aws/app cannot begin with alias/aws/. The alias/aws/ prefix is reserved for "
        "AWS managed keys."),
    ("CreateAlias", "empty"): (None, {"AliasName": "alias/", "TargetKeyId": GRANT_ID},
                               "InvalidAliasNameException",
                               "Alias alias/ must have a name after alias/."),
    ("CreateCustomKeyStore", "external"): (
        None, {"CustomKeyStoreName": "xks", "CustomKeyStoreType": "EXTERNAL_KEY_STORE"},
        VALIDATION, "pytest-cloudhsm-kms does not model EXTERNAL_KEY_STORE custom key stores yet."),
    ("CreateCustomKeyStore", "required"): (
        None, {"CustomKeyStoreName": "store"}, VALIDATION,
        "CloudHsmClusterId is required for a custom key store of type AWS_CLOUDHSM."),
    ("GenerateRandom", "bytes_required"): (None, {}, VALIDATION, "NumberOfBytes is required."),
    ("RetireGrant", "invalid_token"): (None, {"GrantToken": "not-a-grant-token"},
                                       "InvalidGrantTokenException", "Invalid grant token."),
    ("RetireGrant", "retire_what"): (None, {"GrantId": GRANT_ID}, VALIDATION,
                                     "Specify a GrantToken, or both KeyId and GrantId."),
    ("ListRetirableGrants", "retiring_filter"): (
        None, {"RetiringPrincipal": GRANTEE, "RetiringServicePrincipal": SERVICE}, VALIDATION,
        "Specify either RetiringPrincipal or RetiringServicePrincipal, but not both."),
    # tags and key policies
    ("TagResource", "reserved_tag"): (SYMMETRIC, {"Tags": RESERVED}, TAG,
                                      "Tags beginning with aws: are reserved"),
    ("TagResource", "duplicate_tags"): (SYMMETRIC, {"Tags": DUPLICATE}, TAG, "Duplicate tag keys"),
    ("TagResource", "too_many_tags"): (key_of(Tags=tags(50)), {"Tags": tags(1, "more")}, TAG,
                                       "Too many tags"),
    ("UntagResource", "reserved_tag"): (SYMMETRIC, {"TagKeys": ["aws:owner"]}, TAG,
                                        "Tags beginning with aws: are reserved"),
    ("GetKeyPolicy", "no_such_policy"): (SYMMETRIC, {"PolicyName": "other"}, "NotFoundException",
                                         "No such policy exists"),
    ("PutKeyPolicy", "no_such_policy"): (SYMMETRIC, {"PolicyName": "other", "Policy": "{}"},
                                         "NotFoundException", "No such policy exists"),
    ("PutKeyPolicy", "ram_policy"): (
        SYMMETRIC, {"PolicyName": "AWS_RAM", "Policy": "{}"}, VALIDATION,
        "The AWS_RAM policy can only be managed by the RAM service."),
    ("ListKeyPolicies", "invalid_marker"): (SYMMETRIC, {"Marker": "bogus"}, VALIDATION,
                                            "Invalid marker."),
    # grants
    ("CreateGrant", "grantee"): (
        SYMMETRIC, {**GRANT, "GranteeServicePrincipal": SERVICE}, VALIDATION,
        "You must specify either GranteePrincipal or GranteeServicePrincipal, but not both."),
    ("CreateGrant", "retiring"): (
        SYMMETRIC, {**GRANT, "RetiringPrincipal": GRANTEE, "RetiringServicePrincipal": SERVICE},
        VALIDATION, "You can specify either RetiringPrincipal or RetiringServicePrincipal, but "
                    "not both."),
    ("CreateGrant", "source_arn"): (
        SYMMETRIC, {**SERVICE_GRANT, "RetiringPrincipal": GRANTEE}, VALIDATION,
        "A grant for a GranteeServicePrincipal requires a SourceArn grant constraint."),
    ("CreateGrant", "service_retiring"): (
        SYMMETRIC, {**SERVICE_GRANT, "Constraints": {"SourceArn": SOURCE_ARN}}, VALIDATION,
        "A grant for a GranteeServicePrincipal requires a RetiringPrincipal or "
        "RetiringServicePrincipal."),
    ("CreateGrant", "operations"): (
        RSA_SIGNING, {**GRANT, "Operations": ["Encrypt"]}, VALIDATION,
        "Grant operations Encrypt are not valid for a key with KeySpec RSA_2048 and KeyUsage "
        "SIGN_VERIFY."),
    ("CreateGrant", "only_create_grant"): (
        SYMMETRIC, {**GRANT, "Operations": ["CreateGrant"]}, VALIDATION,
        "Grants must not contain only the CreateGrant operation."),
    ("CreateGrant", "both_contexts"): (
        SYMMETRIC, {**GRANT, "Constraints": {"EncryptionContextEquals": {"a": "1"},
                                             "EncryptionContextSubset": {"a": "1"}}},
        VALIDATION,
        "A grant can have only one of EncryptionContextEquals and EncryptionContextSubset."),
    ("CreateGrant", "context_kind"): (
        RSA, {**GRANT, "Constraints": {"EncryptionContextEquals": {"a": "1"}}}, VALIDATION,
        "Encryption context grant constraints are valid only for symmetric encryption keys."),
    ("CreateGrant", "context_size"): (
        SYMMETRIC, {**GRANT, "Constraints": {"EncryptionContextSubset": {
            f"k{n}": "v" for n in range(9)}}}, VALIDATION,
        "A grant constraint can have at most 8 encryption context pairs, each value at most 384 "
        "characters."),
    ("ListGrants", "grantee_filter"): (
        SYMMETRIC, {"GranteePrincipal": GRANTEE, "GranteeServicePrincipal": SERVICE}, VALIDATION,
        "Specify either GranteePrincipal or GranteeServicePrincipal, but not both."),
    ("ListGrants", "grant_id"): (SYMMETRIC, {"GrantId": "not-a-grant"},
                                 "InvalidGrantIdException", "Invalid grant ID not-a-grant."),
    ("RetireGrant", "grant_id"): (SYMMETRIC, {"GrantId": "not-a-grant"},
                                  "InvalidGrantIdException", "Invalid grant ID not-a-grant."),
    ("RevokeGrant", "grant_id"): (SYMMETRIC, {"GrantId": "not-a-grant"},
                                  "InvalidGrantIdException", "Invalid grant ID not-a-grant."),
    ("RevokeGrant", "not_found"): (SYMMETRIC, {"GrantId": GRANT_ID}, "NotFoundException",
                                   f"Grant ID {GRANT_ID} not found."),
    # cryptography
    ("Encrypt", "rsa_too_long"): (RSA, {"Plaintext": bytes(191), "EncryptionAlgorithm": OAEP_256},
                                  VALIDATION, RSA_TOO_LONG),
    ("Encrypt", "no_context"): (
        RSA, {"Plaintext": b"secret", "EncryptionAlgorithm": OAEP_256,
              "EncryptionContext": {"purpose": "test"}}, VALIDATION, NO_CONTEXT),
    ("Decrypt", "invalid_ciphertext"): (
        RSA, {"CiphertextBlob": RSA_CIPHERTEXT, "EncryptionAlgorithm": OAEP_256},
        "InvalidCiphertextException", None),
    ("Decrypt", "no_context"): (
        RSA, {"CiphertextBlob": RSA_CIPHERTEXT, "EncryptionAlgorithm": OAEP_256,
              "EncryptionContext": {"purpose": "test"}}, VALIDATION, NO_CONTEXT),
    ("GenerateDataKey", "bytes_or_spec"): (
        SYMMETRIC, {"KeySpec": "AES_256", "NumberOfBytes": 32}, VALIDATION,
        "Please specify either number of bytes or key spec."),
    ("GenerateDataKeyWithoutPlaintext", "bytes_or_spec"): (
        SYMMETRIC, {}, VALIDATION, "Please specify either number of bytes or key spec."),
    ("GenerateDataKey", "data_key_spec"): (RSA, {"NumberOfBytes": 32}, "InvalidKeyUsageException",
                                           DATA_KEY_SPEC),
    ("GenerateDataKeyWithoutPlaintext", "data_key_spec"): (
        RSA, {"KeySpec": "AES_128"}, "InvalidKeyUsageException", DATA_KEY_SPEC),
    ("GenerateDataKeyPair", "data_key_spec"): (
        RSA, {"KeyPairSpec": "ECC_NIST_P256"}, "InvalidKeyUsageException", DATA_KEY_SPEC),
    ("GenerateDataKeyPairWithoutPlaintext", "data_key_spec"): (
        RSA, {"KeyPairSpec": "RSA_2048"}, "InvalidKeyUsageException", DATA_KEY_SPEC),
    ("GenerateDataKeyPair", "unmodelled_spec"): (SYMMETRIC, {"KeyPairSpec": "SM2"}, UNSUPPORTED,
                                                 UNMODELLED_PAIR),
    ("GenerateDataKeyPairWithoutPlaintext", "unmodelled_spec"): (
        SYMMETRIC, {"KeyPairSpec": "SM2"}, UNSUPPORTED, UNMODELLED_PAIR),
    ("GetPublicKey", "no_public_key"): (
        SYMMETRIC, {}, UNSUPPORTED, "{arn} is a SYMMETRIC_DEFAULT key, which has no public key."),
    ("Verify", "invalid_signature"): (
        ECC_SIGNING, {"Message": b"message", "SigningAlgorithm": "ECDSA_SHA_256",
                      "Signature": bytes(64)}, "KMSInvalidSignatureException", None),
    ("VerifyMac", "invalid_mac"): (
        key_of(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC"),
        {"Message": b"message", "MacAlgorithm": "HMAC_SHA_256", "Mac": bytes(32)},
        "KMSInvalidMacException", None),
    ("DeriveSharedSecret", "invalid_public_key"): (
        key_of(KeySpec="ECC_NIST_P256", KeyUsage="KEY_AGREEMENT"),
        {"KeyAgreementAlgorithm": "ECDH", "PublicKey": b"not a key"}, VALIDATION, None),
    ("Decapsulate", "invalid_ciphertext"): (
        key_of(KeySpec="ML_KEM_768", KeyUsage="ENCAPSULATE_DECAPSULATE"),
        {"EncapsulationAlgorithm": "ML_KEM", "SharedSecretCiphertextBlob": bytes(100)},
        "InvalidCiphertextException", None),
    # imported key material
    ("GetParametersForImport", "wrapping"): (
        EXTERNAL, {"WrappingAlgorithm": "RSAES_PKCS1_V1_5", "WrappingKeySpec": "RSA_2048"},
        UNSUPPORTED, "Wrapping algorithm RSAES_PKCS1_V1_5 with wrapping key spec RSA_2048 is not "
                     "supported."),
    ("ImportKeyMaterial", "valid_to_required"): (
        EXTERNAL, {**UNCHECKED_IMPORT, "ExpirationModel": "KEY_MATERIAL_EXPIRES"}, VALIDATION,
        "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES"),
    ("ImportKeyMaterial", "symmetric_only"): (
        key_of(Origin="EXTERNAL", KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY"),
        {**UNCHECKED_IMPORT, **NEVER, "ImportType": "NEW_KEY_MATERIAL"}, VALIDATION,
        "ImportType, KeyMaterialId and KeyMaterialDescription apply only to symmetric encryption "
        "keys."),
    ("ImportKeyMaterial", "invalid_token"): (EXTERNAL, {**UNCHECKED_IMPORT, **NEVER},
                                             "InvalidImportTokenException",
                                             "The import token is not valid for {arn}."),
    # multi-Region keys
    ("ReplicateKey", "not_primary"): (SYMMETRIC, {"ReplicaRegion": OTHER_REGION}, UNSUPPORTED,
                                      NOT_PRIMARY),
    ("UpdatePrimaryRegion", "not_primary"): (SYMMETRIC, {"PrimaryRegion": OTHER_REGION},
                                             UNSUPPORTED, NOT_PRIMARY),
    ("ReplicateKey", "reserved_tag"): (MULTI_REGION, {"ReplicaRegion": OTHER_REGION,
                                                      "Tags": RESERVED}, TAG,
                                       "Tags beginning with aws: are reserved"),
    ("ReplicateKey", "duplicate_tags"): (MULTI_REGION, {"ReplicaRegion": OTHER_REGION,
                                                        "Tags": DUPLICATE}, TAG,
                                         "Duplicate tag keys"),
    ("ReplicateKey", "too_many_tags"): (MULTI_REGION, {"ReplicaRegion": OTHER_REGION,
                                                       "Tags": tags(51)}, TAG, "Too many tags"),
    ("ReplicateKey", "same_region"): (
        MULTI_REGION, {"ReplicaRegion": "us-east-1"}, VALIDATION,
        "The replica Region must differ from the primary key's Region us-east-1."),
    ("ReplicateKey", "other_partition"): (
        MULTI_REGION, {"ReplicaRegion": "cn-north-1"}, VALIDATION,
        "The replica Region cn-north-1 is not in the partition aws of the primary key's Region "
        "us-east-1."),
    ("UpdatePrimaryRegion", "no_replica"): (MULTI_REGION, {"PrimaryRegion": OTHER_REGION},
                                            "NotFoundException",
                                            "{key_id} has no replica key in us-west-2."),
}
"""The AWS facts of these rows are in docs/aws-behaviour.md: custom key stores §1,
cryptography §4 and §11.2, aliases §11.1, key types §11.2, grants §11.3, policies and
tags §11.4, rotation §11.5, imported material §11.6, multi-Region keys §11.7."""

SIGNING: dict[str, tuple[KeyMaker, dict[str, Any], str]] = {
    "digest_length": (ECC_SIGNING, {"SigningAlgorithm": "ECDSA_SHA_256", "MessageType": "DIGEST",
                                    "Message": bytes(31)},
                      "Digest is invalid length for algorithm ECDSA_SHA_256."),
    "external_mu": (ECC_SIGNING, {"SigningAlgorithm": "ECDSA_SHA_256",
                                  "MessageType": "EXTERNAL_MU", "Message": bytes(64)},
                    "MessageType EXTERNAL_MU takes a 64-byte mu and an ML-DSA key."),
    "ml_dsa_digest": (ML_DSA, {"SigningAlgorithm": "ML_DSA_SHAKE_256", "MessageType": "DIGEST",
                               "Message": bytes(64)},
                      "ML-DSA keys take MessageType RAW or EXTERNAL_MU."),
}
for _name, (_key, _params, _text) in SIGNING.items():
    ON_A_NEW_KEY["Sign", _name] = (_key, _params, VALIDATION, _text)
    ON_A_NEW_KEY["Verify", _name] = (_key, {**_params, "Signature": bytes(64)}, VALIDATION, _text)
for _operation in ("EnableKeyRotation", "DisableKeyRotation", "GetKeyRotationStatus",
                   "ListKeyRotations", "RotateKeyOnDemand"):
    ON_A_NEW_KEY[_operation, "not_symmetric"] = (RSA, {}, UNSUPPORTED, None)  # §11.5

NEEDS: dict[tuple[str, str], tuple[pytest.MarkDecorator, ...]] = {
    ("Sign", "ml_dsa_digest"): (needs_ml,),
    ("Verify", "ml_dsa_digest"): (needs_ml,),
    ("Decapsulate", "invalid_ciphertext"): (needs_ml, requires_operation("Decapsulate")),
    ("ListGrants", "grantee_filter"): (requires_member("ListGrants", "GranteeServicePrincipal"),),
    ("ListRetirableGrants", "retiring_filter"): (
        requires_member("ListRetirableGrants", "RetiringServicePrincipal"),),
    **{("CreateGrant", name): (requires_member("CreateGrant", "GranteeServicePrincipal"),)
       for name in ("grantee", "retiring", "source_arn", "service_retiring")},
}
"""What a row needs of the installed ``cryptography`` and botocore model."""


def _on_a_new_key(operation: str, row: Row) -> Case:
    make_key, params, code, text = row

    def make(env: CloudHsmKms, client: Any) -> Expected:
        if make_key is None:
            return params, code, text
        key = make_key(client)
        filled = None if text is None else text.format(arn=key["Arn"], key_id=key["KeyId"],
                                                       operation=operation)
        return {"KeyId": key["KeyId"], **params}, code, filled
    return make


for (_operation, _name), _row in ON_A_NEW_KEY.items():
    case(_operation, _name, NEEDS.get((_operation, _name), ()))(_on_a_new_key(_operation, _row))


# -- aliases and tags -----------------------------------------------------------------------------


@case("CreateAlias", "exists")
def _(env: CloudHsmKms, client: Any) -> Expected:
    key_id = new_key(client)["KeyId"]
    client.create_alias(AliasName="alias/app", TargetKeyId=key_id)
    return ({"AliasName": "alias/app", "TargetKeyId": key_id}, "AlreadyExistsException",
            f"An alias with the name {ARN_PREFIX}alias/app already exists")


@case("UpdateAlias", "not_a_key")
def _(env: CloudHsmKms, client: Any) -> Expected:
    client.create_alias(AliasName="alias/app", TargetKeyId=new_key(client)["KeyId"])
    return ({"AliasName": "alias/app", "TargetKeyId": f"{ARN_PREFIX}alias/other"}, VALIDATION,
            "Aliases must refer to keys. Not aliases")


# -- custom key stores ----------------------------------------------------------------------------


def store_request(env: CloudHsmKms, cluster_id: str, name: str = "store") -> dict[str, Any]:
    """CreateCustomKeyStore's members for a ready cluster, its trust anchor included."""
    cluster = env.cloudhsm().cluster(cluster_id)
    assert cluster is not None
    return {"CustomKeyStoreName": name, "CloudHsmClusterId": cluster_id,
            "TrustAnchorCertificate": cluster.trust_anchor, "KeyStorePassword": KMSUSER_PASSWORD}


@case("CreateCustomKeyStore", "limit")
def _(env: CloudHsmKms, client: Any) -> Expected:
    env.settings = env.settings.replace(max_custom_key_stores=1)
    cluster_id = env.ready_key_store()["CloudHsmClusterId"]
    return (store_request(env, cluster_id, "second"), "LimitExceededException",
            "The maximum of 1 custom key stores has been reached.")


@case("CreateCustomKeyStore", "in use")
def _(env: CloudHsmKms, client: Any) -> Expected:
    store = env.ready_key_store()
    cluster_id = store["CloudHsmClusterId"]
    return (store_request(env, cluster_id, "second"), "CloudHsmClusterInUseException",
            f"Cluster {cluster_id} is already associated with custom key store "
            f"{store['CustomKeyStoreId']}, directly or through its backup history.")


@case("CreateCustomKeyStore", "trust anchor")
def _(env: CloudHsmKms, client: Any) -> Expected:
    cluster_id = env.ready_cluster()["ClusterId"]
    other_anchor = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----"
    return ({**store_request(env, cluster_id), "TrustAnchorCertificate": other_anchor},
            "IncorrectTrustAnchorException",
            f"The trust anchor certificate does not match the trust anchor of cluster "
            f"{cluster_id}.")


@case("CreateKey", "not_in_store")
def _(env: CloudHsmKms, client: Any) -> Expected:
    store_id = env.ready_key_store()["CustomKeyStoreId"]
    return ({"Origin": "AWS_CLOUDHSM", "CustomKeyStoreId": store_id, "MultiRegion": True},
            UNSUPPORTED, "MultiRegion keys are not supported in custom key stores.")


@case("DescribeCustomKeyStores", "both")
def _(env: CloudHsmKms, client: Any) -> Expected:
    store = env.ready_key_store()
    return ({"CustomKeyStoreId": store["CustomKeyStoreId"],
             "CustomKeyStoreName": store["CustomKeyStoreName"]}, VALIDATION,
            "Specify either CustomKeyStoreId or CustomKeyStoreName, but not both.")


@case("UpdateCustomKeyStore", "not related")
def _(env: CloudHsmKms, client: Any) -> Expected:
    store = env.ready_key_store()
    client.disconnect_custom_key_store(CustomKeyStoreId=store["CustomKeyStoreId"])
    other = env.ready_cluster()["ClusterId"]
    return ({"CustomKeyStoreId": store["CustomKeyStoreId"], "CloudHsmClusterId": other},
            "CloudHsmClusterNotRelatedException",
            f"Cluster {other} does not share a backup history with cluster "
            f"{store['CloudHsmClusterId']}.")


@case("DeleteCustomKeyStore", "has keys")
def _(env: CloudHsmKms, client: Any) -> Expected:
    store_id = env.ready_key_store()["CustomKeyStoreId"]
    env.ready_key(custom_key_store_id=store_id)
    client.disconnect_custom_key_store(CustomKeyStoreId=store_id)
    return ({"CustomKeyStoreId": store_id}, "CustomKeyStoreHasCMKsException",
            f"Custom key store {store_id} contains KMS keys. Schedule them for deletion and "
            f"wait for the waiting periods to end.")


@case("GenerateRandom", "no_active_hsms")
def _(env: CloudHsmKms, client: Any) -> Expected:
    store = env.ready_key_store()
    delete_all_hsms(env.client("cloudhsmv2"), store["CloudHsmClusterId"])
    return ({"NumberOfBytes": 8, "CustomKeyStoreId": store["CustomKeyStoreId"]},
            "CustomKeyStoreInvalidStateException",
            f"The AWS CloudHSM cluster of custom key store {store['CustomKeyStoreId']} has no "
            f"active HSMs.")


# -- grants ---------------------------------------------------------------------------------------


@case("CreateGrant", "quota")
def _(env: CloudHsmKms, client: Any) -> Expected:
    env.settings = env.settings.replace(max_grants_per_key=1)
    key = new_key(client)
    client.create_grant(KeyId=key["KeyId"], **GRANT)
    return ({"KeyId": key["KeyId"], **GRANT, "Operations": ["Encrypt"]},
            "LimitExceededException",
            f"The grant quota for {key['Arn']} (or for grantee {GRANTEE} on it) has been "
            f"reached.")


@case("RetireGrant", "not_found")
def _(env: CloudHsmKms, client: Any) -> Expected:
    key_id = new_key(client)["KeyId"]
    made = client.create_grant(KeyId=key_id, **GRANT)
    client.revoke_grant(KeyId=key_id, GrantId=made["GrantId"])
    return ({"GrantToken": made["GrantToken"]}, "NotFoundException",
            f"Grant ID {made['GrantId']} not found.")


@case("RetireGrant", "token_mismatch")
def _(env: CloudHsmKms, client: Any) -> Expected:
    made = client.create_grant(KeyId=new_key(client)["KeyId"], **GRANT)
    return ({"GrantToken": made["GrantToken"], "GrantId": GRANT_ID}, "InvalidGrantIdException",
            f"Grant ID {GRANT_ID} does not match the grant of the grant token.")


# -- ciphertext of one key ------------------------------------------------------------------------

INCORRECT_KEY = ("IncorrectKeyException", "The key ID in the request does not identify a CMK "
                 "that can perform this operation.")


def encrypted(client: Any, plaintext: bytes = b"secret") -> bytes:
    """Ciphertext of a new symmetric key."""
    blob: bytes = client.encrypt(KeyId=new_key(client)["KeyId"],
                                 Plaintext=plaintext)["CiphertextBlob"]
    return blob


@case("Decrypt", "incorrect_key")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return {"CiphertextBlob": encrypted(client), "KeyId": new_key(client)["KeyId"]}, *INCORRECT_KEY


@case("ReEncrypt", "incorrect_key")
def _(env: CloudHsmKms, client: Any) -> Expected:
    other = new_key(client)["KeyId"]
    return ({"CiphertextBlob": encrypted(client), "SourceKeyId": other, "DestinationKeyId": other},
            *INCORRECT_KEY)


@case("ReEncrypt", "invalid_ciphertext")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return ({"CiphertextBlob": RSA_CIPHERTEXT, "SourceKeyId": RSA(client)["KeyId"],
             "SourceEncryptionAlgorithm": OAEP_256, "DestinationKeyId": new_key(client)["KeyId"]},
            "InvalidCiphertextException", None)


@case("ReEncrypt", "rsa_too_long")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return ({"CiphertextBlob": encrypted(client, bytes(191)),
             "DestinationKeyId": RSA(client)["KeyId"], "DestinationEncryptionAlgorithm": OAEP_256},
            VALIDATION, RSA_TOO_LONG)


@case("ReEncrypt", "no_context")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return ({"CiphertextBlob": encrypted(client), "DestinationKeyId": RSA(client)["KeyId"],
             "DestinationEncryptionAlgorithm": OAEP_256,
             "DestinationEncryptionContext": {"purpose": "test"}}, VALIDATION, NO_CONTEXT)


# -- imported key material ------------------------------------------------------------------------


def import_request(client: Any, key_id: str, material: bytes = MATERIAL,
                   **params: Any) -> dict[str, Any]:
    """ImportKeyMaterial's members: ``material`` wrapped under fresh import parameters."""
    given = client.get_parameters_for_import(KeyId=key_id, WrappingAlgorithm=OAEP_256,
                                             WrappingKeySpec="RSA_2048")
    return {"KeyId": key_id, "ImportToken": given["ImportToken"],
            "EncryptedKeyMaterial": wrap(given["PublicKey"], OAEP_256, material),
            **NEVER, **params}


def imported(client: Any) -> dict[str, Any]:
    """The KeyMetadata of a new key with :data:`MATERIAL` imported."""
    key = EXTERNAL(client)
    client.import_key_material(**import_request(client, key["KeyId"]))
    return key


def material_id(key: dict[str, Any], material: bytes) -> str:
    """The KeyMaterialId of ``material`` in ``key`` (docs/aws-behaviour.md §11.6)."""
    return hashlib.sha256(key["KeyId"].encode() + material).hexdigest()


@case("ImportKeyMaterial", "valid_to_not_valid")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return ({"KeyId": EXTERNAL(client)["KeyId"], **UNCHECKED_IMPORT, **NEVER,
             "ValidTo": env.clock.now() + DAY}, VALIDATION,
            "ValidTo is not valid when ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE.")


@case("ImportKeyMaterial", "valid_to_range")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return ({"KeyId": EXTERNAL(client)["KeyId"], **UNCHECKED_IMPORT,
             "ExpirationModel": "KEY_MATERIAL_EXPIRES", "ValidTo": env.clock.now() + 366 * DAY},
            VALIDATION, "ValidTo must be in the future and at most 365 days from now.")


@case("ImportKeyMaterial", "expired_token")
def _(env: CloudHsmKms, client: Any) -> Expected:
    request = import_request(client, EXTERNAL(client)["KeyId"])
    env.clock.advance(25 * HOUR)
    return request, "ExpiredImportTokenException", "The import token has expired."


@case("ImportKeyMaterial", "not_unwrapped")
def _(env: CloudHsmKms, client: Any) -> Expected:
    request = import_request(client, EXTERNAL(client)["KeyId"])
    return {**request, "EncryptedKeyMaterial": bytes(256)}, "InvalidCiphertextException", None


@case("ImportKeyMaterial", "incorrect")
def _(env: CloudHsmKms, client: Any) -> Expected:
    key = EXTERNAL(client)
    return (import_request(client, key["KeyId"], bytes(16)), INCORRECT_MATERIAL,
            f"The key material is not valid for {key['Arn']}: symmetric key material must be "
            f"32 bytes.")


@case("ImportKeyMaterial", "id_with_new")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return (import_request(client, imported(client)["KeyId"], OTHER_MATERIAL,
                           ImportType="NEW_KEY_MATERIAL", KeyMaterialId="a" * 64), VALIDATION,
            "You cannot specify a KeyMaterialId with ImportType NEW_KEY_MATERIAL.")


@case("ImportKeyMaterial", "already_associated")
def _(env: CloudHsmKms, client: Any) -> Expected:
    key = imported(client)
    return (import_request(client, key["KeyId"], ImportType="NEW_KEY_MATERIAL"),
            INCORRECT_MATERIAL, f"This key material is already associated with {key['Arn']}.")


@case("ImportKeyMaterial", "not_previous")
def _(env: CloudHsmKms, client: Any) -> Expected:
    key = imported(client)
    return (import_request(client, key["KeyId"], OTHER_MATERIAL), INCORRECT_MATERIAL,
            f"The key material is not the key material previously imported into {key['Arn']}.")


@case("ImportKeyMaterial", "pending_rotation")
def _(env: CloudHsmKms, client: Any) -> Expected:
    key = imported(client)
    client.import_key_material(**import_request(client, key["KeyId"], OTHER_MATERIAL,
                                                ImportType="NEW_KEY_MATERIAL"))
    third = bytes(range(2, 34))
    return (import_request(client, key["KeyId"], third, ImportType="NEW_KEY_MATERIAL"),
            INVALID_STATE,
            f"New key material (id: {material_id(key, third)}) cannot be imported into KMS key "
            f"{key['Arn']}, because another key material (id: "
            f"{material_id(key, OTHER_MATERIAL)}) is pending rotation.")


@case("DeleteImportedKeyMaterial", "no_material")
def _(env: CloudHsmKms, client: Any) -> Expected:
    key = imported(client)
    return ({"KeyId": key["KeyId"], "KeyMaterialId": "f" * 64}, "NotFoundException",
            f"Key material {'f' * 64} of {key['Arn']} does not exist.")


@case("DeleteImportedKeyMaterial", "pending_import")
def _(env: CloudHsmKms, client: Any) -> Expected:
    key = EXTERNAL(client)
    client.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    return ({"KeyId": key["KeyId"]}, INVALID_STATE, f"{key['Arn']} has no imported key material.")


@case("DeleteImportedKeyMaterial", "not_imported")
def _(env: CloudHsmKms, client: Any) -> Expected:
    key = imported(client)
    client.delete_imported_key_material(KeyId=key["KeyId"])
    client.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    deleted = material_id(key, MATERIAL)
    return ({"KeyId": key["KeyId"], "KeyMaterialId": deleted}, INVALID_STATE,
            f"Key material {deleted} of {key['Arn']} is not imported.")


# -- rotation -------------------------------------------------------------------------------------


def _replica(operation: str) -> Case:
    def make(env: CloudHsmKms, client: Any) -> Expected:
        elsewhere = env.client("kms", region=OTHER_REGION, config=ONE_ATTEMPT)
        primary = new_key(elsewhere, MultiRegion=True)
        replica = elsewhere.replicate_key(KeyId=primary["KeyId"],
                                          ReplicaRegion="us-east-1")["ReplicaKeyMetadata"]
        return ({"KeyId": replica["KeyId"]}, UNSUPPORTED,
                f"{replica['Arn']} is a multi-Region replica key: manage its rotation on the "
                f"primary key.")
    return make


for _operation in ("EnableKeyRotation", "DisableKeyRotation", "RotateKeyOnDemand"):
    case(_operation, "replica")(_replica(_operation))


@case("RotateKeyOnDemand", "in_progress")
def _(env: CloudHsmKms, client: Any) -> Expected:
    env.settings = env.settings.replace(on_demand_rotation_delay=HOUR)
    key = new_key(client)
    client.rotate_key_on_demand(KeyId=key["KeyId"])
    return ({"KeyId": key["KeyId"]}, "ConflictException",
            f"A rotation of {key['Arn']} is in progress or about to begin.")


@case("RotateKeyOnDemand", "limit")
def _(env: CloudHsmKms, client: Any) -> Expected:
    env.settings = env.settings.replace(max_on_demand_rotations=1)
    key = new_key(client)
    client.rotate_key_on_demand(KeyId=key["KeyId"])
    return ({"KeyId": key["KeyId"]}, "LimitExceededException",
            "The on-demand rotations limit has been reached for the given keyId. No more "
            f"on-demand rotations can be performed for this key: {key['Arn']}")


@case("RotateKeyOnDemand", "nothing_pending")
def _(env: CloudHsmKms, client: Any) -> Expected:
    key = imported(client)
    return ({"KeyId": key["KeyId"]}, INVALID_STATE,
            f"No available key material pending rotation for the key: {key['Arn']}.")


# -- multi-Region keys ----------------------------------------------------------------------------


@case("ReplicateKey", "replicated")
def _(env: CloudHsmKms, client: Any) -> Expected:
    key_id = MULTI_REGION(client)["KeyId"]
    client.replicate_key(KeyId=key_id, ReplicaRegion=OTHER_REGION)
    return ({"KeyId": key_id, "ReplicaRegion": OTHER_REGION}, "AlreadyExistsException",
            f"{key_id} already has a replica key in {OTHER_REGION}.")


@case("UpdatePrimaryRegion", "not_ready")
def _(env: CloudHsmKms, client: Any) -> Expected:
    env.settings = env.settings.replace(replication_delay=HOUR)
    key_id = MULTI_REGION(client)["KeyId"]
    replica = client.replicate_key(KeyId=key_id, ReplicaRegion=OTHER_REGION)
    return ({"KeyId": key_id, "PrimaryRegion": OTHER_REGION}, INVALID_STATE,
            f"{replica['ReplicaKeyMetadata']['Arn']} is Creating.")


@case("UpdatePrimaryRegion", "replica_disabled")
def _(env: CloudHsmKms, client: Any) -> Expected:
    key_id = MULTI_REGION(client)["KeyId"]
    replica = client.replicate_key(KeyId=key_id, ReplicaRegion=OTHER_REGION)
    env.client("kms", OTHER_REGION).disable_key(KeyId=key_id)
    return ({"KeyId": key_id, "PrimaryRegion": OTHER_REGION}, "DisabledException",
            f"{replica['ReplicaKeyMetadata']['Arn']} is disabled.")


# -- the tests ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("operation", "name"), [
    pytest.param(operation, name, marks=MARKS[operation, name], id=f"{operation}-{name}")
    for operation, name in sorted(CASES)])
def test_a_declared_error_answers_its_code_and_text(
    cloudhsm_kms: CloudHsmKms, kms_no_retry: Any, operation: str, name: str,
) -> None:
    params, code, text = CASES[operation, name](cloudhsm_kms, kms_no_retry)

    answered = failure(getattr(kms_no_retry, snake(operation)), **params)

    assert (answered.code, answered.status, answered.message or None) == (code, 400, text)


def test_every_declared_error_has_its_case() -> None:
    declared = {(op.name, name) for op in OPERATIONS.values() for name in op.messages}
    assert declared == set(CASES)
