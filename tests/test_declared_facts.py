"""Each key state an operation's declaration refuses is refused (docs/aws-behaviour.md §3).

A declared fact takes effect only if the handler runs the check that reads it
(``KeyCheck.state``, or ``KeyCheck.usable`` for cryptography). These cases are
generated from the declarations (``kms.catalog.OPERATIONS``): for every operation
whose ``key_states`` leave out a state a test can put a key in (``Enabled``,
``Disabled``, ``PendingDeletion``; ``PendingImport`` where the request needs no key
material; ``Unavailable``, a CloudHSM key store key whose store is disconnected, where
such a key may serve the request; ``PendingReplicaDeletion``, a multi-Region primary key
with a replica, where the request takes a symmetric key), a real boto3 client sends a
request that passes every other check, and the answer must be the declared
``state_error``, else
``kms.checks.state_error``: code, HTTP 400 and message.

:data:`REQUESTS` holds one request per such operation. A newly declared operation
fails here until it has one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import load_der_public_key
from helpers import Failure, needs_ml, new_key, requires_operation, snake

from pytest_cloudhsm_kms import CloudHsmKms
from pytest_cloudhsm_kms.kms.catalog import OPERATIONS
from pytest_cloudhsm_kms.kms.checks import state_error
from pytest_cloudhsm_kms.kms.declaration import InCloudHsm
from pytest_cloudhsm_kms.kms.model import KeyState

ROLE = "arn:aws:iam::111122223333:role/app"
OTHER_REGION = "us-west-2"
THIRD_REGION = "eu-west-1"

KINDS: dict[str, dict[str, Any]] = {
    "symmetric": {},
    "external": {"Origin": "EXTERNAL"},
    "multi_region": {"MultiRegion": True},
    "rsa_encrypt": {"KeySpec": "RSA_2048", "KeyUsage": "ENCRYPT_DECRYPT"},
    "rsa_sign": {"KeySpec": "RSA_2048", "KeyUsage": "SIGN_VERIFY"},
    "hmac": {"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"},
    "agreement": {"KeySpec": "ECC_NIST_P256", "KeyUsage": "KEY_AGREEMENT"},
    "kem": {"KeySpec": "ML_KEM_768", "KeyUsage": "ENCAPSULATE_DECAPSULATE"},
}
"""The CreateKey members of each kind of key a request needs."""

Params = Callable[[Any, str], dict[str, Any]]


class Request(NamedTuple):
    """A request that passes every check but the key's state."""

    kind: str
    """The key to make (:data:`KINDS`)."""
    params: Params
    """The members besides the key's, made with (client, key ID) before the key is moved
    to the refused state: while it is ``Enabled``, or ``PendingImport`` (``external``
    kind, or :attr:`imported`)."""
    member: str = "KeyId"
    """The member that names the key."""
    imported: bool = False
    """Whether the request also fits a key of this kind waiting for imported material."""


def given(**members: Any) -> Params:
    """The same members, whatever the key."""
    return lambda client, key_id: members


def ciphertext(client: Any, key_id: str) -> dict[str, Any]:
    return {"CiphertextBlob": client.encrypt(KeyId=key_id, Plaintext=b"x")["CiphertextBlob"]}


def other_ciphertext(client: Any, key_id: str) -> dict[str, Any]:
    return ciphertext(client, new_key(client)["KeyId"])


def signature(client: Any, key_id: str) -> dict[str, Any]:
    signed = client.sign(KeyId=key_id, Message=b"m", SigningAlgorithm="RSASSA_PSS_SHA_256")
    return {"Message": b"m", "SigningAlgorithm": "RSASSA_PSS_SHA_256",
            "Signature": signed["Signature"]}


def mac(client: Any, key_id: str) -> dict[str, Any]:
    made = client.generate_mac(KeyId=key_id, Message=b"m", MacAlgorithm="HMAC_SHA_256")
    return {"Message": b"m", "MacAlgorithm": "HMAC_SHA_256", "Mac": made["Mac"]}


def own_public_key(client: Any, key_id: str) -> dict[str, Any]:
    return {"KeyAgreementAlgorithm": "ECDH",
            "PublicKey": client.get_public_key(KeyId=key_id)["PublicKey"]}


