"""Every error a KMS operation declares (``messages=``), through a boto3 client.

Each case below brings one declared error about and states its code, HTTP status and
whole text: AWS's where a recording exists (``tests/aws_recorded/``,
``docs/aws-behaviour.md §0.3``), else in AWS's shape (§0.4); ``None`` where AWS sends
no message. The last test checks that the cases and the declarations (``kms.catalog``)
name the same errors, so a new declared message comes with its case here.
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
    keypair,
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
MARKS: dict[tuple[str, str], list[pytest.MarkDecorator]] = {}

VALIDATION = "ValidationException"
UNSUPPORTED = "UnsupportedOperationException"
INVALID_STATE = "KMSInvalidStateException"
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


def case(operation: str, *names: str,
         marks: tuple[pytest.MarkDecorator, ...] = ()) -> Callable[[Case], Case]:
    """Register the case that brings about ``operation``'s declared error(s) ``names``
    (one case serves several operations' same-named errors where the request is the same)."""
    def register(make: Case) -> Case:
        for name in names:
            CASES[operation, name] = make
            MARKS[operation, name] = list(marks)
        return make
    return register


# -- keys the cases start from ---------------------------------------------------------------


def symmetric(client: Any, **params: Any) -> dict[str, Any]:
    """A new symmetric encryption key's KeyMetadata."""
    return new_key(client, **params)


def rsa(client: Any, usage: str = "ENCRYPT_DECRYPT") -> dict[str, Any]:
    return keypair(client, "RSA_2048", usage)


def encrypted(client: Any, key_id: str, plaintext: bytes = b"secret") -> bytes:
    blob: bytes = client.encrypt(KeyId=key_id, Plaintext=plaintext)["CiphertextBlob"]
    return blob


def elsewhere(env: CloudHsmKms) -> Any:
    """A client of the same account in :data:`OTHER_REGION`."""
    return env.client("kms", region=OTHER_REGION, config=ONE_ATTEMPT)


def replica_here(env: CloudHsmKms) -> dict[str, Any]:
    """The KeyMetadata of a multi-Region replica in us-east-1 of a primary key in
    :data:`OTHER_REGION` (Enabled by the next request)."""
    primary = new_key(elsewhere(env), MultiRegion=True)
    replica: dict[str, Any] = elsewhere(env).replicate_key(
        KeyId=primary["KeyId"], ReplicaRegion="us-east-1")["ReplicaKeyMetadata"]
    return replica


def tags(count: int, name: str = "k") -> list[dict[str, str]]:
    return [{"TagKey": f"{name}{n}", "TagValue": "v"} for n in range(count)]


RESERVED = [{"TagKey": "aws:owner", "TagValue": "v"}]
DUPLICATE = [{"TagKey": "team", "TagValue": "a"}, {"TagKey": "team", "TagValue": "b"}]


# -- aliases --------------------------------------------------------------------------------

ALIAS_NAMES: dict[str, tuple[str, str, str]] = {
    "prefix": ("app", VALIDATION, 'Alias must start with the prefix "alias/". Please see '
               "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html"),
    "characters": ("alias/a:b", VALIDATION, "alias/a:b contains invalid characters for an alias"),
    "reserved": ("alias/aws/app", "InvalidAliasNameException", "Alias alias/aws/app cannot "
                 "begin with alias/aws/. The alias/aws/ prefix is reserved for AWS managed keys."),
    "empty": ("alias/", "InvalidAliasNameException", "Alias alias/ must have a name after alias/."),
}


def _alias_name(name: str) -> Case:
    def make(env: CloudHsmKms, client: Any) -> Expected:
        alias, code, text = ALIAS_NAMES[name]
        return {"AliasName": alias, "TargetKeyId": symmetric(client)["KeyId"]}, code, text
    return make


for _name in ALIAS_NAMES:
    case("CreateAlias", _name)(_alias_name(_name))


@case("CreateAlias", "not_a_key")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return ({"AliasName": "alias/app", "TargetKeyId": "alias/other"}, VALIDATION,
            "Aliases must refer to keys. Not aliases")


@case("UpdateAlias", "not_a_key")
def _(env: CloudHsmKms, client: Any) -> Expected:
    client.create_alias(AliasName="alias/app", TargetKeyId=symmetric(client)["KeyId"])
    return ({"AliasName": "alias/app", "TargetKeyId": f"{ARN_PREFIX}alias/other"}, VALIDATION,
            "Aliases must refer to keys. Not aliases")


@case("CreateAlias", "exists")
def _(env: CloudHsmKms, client: Any) -> Expected:
    key_id = symmetric(client)["KeyId"]
    client.create_alias(AliasName="alias/app", TargetKeyId=key_id)
    return ({"AliasName": "alias/app", "TargetKeyId": key_id}, "AlreadyExistsException",
            f"An alias with the name {ARN_PREFIX}alias/app already exists")


# -- custom key stores ----------------------------------------------------------------------

def store_request(env: CloudHsmKms, cluster_id: str, name: str = "store") -> dict[str, Any]:
    """CreateCustomKeyStore's members for a ready cluster, its trust anchor included."""
    cluster = env.cloudhsm().cluster(cluster_id)
    assert cluster is not None
    return {"CustomKeyStoreName": name, "CloudHsmClusterId": cluster_id,
            "TrustAnchorCertificate": cluster.trust_anchor, "KeyStorePassword": KMSUSER_PASSWORD}


@case("CreateCustomKeyStore", "external")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return ({"CustomKeyStoreName": "xks", "CustomKeyStoreType": "EXTERNAL_KEY_STORE"},
            VALIDATION, "pytest-cloudhsm-kms does not model EXTERNAL_KEY_STORE custom key "
                        "stores yet.")


@case("CreateCustomKeyStore", "required")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return ({"CustomKeyStoreName": "store"}, VALIDATION,
            "CloudHsmClusterId is required for a custom key store of type AWS_CLOUDHSM.")


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


@case("DescribeCustomKeyStores", "both")
def _(env: CloudHsmKms, client: Any) -> Expected:
    store = env.ready_key_store()
    return ({"CustomKeyStoreId": store["CustomKeyStoreId"],
             "CustomKeyStoreName": store["CustomKeyStoreName"]}, VALIDATION,
            "Specify either CustomKeyStoreId or CustomKeyStoreName, but not both.")


def disconnected(env: CloudHsmKms, client: Any, store_id: str) -> None:
    """Disconnect a store (DISCONNECTED by the next request)."""
    client.disconnect_custom_key_store(CustomKeyStoreId=store_id)


@case("UpdateCustomKeyStore", "not related")
def _(env: CloudHsmKms, client: Any) -> Expected:
    store = env.ready_key_store()
    disconnected(env, client, store["CustomKeyStoreId"])
    other = env.ready_cluster()["ClusterId"]
    return ({"CustomKeyStoreId": store["CustomKeyStoreId"], "CloudHsmClusterId": other},
            "CloudHsmClusterNotRelatedException",
            f"Cluster {other} does not share a backup history with cluster "
            f"{store['CloudHsmClusterId']}.")


@case("DeleteCustomKeyStore", "has keys")
def _(env: CloudHsmKms, client: Any) -> Expected:
    store_id = env.ready_key_store()["CustomKeyStoreId"]
    env.ready_key(custom_key_store_id=store_id)
    disconnected(env, client, store_id)
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


@case("GenerateRandom", "bytes_required")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return {}, VALIDATION, "NumberOfBytes is required."


# -- CreateKey --------------------------------------------------------------------------------

CREATE_KEY: dict[str, tuple[dict[str, Any], str, str]] = {
    "reserved_tag": ({"Tags": RESERVED}, TAG, "Tags beginning with aws: are reserved"),
    "duplicate_tags": ({"Tags": DUPLICATE}, TAG, "Duplicate tag keys"),
    "too_many_tags": ({"Tags": tags(51)}, TAG, "Too many tags"),
    "usage_required": ({"KeySpec": "RSA_2048"}, VALIDATION, "You must specify a KeyUsage value "
                       "for all KMS keys except for symmetric encryption keys."),
    "incompatible": ({"KeySpec": "RSA_2048", "KeyUsage": "GENERATE_VERIFY_MAC"}, VALIDATION,
                     "KeyUsage GENERATE_VERIFY_MAC is not compatible with KeySpec RSA_2048"),
    "both_specs": ({"KeySpec": "RSA_2048", "CustomerMasterKeySpec": "RSA_2048",
                    "KeyUsage": "SIGN_VERIFY"}, VALIDATION,
                   "You cannot specify KeySpec and CustomerMasterKeySpec in the same request. "
                   "CustomerMasterKeySpec is deprecated."),
    "cloudhsm_origin": ({"Origin": "AWS_CLOUDHSM"}, UNSUPPORTED,
                        "Origin AWS_CLOUDHSM and a CustomKeyStoreId must be specified together."),
    "unmodelled_origin": ({"Origin": "EXTERNAL_KEY_STORE"}, UNSUPPORTED,
                          "Origin EXTERNAL_KEY_STORE needs an external key store, which "
                          "pytest-cloudhsm-kms does not model."),
    "unmodelled_spec": ({"KeySpec": "SM2", "KeyUsage": "SIGN_VERIFY"}, UNSUPPORTED,
                        "KeySpec SM2 is not supported by pytest-cloudhsm-kms."),
}


def _create_key(name: str) -> Case:
    def make(env: CloudHsmKms, client: Any) -> Expected:
        return CREATE_KEY[name]
    return make


for _name in CREATE_KEY:
    case("CreateKey", _name)(_create_key(_name))


@case("CreateKey", "not_in_store")
def _(env: CloudHsmKms, client: Any) -> Expected:
    store_id = env.ready_key_store()["CustomKeyStoreId"]
    return ({"Origin": "AWS_CLOUDHSM", "CustomKeyStoreId": store_id, "MultiRegion": True},
            UNSUPPORTED, "MultiRegion keys are not supported in custom key stores.")


# -- tags ---------------------------------------------------------------------------------------


@case("TagResource", "reserved_tag")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return {"KeyId": symmetric(client)["KeyId"], "Tags": RESERVED}, TAG, (
        "Tags beginning with aws: are reserved")


@case("TagResource", "duplicate_tags")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return {"KeyId": symmetric(client)["KeyId"], "Tags": DUPLICATE}, TAG, "Duplicate tag keys"


@case("TagResource", "too_many_tags")
def _(env: CloudHsmKms, client: Any) -> Expected:
    key_id = symmetric(client, Tags=tags(50))["KeyId"]
    return {"KeyId": key_id, "Tags": tags(1, "more")}, TAG, "Too many tags"


@case("UntagResource", "reserved_tag")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return {"KeyId": symmetric(client)["KeyId"], "TagKeys": ["aws:owner"]}, TAG, (
        "Tags beginning with aws: are reserved")


# -- key policies -------------------------------------------------------------------------------


@case("GetKeyPolicy", "no_such_policy")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return ({"KeyId": symmetric(client)["KeyId"], "PolicyName": "other"}, "NotFoundException",
            "No such policy exists")


@case("PutKeyPolicy", "no_such_policy")
def _(env: CloudHsmKms, client: Any) -> Expected:
    key_id = symmetric(client)["KeyId"]
    policy = client.get_key_policy(KeyId=key_id)["Policy"]
    return ({"KeyId": key_id, "PolicyName": "other", "Policy": policy}, "NotFoundException",
            "No such policy exists")


@case("PutKeyPolicy", "ram_policy")
def _(env: CloudHsmKms, client: Any) -> Expected:
    key_id = symmetric(client)["KeyId"]
    policy = client.get_key_policy(KeyId=key_id)["Policy"]
    return ({"KeyId": key_id, "PolicyName": "AWS_RAM", "Policy": policy}, VALIDATION,
            "The AWS_RAM policy can only be managed by the RAM service.")


@case("ListKeyPolicies", "invalid_marker")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return {"KeyId": symmetric(client)["KeyId"], "Marker": "bogus"}, VALIDATION, "Invalid marker."


# -- grants -------------------------------------------------------------------------------------

SERVICE_GRANTS = (requires_member("CreateGrant", "GranteeServicePrincipal"),)


def grant(client: Any, key_id: str, **params: Any) -> dict[str, Any]:
    """CreateGrant's members: ``GRANTEE`` may Decrypt with the key, unless ``params`` say
    otherwise."""
    return {"KeyId": key_id, "GranteePrincipal": GRANTEE, "Operations": ["Decrypt"], **params}


@case("CreateGrant", "quota")
def _(env: CloudHsmKms, client: Any) -> Expected:
    env.settings = env.settings.replace(max_grants_per_key=1)
    key = symmetric(client)
    client.create_grant(**grant(client, key["KeyId"]))
    return (grant(client, key["KeyId"], Operations=["Encrypt"]), "LimitExceededException",
            f"The grant quota for {key['Arn']} (or for grantee {GRANTEE} on it) has been "
            f"reached.")


@case("CreateGrant", "grantee", marks=SERVICE_GRANTS)
def _(env: CloudHsmKms, client: Any) -> Expected:
    return (grant(client, symmetric(client)["KeyId"], GranteeServicePrincipal=SERVICE),
            VALIDATION, "You must specify either GranteePrincipal or GranteeServicePrincipal, "
                        "but not both.")


@case("CreateGrant", "retiring", marks=SERVICE_GRANTS)
def _(env: CloudHsmKms, client: Any) -> Expected:
    return (grant(client, symmetric(client)["KeyId"], RetiringPrincipal=GRANTEE,
                  RetiringServicePrincipal=SERVICE),
            VALIDATION, "You can specify either RetiringPrincipal or RetiringServicePrincipal, "
                        "but not both.")


def service_grant(client: Any, **params: Any) -> dict[str, Any]:
    """CreateGrant's members for a grant to :data:`SERVICE`."""
    return {"KeyId": symmetric(client)["KeyId"], "GranteeServicePrincipal": SERVICE,
            "Operations": ["Decrypt"], **params}


@case("CreateGrant", "source_arn", marks=SERVICE_GRANTS)
def _(env: CloudHsmKms, client: Any) -> Expected:
    return (service_grant(client, RetiringPrincipal=GRANTEE), VALIDATION,
            "A grant for a GranteeServicePrincipal requires a SourceArn grant constraint.")


@case("CreateGrant", "service_retiring", marks=SERVICE_GRANTS)
def _(env: CloudHsmKms, client: Any) -> Expected:
    return (service_grant(client, Constraints={"SourceArn": SOURCE_ARN}), VALIDATION,
            "A grant for a GranteeServicePrincipal requires a RetiringPrincipal or "
            "RetiringServicePrincipal.")


@case("CreateGrant", "operations")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return (grant(client, rsa(client, "SIGN_VERIFY")["KeyId"], Operations=["Encrypt"]),
            VALIDATION, "Grant operations Encrypt are not valid for a key with KeySpec RSA_2048 "
                        "and KeyUsage SIGN_VERIFY.")


@case("CreateGrant", "both_contexts")
def _(env: CloudHsmKms, client: Any) -> Expected:
    both = {"EncryptionContextEquals": {"a": "1"}, "EncryptionContextSubset": {"a": "1"}}
    return (grant(client, symmetric(client)["KeyId"], Constraints=both), VALIDATION,
            "A grant can have only one of EncryptionContextEquals and EncryptionContextSubset.")


@case("CreateGrant", "context_kind")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return (grant(client, rsa(client)["KeyId"],
                  Constraints={"EncryptionContextEquals": {"a": "1"}}), VALIDATION,
            "Encryption context grant constraints are valid only for symmetric encryption keys.")


@case("CreateGrant", "context_size")
def _(env: CloudHsmKms, client: Any) -> Expected:
    nine = {f"k{n}": "v" for n in range(9)}
    return (grant(client, symmetric(client)["KeyId"],
                  Constraints={"EncryptionContextSubset": nine}), VALIDATION,
            "A grant constraint can have at most 8 encryption context pairs, each value at "
            "most 384 characters.")


@case("ListGrants", "grantee_filter",
      marks=(requires_member("ListGrants", "GranteeServicePrincipal"),))
def _(env: CloudHsmKms, client: Any) -> Expected:
    return ({"KeyId": symmetric(client)["KeyId"], "GranteePrincipal": GRANTEE,
             "GranteeServicePrincipal": SERVICE}, VALIDATION,
            "Specify either GranteePrincipal or GranteeServicePrincipal, but not both.")


@case("ListGrants", "grant_id")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return ({"KeyId": symmetric(client)["KeyId"], "GrantId": "not-a-grant"},
            "InvalidGrantIdException", "Invalid grant ID not-a-grant.")


@case("ListRetirableGrants", "retiring_filter",
      marks=(requires_member("ListRetirableGrants", "RetiringServicePrincipal"),))
def _(env: CloudHsmKms, client: Any) -> Expected:
    return ({"RetiringPrincipal": GRANTEE, "RetiringServicePrincipal": SERVICE}, VALIDATION,
            "Specify either RetiringPrincipal or RetiringServicePrincipal, but not both.")


@case("RetireGrant", "invalid_token")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return {"GrantToken": "not-a-grant-token"}, "InvalidGrantTokenException", (
        "Invalid grant token.")


@case("RetireGrant", "not_found")
def _(env: CloudHsmKms, client: Any) -> Expected:
    key_id = symmetric(client)["KeyId"]
    made = client.create_grant(**grant(client, key_id))
    client.revoke_grant(KeyId=key_id, GrantId=made["GrantId"])
    return ({"GrantToken": made["GrantToken"]}, "NotFoundException",
            f"Grant ID {made['GrantId']} not found.")


@case("RetireGrant", "token_mismatch")
def _(env: CloudHsmKms, client: Any) -> Expected:
    made = client.create_grant(**grant(client, symmetric(client)["KeyId"]))
    return ({"GrantToken": made["GrantToken"], "GrantId": GRANT_ID}, "InvalidGrantIdException",
            f"Grant ID {GRANT_ID} does not match the grant of the grant token.")


@case("RetireGrant", "retire_what")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return ({"GrantId": GRANT_ID}, VALIDATION,
            "Specify a GrantToken, or both KeyId and GrantId.")


@case("RetireGrant", "grant_id")
@case("RevokeGrant", "grant_id")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return ({"KeyId": symmetric(client)["KeyId"], "GrantId": "not-a-grant"},
            "InvalidGrantIdException", "Invalid grant ID not-a-grant.")


@case("RevokeGrant", "not_found")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return ({"KeyId": symmetric(client)["KeyId"], "GrantId": GRANT_ID}, "NotFoundException",
            f"Grant ID {GRANT_ID} not found.")


# -- encryption ---------------------------------------------------------------------------------

INCORRECT_KEY = ("IncorrectKeyException",
                 "The key ID in the request does not identify a CMK that can perform this "
                 "operation.")
NO_CONTEXT = "EncryptionContext is not supported with asymmetric KMS keys."
TOO_LONG = ("Algorithm RSAES_OAEP_SHA_256 and key spec RSA_2048 cannot encrypt data larger than "
            "190 bytes.")
RSA_CIPHERTEXT = bytes(256)
"""256 bytes that no RSA_2048 key decrypts."""


@case("Encrypt", "rsa_too_long")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return ({"KeyId": rsa(client)["KeyId"], "Plaintext": bytes(191),
             "EncryptionAlgorithm": OAEP_256}, VALIDATION, TOO_LONG)


@case("Encrypt", "no_context")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return ({"KeyId": rsa(client)["KeyId"], "Plaintext": b"secret", "EncryptionAlgorithm": OAEP_256,
             "EncryptionContext": {"purpose": "test"}}, VALIDATION, NO_CONTEXT)


@case("Decrypt", "incorrect_key")
def _(env: CloudHsmKms, client: Any) -> Expected:
    blob = encrypted(client, symmetric(client)["KeyId"])
    return {"CiphertextBlob": blob, "KeyId": symmetric(client)["KeyId"]}, *INCORRECT_KEY


@case("Decrypt", "invalid_ciphertext")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return ({"CiphertextBlob": RSA_CIPHERTEXT, "KeyId": rsa(client)["KeyId"],
             "EncryptionAlgorithm": OAEP_256}, "InvalidCiphertextException", None)


@case("Decrypt", "no_context")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return ({"CiphertextBlob": RSA_CIPHERTEXT, "KeyId": rsa(client)["KeyId"],
             "EncryptionAlgorithm": OAEP_256, "EncryptionContext": {"purpose": "test"}},
            VALIDATION, NO_CONTEXT)


@case("ReEncrypt", "incorrect_key")
def _(env: CloudHsmKms, client: Any) -> Expected:
    blob = encrypted(client, symmetric(client)["KeyId"])
    other = symmetric(client)["KeyId"]
    return ({"CiphertextBlob": blob, "SourceKeyId": other, "DestinationKeyId": other},
            *INCORRECT_KEY)


@case("ReEncrypt", "invalid_ciphertext")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return ({"CiphertextBlob": RSA_CIPHERTEXT, "SourceKeyId": rsa(client)["KeyId"],
             "SourceEncryptionAlgorithm": OAEP_256, "DestinationKeyId": symmetric(client)["KeyId"]},
            "InvalidCiphertextException", None)


@case("ReEncrypt", "rsa_too_long")
def _(env: CloudHsmKms, client: Any) -> Expected:
    blob = encrypted(client, symmetric(client)["KeyId"], bytes(191))
    return ({"CiphertextBlob": blob, "DestinationKeyId": rsa(client)["KeyId"],
             "DestinationEncryptionAlgorithm": OAEP_256}, VALIDATION, TOO_LONG)


@case("ReEncrypt", "no_context")
def _(env: CloudHsmKms, client: Any) -> Expected:
    blob = encrypted(client, symmetric(client)["KeyId"])
    return ({"CiphertextBlob": blob, "DestinationKeyId": rsa(client)["KeyId"],
             "DestinationEncryptionAlgorithm": OAEP_256,
             "DestinationEncryptionContext": {"purpose": "test"}}, VALIDATION, NO_CONTEXT)


@case("GenerateDataKey", "bytes_or_spec")
@case("GenerateDataKeyWithoutPlaintext", "bytes_or_spec")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return ({"KeyId": symmetric(client)["KeyId"], "KeySpec": "AES_256", "NumberOfBytes": 32},
            VALIDATION, "Please specify either number of bytes or key spec.")


def _data_key_spec(operation: str, **params: Any) -> Case:
    def make(env: CloudHsmKms, client: Any) -> Expected:
        key = rsa(client)
        return ({"KeyId": key["KeyId"], **params}, "InvalidKeyUsageException",
                f"{key['Arn']} key spec is RSA_2048 which is not valid for {operation}.")
    return make


for _operation, _params in [("GenerateDataKey", {"NumberOfBytes": 32}),
                            ("GenerateDataKeyWithoutPlaintext", {"KeySpec": "AES_128"}),
                            ("GenerateDataKeyPair", {"KeyPairSpec": "ECC_NIST_P256"}),
                            ("GenerateDataKeyPairWithoutPlaintext", {"KeyPairSpec": "RSA_2048"})]:
    case(_operation, "data_key_spec")(_data_key_spec(_operation, **_params))


@case("GenerateDataKeyPair", "unmodelled_spec")
@case("GenerateDataKeyPairWithoutPlaintext", "unmodelled_spec")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return ({"KeyId": symmetric(client)["KeyId"], "KeyPairSpec": "SM2"}, UNSUPPORTED,
            "KeyPairSpec SM2 is not supported by pytest-cloudhsm-kms.")


# -- asymmetric keys and MACs ---------------------------------------------------------------------


@case("GetPublicKey", "no_public_key")
def _(env: CloudHsmKms, client: Any) -> Expected:
    key = symmetric(client)
    return ({"KeyId": key["KeyId"]}, UNSUPPORTED,
            f"{key['Arn']} is a SYMMETRIC_DEFAULT key, which has no public key.")


def signing(client: Any, spec: str, algorithm: str, message_type: str, message: bytes,
            verify: bool) -> dict[str, Any]:
    """Sign's members for a new ``spec`` signing key (and Verify's, with a signature)."""
    request = {"KeyId": keypair(client, spec, "SIGN_VERIFY")["KeyId"], "Message": message,
               "MessageType": message_type, "SigningAlgorithm": algorithm}
    return {**request, "Signature": bytes(64)} if verify else request


SIGNING: dict[str, tuple[tuple[str, str, str, bytes], str]] = {
    "digest_length": (("ECC_NIST_P256", "ECDSA_SHA_256", "DIGEST", bytes(31)),
                      "Digest is invalid length for algorithm ECDSA_SHA_256."),
    "external_mu": (("ECC_NIST_P256", "ECDSA_SHA_256", "EXTERNAL_MU", bytes(64)),
                    "MessageType EXTERNAL_MU takes a 64-byte mu and an ML-DSA key."),
    "ml_dsa_digest": (("ML_DSA_44", "ML_DSA_SHAKE_256", "DIGEST", bytes(64)),
                      "ML-DSA keys take MessageType RAW or EXTERNAL_MU."),
}


def _signing(name: str, verify: bool) -> Case:
    def make(env: CloudHsmKms, client: Any) -> Expected:
        request, text = SIGNING[name]
        return signing(client, *request, verify=verify), VALIDATION, text
    return make


for _operation in ("Sign", "Verify"):
    for _name in SIGNING:
        case(_operation, _name, marks=(needs_ml,) if _name == "ml_dsa_digest" else ())(
            _signing(_name, _operation == "Verify"))


@case("Verify", "invalid_signature")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return (signing(client, "ECC_NIST_P256", "ECDSA_SHA_256", "RAW", b"message", verify=True),
            "KMSInvalidSignatureException", None)


@case("VerifyMac", "invalid_mac")
def _(env: CloudHsmKms, client: Any) -> Expected:
    key_id = keypair(client, "HMAC_256", "GENERATE_VERIFY_MAC")["KeyId"]
    return ({"KeyId": key_id, "Message": b"message", "MacAlgorithm": "HMAC_SHA_256",
             "Mac": bytes(32)}, "KMSInvalidMacException", None)


@case("DeriveSharedSecret", "invalid_public_key")
def _(env: CloudHsmKms, client: Any) -> Expected:
    key_id = keypair(client, "ECC_NIST_P256", "KEY_AGREEMENT")["KeyId"]
    return ({"KeyId": key_id, "KeyAgreementAlgorithm": "ECDH", "PublicKey": b"not a key"},
            VALIDATION, None)


@case("Decapsulate", "invalid_ciphertext",
      marks=(needs_ml, requires_operation("Decapsulate")))
def _(env: CloudHsmKms, client: Any) -> Expected:
    key_id = keypair(client, "ML_KEM_768", "ENCAPSULATE_DECAPSULATE")["KeyId"]
    return ({"KeyId": key_id, "EncapsulationAlgorithm": "ML_KEM",
             "SharedSecretCiphertextBlob": bytes(100)}, "InvalidCiphertextException", None)


# -- imported key material ----------------------------------------------------------------------


def external(client: Any, **params: Any) -> dict[str, Any]:
    """A new key for imported material, PendingImport."""
    return new_key(client, Origin="EXTERNAL", **params)


def import_request(client: Any, key_id: str, material: bytes = MATERIAL,
                   **params: Any) -> dict[str, Any]:
    """ImportKeyMaterial's members: ``material`` wrapped under fresh import parameters."""
    given = client.get_parameters_for_import(KeyId=key_id, WrappingAlgorithm=OAEP_256,
                                             WrappingKeySpec="RSA_2048")
    return {"KeyId": key_id, "ImportToken": given["ImportToken"],
            "EncryptedKeyMaterial": wrap(given["PublicKey"], OAEP_256, material),
            **NEVER, **params}


def imported(client: Any, material: bytes = MATERIAL) -> dict[str, Any]:
    """The KeyMetadata of a new key with ``material`` imported."""
    key = external(client)
    client.import_key_material(**import_request(client, key["KeyId"], material))
    return key


def material_id(key: dict[str, Any], material: bytes) -> str:
    """The KeyMaterialId KMS gives ``material`` in ``key`` (as the fake derives it)."""
    return hashlib.sha256(key["KeyId"].encode() + material).hexdigest()


def unchecked_import(client: Any, key_id: str, **params: Any) -> dict[str, Any]:
    """ImportKeyMaterial's members where the expiration is checked before the token."""
    return {"KeyId": key_id, "ImportToken": b"token", "EncryptedKeyMaterial": b"material",
            **params}


@case("GetParametersForImport", "wrapping")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return ({"KeyId": external(client)["KeyId"], "WrappingAlgorithm": "RSAES_PKCS1_V1_5",
             "WrappingKeySpec": "RSA_2048"}, UNSUPPORTED,
            "Wrapping algorithm RSAES_PKCS1_V1_5 with wrapping key spec RSA_2048 is not "
            "supported.")


@case("ImportKeyMaterial", "valid_to_required")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return (unchecked_import(client, external(client)["KeyId"],
                             ExpirationModel="KEY_MATERIAL_EXPIRES"), VALIDATION,
            "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES")


@case("ImportKeyMaterial", "valid_to_not_valid")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return (unchecked_import(client, external(client)["KeyId"], **NEVER,
                             ValidTo=env.clock.now() + DAY), VALIDATION,
            "ValidTo is not valid when ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE.")


@case("ImportKeyMaterial", "valid_to_range")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return (unchecked_import(client, external(client)["KeyId"],
                             ExpirationModel="KEY_MATERIAL_EXPIRES",
                             ValidTo=env.clock.now() + 366 * DAY), VALIDATION,
            "ValidTo must be in the future and at most 365 days from now.")


@case("ImportKeyMaterial", "symmetric_only")
def _(env: CloudHsmKms, client: Any) -> Expected:
    key_id = external(client, KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyId"]
    return (unchecked_import(client, key_id, **NEVER, ImportType="NEW_KEY_MATERIAL"), VALIDATION,
            "ImportType, KeyMaterialId and KeyMaterialDescription apply only to symmetric "
            "encryption keys.")


@case("ImportKeyMaterial", "invalid_token")
def _(env: CloudHsmKms, client: Any) -> Expected:
    key = external(client)
    return (unchecked_import(client, key["KeyId"], **NEVER), "InvalidImportTokenException",
            f"The import token is not valid for {key['Arn']}.")


@case("ImportKeyMaterial", "expired_token")
def _(env: CloudHsmKms, client: Any) -> Expected:
    request = import_request(client, external(client)["KeyId"])
    env.clock.advance(25 * HOUR)
    return request, "ExpiredImportTokenException", "The import token has expired."


@case("ImportKeyMaterial", "not_unwrapped")
def _(env: CloudHsmKms, client: Any) -> Expected:
    request = import_request(client, external(client)["KeyId"])
    return {**request, "EncryptedKeyMaterial": bytes(256)}, "InvalidCiphertextException", None


@case("ImportKeyMaterial", "incorrect")
def _(env: CloudHsmKms, client: Any) -> Expected:
    key = external(client)
    return (import_request(client, key["KeyId"], bytes(16)), "IncorrectKeyMaterialException",
            f"The key material is not valid for {key['Arn']}: symmetric key material must be "
            f"32 bytes.")


@case("ImportKeyMaterial", "id_with_new")
def _(env: CloudHsmKms, client: Any) -> Expected:
    key = imported(client)
    return (import_request(client, key["KeyId"], OTHER_MATERIAL, ImportType="NEW_KEY_MATERIAL",
                           KeyMaterialId="a" * 64), VALIDATION,
            "You cannot specify a KeyMaterialId with ImportType NEW_KEY_MATERIAL.")


@case("ImportKeyMaterial", "already_associated")
def _(env: CloudHsmKms, client: Any) -> Expected:
    key = imported(client)
    return (import_request(client, key["KeyId"], ImportType="NEW_KEY_MATERIAL"),
            "IncorrectKeyMaterialException",
            f"This key material is already associated with {key['Arn']}.")


@case("ImportKeyMaterial", "not_previous")
def _(env: CloudHsmKms, client: Any) -> Expected:
    key = imported(client)
    return (import_request(client, key["KeyId"], OTHER_MATERIAL), "IncorrectKeyMaterialException",
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
    key = external(client)
    return {"KeyId": key["KeyId"]}, INVALID_STATE, f"{key['Arn']} is pending import."


@case("DeleteImportedKeyMaterial", "not_imported")
def _(env: CloudHsmKms, client: Any) -> Expected:
    key = imported(client)
    client.delete_imported_key_material(KeyId=key["KeyId"])
    deleted = material_id(key, MATERIAL)
    return ({"KeyId": key["KeyId"], "KeyMaterialId": deleted}, INVALID_STATE,
            f"Key material {deleted} of {key['Arn']} is not imported.")


# -- rotation -------------------------------------------------------------------------------------

@case("EnableKeyRotation", "not_symmetric")
@case("DisableKeyRotation", "not_symmetric")
@case("GetKeyRotationStatus", "not_symmetric")
@case("ListKeyRotations", "not_symmetric")
@case("RotateKeyOnDemand", "not_symmetric")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return {"KeyId": rsa(client)["KeyId"]}, UNSUPPORTED, None


@case("EnableKeyRotation", "replica")
@case("DisableKeyRotation", "replica")
@case("RotateKeyOnDemand", "replica")
def _(env: CloudHsmKms, client: Any) -> Expected:
    replica = replica_here(env)
    return ({"KeyId": replica["KeyId"]}, UNSUPPORTED,
            f"{replica['Arn']} is a multi-Region replica key: manage its rotation on the primary "
            f"key.")


@case("RotateKeyOnDemand", "in_progress")
def _(env: CloudHsmKms, client: Any) -> Expected:
    env.settings = env.settings.replace(on_demand_rotation_delay=HOUR)
    key = symmetric(client)
    client.rotate_key_on_demand(KeyId=key["KeyId"])
    return ({"KeyId": key["KeyId"]}, "ConflictException",
            f"A rotation of {key['Arn']} is in progress or about to begin.")


@case("RotateKeyOnDemand", "limit")
def _(env: CloudHsmKms, client: Any) -> Expected:
    env.settings = env.settings.replace(max_on_demand_rotations=1)
    key = symmetric(client)
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


def _not_primary(region_member: str) -> Case:
    def make(env: CloudHsmKms, client: Any) -> Expected:
        key = symmetric(client)
        return ({"KeyId": key["KeyId"], region_member: OTHER_REGION}, UNSUPPORTED,
                f"{key['Arn']} is not a multi-region primary key.")
    return make


case("ReplicateKey", "not_primary")(_not_primary("ReplicaRegion"))
case("UpdatePrimaryRegion", "not_primary")(_not_primary("PrimaryRegion"))


def _replicate_tags(bad: list[dict[str, str]], text: str) -> Case:
    def make(env: CloudHsmKms, client: Any) -> Expected:
        key_id = symmetric(client, MultiRegion=True)["KeyId"]
        return {"KeyId": key_id, "ReplicaRegion": OTHER_REGION, "Tags": bad}, TAG, text
    return make


for _name, _tags, _text in [("reserved_tag", RESERVED, "Tags beginning with aws: are reserved"),
                            ("duplicate_tags", DUPLICATE, "Duplicate tag keys"),
                            ("too_many_tags", tags(51), "Too many tags")]:
    case("ReplicateKey", _name)(_replicate_tags(_tags, _text))


@case("ReplicateKey", "same_region")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return ({"KeyId": symmetric(client, MultiRegion=True)["KeyId"], "ReplicaRegion": "us-east-1"},
            VALIDATION, "The replica Region must differ from the primary key's Region us-east-1.")


@case("ReplicateKey", "other_partition")
def _(env: CloudHsmKms, client: Any) -> Expected:
    return ({"KeyId": symmetric(client, MultiRegion=True)["KeyId"],
             "ReplicaRegion": "cn-north-1"}, VALIDATION,
            "The replica Region cn-north-1 is not in the partition aws of the primary key's "
            "Region us-east-1.")


@case("ReplicateKey", "replicated")
def _(env: CloudHsmKms, client: Any) -> Expected:
    key_id = symmetric(client, MultiRegion=True)["KeyId"]
    client.replicate_key(KeyId=key_id, ReplicaRegion=OTHER_REGION)
    return ({"KeyId": key_id, "ReplicaRegion": OTHER_REGION}, "AlreadyExistsException",
            f"{key_id} already has a replica key in {OTHER_REGION}.")


@case("UpdatePrimaryRegion", "no_replica")
def _(env: CloudHsmKms, client: Any) -> Expected:
    key_id = symmetric(client, MultiRegion=True)["KeyId"]
    return ({"KeyId": key_id, "PrimaryRegion": OTHER_REGION}, "NotFoundException",
            f"{key_id} has no replica key in {OTHER_REGION}.")


@case("UpdatePrimaryRegion", "not_ready")
def _(env: CloudHsmKms, client: Any) -> Expected:
    env.settings = env.settings.replace(replication_delay=HOUR)
    key_id = symmetric(client, MultiRegion=True)["KeyId"]
    replica = client.replicate_key(KeyId=key_id, ReplicaRegion=OTHER_REGION)
    return ({"KeyId": key_id, "PrimaryRegion": OTHER_REGION}, INVALID_STATE,
            f"{replica['ReplicaKeyMetadata']['Arn']} is Creating.")


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