def encapsulated(client: Any, key_id: str) -> dict[str, Any]:
    made = client.encapsulate(KeyId=key_id, EncapsulationAlgorithm="ML_KEM")
    return {"EncapsulationAlgorithm": "ML_KEM",
            "SharedSecretCiphertextBlob": made["SharedSecretCiphertextBlob"]}


def wrapped_material(client: Any, key_id: str) -> dict[str, Any]:
    parameters = client.get_parameters_for_import(
        KeyId=key_id, WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048")
    wrapping = load_der_public_key(parameters["PublicKey"])
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    return {"ImportToken": parameters["ImportToken"],
            "EncryptedKeyMaterial": wrapping.encrypt(bytes(32), oaep),  # type: ignore[union-attr]
            "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"}


def replica(client: Any, key_id: str) -> dict[str, Any]:
    client.replicate_key(KeyId=key_id, ReplicaRegion=OTHER_REGION)
    return {"PrimaryRegion": OTHER_REGION}


def alias_of_another_key(client: Any, key_id: str) -> dict[str, Any]:
    client.create_alias(AliasName="alias/declared", TargetKeyId=new_key(client)["KeyId"])
    return {"AliasName": "alias/declared"}


SIGN = given(Message=b"m", SigningAlgorithm="RSASSA_PSS_SHA_256")
WRAPPING = given(WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048")

# One request per operation that refuses a key state; imported=True where it also fits a
# key waiting for imported material (Origin EXTERNAL, PendingImport).
REQUESTS: dict[str, Request] = {
    "CancelKeyDeletion": Request("symmetric", given(), imported=True),
    "CreateAlias": Request("symmetric", given(AliasName="alias/declared"), "TargetKeyId"),
    "CreateGrant": Request("symmetric", given(GranteePrincipal=ROLE, Operations=["Encrypt"])),
    "Decapsulate": Request("kem", encapsulated),
    "Decrypt": Request("symmetric", ciphertext),
    "DeriveSharedSecret": Request("agreement", own_public_key),
    "DisableKey": Request("symmetric", given()),
    "DisableKeyRotation": Request("symmetric", given(), imported=True),
    "EnableKey": Request("symmetric", given()),
    "EnableKeyRotation": Request("symmetric", given(), imported=True),
    "Encapsulate": Request("kem", given(EncapsulationAlgorithm="ML_KEM")),
    "Encrypt": Request("symmetric", given(Plaintext=b"x"), imported=True),
    "GenerateDataKey": Request("symmetric", given(KeySpec="AES_256"), imported=True),
    "GenerateDataKeyPair": Request("symmetric", given(KeyPairSpec="RSA_2048"), imported=True),
    "GenerateDataKeyPairWithoutPlaintext": Request(
        "symmetric", given(KeyPairSpec="ECC_NIST_P256"), imported=True),
    "GenerateDataKeyWithoutPlaintext": Request(
        "symmetric", given(NumberOfBytes=16), imported=True),
    "GenerateMac": Request(
        "hmac", given(Message=b"m", MacAlgorithm="HMAC_SHA_256"), imported=True),
    "GetParametersForImport": Request("external", WRAPPING),
    "GetPublicKey": Request("rsa_encrypt", given(), imported=True),
    "ImportKeyMaterial": Request("external", wrapped_material),
    "ReEncrypt": Request("symmetric", other_ciphertext, "DestinationKeyId", imported=True),
    "ReplicateKey": Request("multi_region", given(ReplicaRegion=OTHER_REGION)),
    "RotateKeyOnDemand": Request("symmetric", given(), imported=True),
    "ScheduleKeyDeletion": Request("symmetric", given(PendingWindowInDays=7)),
    "Sign": Request("rsa_sign", SIGN, imported=True),
    "TagResource": Request("symmetric", given(Tags=[{"TagKey": "k", "TagValue": "v"}])),
    "UntagResource": Request("symmetric", given(TagKeys=["k"])),
    "UpdateAlias": Request("symmetric", alias_of_another_key, "TargetKeyId"),
    "UpdateKeyDescription": Request("symmetric", given(Description="d")),
    "UpdatePrimaryRegion": Request("multi_region", replica),
    "Verify": Request("rsa_sign", signature),
    "VerifyMac": Request("hmac", mac),
}


REACHABLE = (KeyState.ENABLED, KeyState.DISABLED, KeyState.PENDING_DELETION)
"""The states :func:`into` puts any key in. Also ``PendingImport`` for
:attr:`Request.imported`, ``Unavailable`` (a CloudHSM key store key, its store
disconnected) for a request on a symmetric key that such a key may serve, and
``PendingReplicaDeletion`` (a multi-Region primary key with a replica) for a request on a
symmetric key."""


def cases() -> list[Any]:
    """(operation, state) for each state a declaration refuses that a test can reach."""
    found = []
    for name, declared in OPERATIONS.items():
        request = REQUESTS.get(name)
        reachable = REACHABLE
        if request is not None and request.imported:
            reachable += (KeyState.PENDING_IMPORT,)
        if (request is not None and request.kind == "symmetric"
                and declared.in_cloudhsm == InCloudHsm.ALLOWED):
            reachable += (KeyState.UNAVAILABLE,)
        if request is not None and request.kind in ("symmetric", "multi_region"):
            reachable += (KeyState.PENDING_REPLICA_DELETION,)
        marks = [requires_operation(name)]
        if request is not None and request.kind == "kem":
            marks.append(needs_ml)
        found += [pytest.param(name, state, marks=marks, id=f"{name}-{state}")
                  for state in reachable if state not in declared.key_states]
    return found


def new(request: pytest.FixtureRequest, client: Any, kind: str, state: str) -> dict[str, Any]:
    """The KeyMetadata of a new key of ``kind``, from which :func:`into` reaches ``state``."""
    if state == KeyState.UNAVAILABLE:
        return dict(request.getfixturevalue("cloudhsm_key"))
    if state == KeyState.PENDING_REPLICA_DELETION:
        return new_key(client, **{**KINDS[kind], "MultiRegion": True})
    origin = {"Origin": "EXTERNAL"} if state == KeyState.PENDING_IMPORT else {}
    return new_key(client, **KINDS[kind], **origin)


def into(client: Any, key: dict[str, Any], state: str) -> None:
    """Move a key :func:`new` made into ``state``."""
    if state == KeyState.DISABLED:
        client.disable_key(KeyId=key["KeyId"])
    elif state == KeyState.PENDING_DELETION:
        client.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    elif state == KeyState.UNAVAILABLE:
        client.disconnect_custom_key_store(CustomKeyStoreId=key["CustomKeyStoreId"])
    elif state == KeyState.PENDING_REPLICA_DELETION:  # a region the request does not use
        client.replicate_key(KeyId=key["KeyId"], ReplicaRegion=THIRD_REGION)
        client.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)


@pytest.mark.parametrize(("operation", "state"), cases())
def test_a_refused_key_state_gets_the_declared_error(
    request: pytest.FixtureRequest, cloudhsm_kms: CloudHsmKms, kms_client: Any,
    operation: str, state: str,
) -> None:
    wanted = REQUESTS.get(operation)
    assert wanted is not None, (
        f"{operation} refuses keys that are {state} (its @operation key_states), but "
        f"tests/test_declared_facts.py has no request for it: add one to REQUESTS")
    made = new(request, kms_client, wanted.kind, state)
    key_id = made["KeyId"]
    params = wanted.params(kms_client, key_id)
    into(kms_client, made, state)
    key = cloudhsm_kms.kms().keys[key_id]
    declared = OPERATIONS[operation]
    # Refused, and the answer expected is that of the state reached: a primary key with
    # replicas (UpdatePrimaryRegion's request makes one) waits in PendingReplicaDeletion, not
    # PendingDeletion (docs/aws-behaviour.md §11.7).
    assert key.key_state not in declared.key_states, key.key_state

    try:
        getattr(kms_client, snake(operation))(**{wanted.member: key_id}, **params)
    except ClientError as raised:
        error = raised.response["Error"]
        answer = Failure(error["Code"], raised.response["ResponseMetadata"]["HTTPStatusCode"],
                         error.get("Message", ""))
    else:
        answer = None

    if declared.state_error is not None:
        code, text = declared.state_error
        expected = Failure(code, 400, text.format(arn=key.arn))
    else:
        refusal = state_error(key)
        expected = Failure(refusal.code, 400, str(refusal.message))
    assert answer == expected, (
        f"{operation} of a key that is {key.key_state} answered {answer or 'success'}, but its "
        f"declaration refuses that state with {expected}: does the handler run "
        f"KeyCheck.state (or KeyCheck.usable) before acting?")
