"""AWS CloudHSM key stores: what AWS's documentation shows KMS answering, as checks.

LocalStack cannot record these answers, so the source of each case is an example
or walkthrough of AWS's own documentation (``documented.py`` names the file,
example and version). The scenarios are ours (``key_store_scenarios.py``): a
ready cluster of the fake, a store made and connected through a boto3 client,
and the cluster broken the way the page describes. Identifying values (IDs,
dates, certificates) are checked by their form; members, fixed values, empty
answers, error codes and quoted texts as documented.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest

from pytest_cloudhsm_kms.cloudhsm import KMSUSER_PASSWORD

from .key_store_scenarios import (
    all_hsms_deleted_then_connected,
    cluster,
    cluster_certificate_as_anchor,
    cluster_deleted_then_connected,
    connected_store,
    connected_store_one_hsm,
    connected_then_disconnected,
    deleted_store,
    deleted_while_disconnected,
    deletion_cancelled_while_disconnected,
    described_store_key,
    disconnected_store,
    full_subnet_then_connected,
    invalid_credentials,
    kmsuser_logged_in_then_connected,
    locked_out,
    no_kmsuser_then_connected,
    one_hsm_cluster,
    reconnected,
    related_cluster,
    store_key_cluster_deleted,
    store_key_disabled_disconnected,
    store_key_disabled_while_disconnected,
    store_key_disconnected,
    store_key_pending_deletion_disconnected,
    uninitialized_cluster,
)
from .recording import (
    ABSENT,
    ARN,
    SYMMETRIC_KEY,
    UNRECORDED,
    UNSHOWN,
    Case,
    KeyRef,
    Shape,
    World,
    case_ids,
    check,
    length,
)

CKS_ID = Shape("custom key store ID (cks- and 17 hex digits)",
               lambda v: isinstance(v, str) and re.fullmatch(r"cks-[0-9a-f]{17}", v) is not None)
MILLISECONDS = Shape(
    "date to the millisecond (the examples' 1.499288695918E9)",
    lambda v: isinstance(v, datetime.datetime) and v.microsecond % 1000 == 0)
UUID = Shape("key ID (a UUID)", lambda v: isinstance(v, str) and re.fullmatch(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", v) is not None)


def store_entry(state: str, **members: Any) -> dict[str, Any]:
    """A ``CustomKeyStores`` entry of an ``AWS_CLOUDHSM`` store as every example shows it.

    Examples older than external key stores lack ``CustomKeyStoreType``; the Developer
    Guide notes that the member was added to tell the two store types apart
    (kdg/disconnect-keystore), and its newer examples show ``AWS_CLOUDHSM``.
    """
    return {
        "CloudHsmClusterId": "<cluster-id>",
        "ConnectionState": state,
        "CreationDate": MILLISECONDS,
        "CustomKeyStoreId": "<cks-id>",
        "CustomKeyStoreName": "ExampleKeyStore",
        "CustomKeyStoreType": "AWS_CLOUDHSM",
        "TrustAnchorCertificate": "<trust-anchor>",
        **members,
    }


def stores(*entries: dict[str, Any]) -> dict[str, Any]:
    """A DescribeCustomKeyStores answer; the examples leave ``Truncated`` out."""
    return {"CustomKeyStores": list(entries), "Truncated": UNSHOWN}


CLOUDHSM_KEY: dict[str, Any] = {  # api/CreateKey#custom-key-store: exactly these members
    **SYMMETRIC_KEY,
    "Arn": ARN,
    "CloudHsmClusterId": "<cluster-id>",
    "CreationDate": MILLISECONDS,
    "CustomKeyStoreId": "<cks-id>",
    "Description": "",
    "KeyId": UUID,
    "Origin": "AWS_CLOUDHSM",
}


STORE = {"CustomKeyStoreId": "<cks-id>"}
KEY = {"KeyId": "<key-id:1>"}
INVALID_STATE = ("CustomKeyStoreInvalidStateException", UNRECORDED)
KEY_INVALID_STATE = ("KMSInvalidStateException", UNRECORDED)
CREATE_STORE = {
    "CustomKeyStoreName": "ExampleKeyStore",
    "CloudHsmClusterId": "<cluster-id>",
    "KeyStorePassword": KMSUSER_PASSWORD,
    "TrustAnchorCertificate": "<trust-anchor>",
}
IN_STORE = {"Origin": "AWS_CLOUDHSM", "CustomKeyStoreId": "<cks-id>"}


CASES: list[Case] = [
    # -- CreateCustomKeyStore ------------------------------------------------------------
    Case("api/CreateCustomKeyStore#example", "new-store-id", "CreateCustomKeyStore",
         CREATE_STORE, cluster, answer={"CustomKeyStoreId": CKS_ID}),
    Case("kdg/ct-create-keystore", "response-elements", "CreateCustomKeyStore",
         CREATE_STORE, cluster, answer={"CustomKeyStoreId": CKS_ID}),
    Case("api/CreateCustomKeyStore#errors", "name-in-use", "CreateCustomKeyStore",
         CREATE_STORE, connected_store,
         error=("CustomKeyStoreNameInUseException", UNRECORDED)),
    Case("api/CreateCustomKeyStore#errors", "cluster-in-use", "CreateCustomKeyStore",
         {**CREATE_STORE, "CustomKeyStoreName": "OtherKeyStore"}, disconnected_store,
         error=("CloudHsmClusterInUseException", UNRECORDED)),
    Case("api/CreateCustomKeyStore#errors", "cluster-not-found", "CreateCustomKeyStore",
         {**CREATE_STORE, "CloudHsmClusterId": "cluster-234abcdefgh"}, cluster,
         error=("CloudHsmClusterNotFoundException", UNRECORDED)),
    Case("api/CreateCustomKeyStore#errors", "cluster-not-active", "CreateCustomKeyStore",
         CREATE_STORE, uninitialized_cluster,
         error=("CloudHsmClusterNotActiveException", UNRECORDED)),
    Case("api/CreateCustomKeyStore#errors", "one-hsm", "CreateCustomKeyStore",
         CREATE_STORE, one_hsm_cluster,
         error=("CloudHsmClusterInvalidConfigurationException", UNRECORDED)),
    Case("api/CreateCustomKeyStore#errors", "wrong-trust-anchor", "CreateCustomKeyStore",
         CREATE_STORE, cluster_certificate_as_anchor,
         error=("IncorrectTrustAnchorException", UNRECORDED)),
    # -- DescribeCustomKeyStores ------------------------------------------------------------
    Case("api/DescribeCustomKeyStores#all", "no-stores", "DescribeCustomKeyStores", {},
         answer=stores()),
    Case("api/DescribeCustomKeyStores#by-name", "connected", "DescribeCustomKeyStores",
         {"CustomKeyStoreName": "ExampleKeyStore"}, connected_store,
         answer=stores(store_entry("CONNECTED"))),
    Case("cli/describe-custom-key-stores", "connected", "DescribeCustomKeyStores",
         {"CustomKeyStoreName": "ExampleKeyStore"}, connected_store,
         answer=stores(store_entry("CONNECTED"))),
    Case("kdg/disconnect-keystore", "connected", "DescribeCustomKeyStores", STORE,
         connected_store, answer=stores(store_entry("CONNECTED"))),
    Case("kdg/disconnect-keystore", "failed-cluster-not-found", "DescribeCustomKeyStores",
         STORE, cluster_deleted_then_connected,
         answer=stores(store_entry("FAILED", ConnectionErrorCode="CLUSTER_NOT_FOUND"))),
    Case("kdg/disconnect-keystore", "disconnected", "DescribeCustomKeyStores", STORE,
         connected_then_disconnected,
         answer=stores(store_entry("DISCONNECTED", ConnectionErrorCode=ABSENT))),
    Case("kdg/view-keystore", "failed-invalid-credentials", "DescribeCustomKeyStores", STORE,
         invalid_credentials,
         answer=stores(store_entry("FAILED", ConnectionErrorCode="INVALID_CREDENTIALS"))),
    Case("kdg/fix-keystore", "failed-invalid-credentials", "DescribeCustomKeyStores",
         {"CustomKeyStoreName": "ExampleKeyStore"}, invalid_credentials,
         answer=stores(store_entry("FAILED", ConnectionErrorCode="INVALID_CREDENTIALS"))),
    Case("kdg/fix-keystore", "failed-user-locked-out", "DescribeCustomKeyStores",
         {"CustomKeyStoreName": "ExampleKeyStore"}, locked_out,
         answer=stores(store_entry("FAILED", ConnectionErrorCode="USER_LOCKED_OUT"))),
    Case("kdg/fix-keystore", "failed-insufficient-hsms", "DescribeCustomKeyStores", STORE,
         all_hsms_deleted_then_connected,
         answer=stores(store_entry("FAILED", ConnectionErrorCode="INSUFFICIENT_CLOUDHSM_HSMS"))),
    Case("kdg/fix-keystore", "failed-user-not-found", "DescribeCustomKeyStores", STORE,
         no_kmsuser_then_connected,
         answer=stores(store_entry("FAILED", ConnectionErrorCode="USER_NOT_FOUND"))),
    Case("kdg/fix-keystore", "failed-user-logged-in", "DescribeCustomKeyStores", STORE,
         kmsuser_logged_in_then_connected,
         answer=stores(store_entry("FAILED", ConnectionErrorCode="USER_LOGGED_IN"))),
    Case("kdg/fix-keystore", "failed-insufficient-free-addresses", "DescribeCustomKeyStores",
         STORE, full_subnet_then_connected,
         answer=stores(store_entry(
             "FAILED", ConnectionErrorCode="INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET"))),
    Case("kdg/delete-keystore", "deleted", "DescribeCustomKeyStores", {}, deleted_store,
         answer=stores()),
    # -- ConnectCustomKeyStore, DisconnectCustomKeyStore ------------------------------------
    Case("api/ConnectCustomKeyStore#example", "no-output", "ConnectCustomKeyStore", STORE,
         disconnected_store, answer={}),
    Case("kdg/disconnect-keystore", "connect-no-properties", "ConnectCustomKeyStore", STORE,
         connected_then_disconnected, answer={}),
    Case("kdg/fix-keystore", "connect-failed-store", "ConnectCustomKeyStore", STORE,
         invalid_credentials, error=INVALID_STATE),
    Case("api/DisconnectCustomKeyStore#example", "no-output", "DisconnectCustomKeyStore",
         STORE, connected_store, answer={}),
    Case("kdg/disconnect-keystore", "disconnect-no-properties", "DisconnectCustomKeyStore",
         STORE, invalid_credentials, answer={}),
    # -- UpdateCustomKeyStore ----------------------------------------------------------------
    Case("api/UpdateCustomKeyStore#password", "no-output", "UpdateCustomKeyStore",
         {**STORE, "KeyStorePassword": "ExamplePassword"}, connected_then_disconnected,
         answer={}),
    Case("api/UpdateCustomKeyStore#name", "no-output", "UpdateCustomKeyStore",
         {**STORE, "NewCustomKeyStoreName": "DevelopmentKeys"}, connected_then_disconnected,
         answer={}),
    Case("api/UpdateCustomKeyStore#cluster", "no-output", "UpdateCustomKeyStore",
         {**STORE, "CloudHsmClusterId": "<cluster-id:2>"}, related_cluster, answer={}),
    # -- DeleteCustomKeyStore ----------------------------------------------------------------
    Case("api/DeleteCustomKeyStore#example", "no-output", "DeleteCustomKeyStore", STORE,
         connected_then_disconnected, answer={}),
    Case("kdg/delete-keystore", "no-properties", "DeleteCustomKeyStore", STORE,
         disconnected_store, answer={}),
    Case("api/DeleteCustomKeyStore#errors", "connected", "DeleteCustomKeyStore", STORE,
         connected_store, error=INVALID_STATE),
    Case("api/DeleteCustomKeyStore#errors", "has-keys", "DeleteCustomKeyStore", STORE,
         store_key_disconnected, error=("CustomKeyStoreHasCMKsException", UNRECORDED)),
    # -- CreateKey in the store, and its keys ----------------------------------------------------
    Case("api/CreateKey#custom-key-store", "key-metadata", "CreateKey", IN_STORE,
         connected_store, answer={"KeyMetadata": CLOUDHSM_KEY}),
    Case("cli/create-key#cloudhsm", "key-metadata", "CreateKey", IN_STORE, connected_store,
         answer={"KeyMetadata": CLOUDHSM_KEY}),
    Case("kdg/create-cmk-keystore", "key-metadata", "CreateKey",
         {**IN_STORE, "Description": "Example key"}, connected_store,
         answer={"KeyMetadata": {**CLOUDHSM_KEY, "Description": "Example key"}}),
    Case("kdg/ct-createkey", "response-elements", "CreateKey", IN_STORE, connected_store,
         answer={"KeyMetadata": CLOUDHSM_KEY}),
    Case("kdg/create-cmk-keystore", "store-not-connected", "CreateKey", IN_STORE,
         disconnected_store, error=INVALID_STATE),
    Case("kdg/create-cmk-keystore", "one-active-hsm", "CreateKey", IN_STORE,
         connected_store_one_hsm,
         error=("CloudHsmClusterInvalidConfigurationException", UNRECORDED)),
    Case("kdg/fix-keystore", "create-in-disconnected-store", "CreateKey", IN_STORE,
         connected_then_disconnected, error=INVALID_STATE),
    Case("kdg/fix-keystore", "unavailable", "DescribeKey", KEY, store_key_disconnected,
         answer={"KeyMetadata": {"KeyState": "Unavailable"}}, partial=True),
    Case("kdg/fix-keystore", "pending-deletion-while-disconnected", "DescribeKey", KEY,
         store_key_pending_deletion_disconnected,
         answer={"KeyMetadata": {"KeyState": "PendingDeletion"}}, partial=True),
    Case("kdg/fix-keystore", "cancel-without-reconnecting", "CancelKeyDeletion", KEY,
         store_key_pending_deletion_disconnected, answer={"KeyId": KeyRef()}),
    Case("kdg/fix-keystore", "unavailable-after-cancel", "DescribeKey", KEY,
         deletion_cancelled_while_disconnected,
         answer={"KeyMetadata": {"KeyState": "Unavailable"}}, partial=True),
    Case("kdg/fix-keystore", "disabled-after-cancel-and-reconnect", "DescribeKey", KEY,
         reconnected(deletion_cancelled_while_disconnected),
         answer={"KeyMetadata": {"KeyState": "Disabled"}}, partial=True),
    Case("kdg/fix-keystore", "enabled-after-reconnect", "DescribeKey", KEY,
         reconnected(store_key_disconnected),
         answer={"KeyMetadata": {"KeyState": "Enabled"}}, partial=True),
    Case("kdg/fix-keystore", "disabled-after-reconnect", "DescribeKey", KEY,
         reconnected(store_key_disabled_disconnected),
         answer={"KeyMetadata": {"KeyState": "Disabled"}}, partial=True),
    Case("kdg/fix-keystore", "disable-while-unavailable", "DisableKey", KEY,
         store_key_disconnected, answer={}),
    Case("kdg/fix-keystore", "still-unavailable-after-disable", "DescribeKey", KEY,
         store_key_disabled_while_disconnected,
         answer={"KeyMetadata": {"KeyState": "Unavailable"}}, partial=True),
    Case("kdg/fix-keystore", "disable-takes-effect-on-reconnect", "DescribeKey", KEY,
         reconnected(store_key_disabled_while_disconnected),
         answer={"KeyMetadata": {"KeyState": "Disabled"}}, partial=True),
    Case("kdg/view-cmk-keystore", "key-metadata", "DescribeKey", KEY, described_store_key,
         answer={"KeyMetadata": {**CLOUDHSM_KEY, "KeyId": "<key-id:1>",
                                 "Description": "Key in custom key store"}}),
    Case("kdg/delete-cmk-keystore", "pending-deletion-while-disconnected", "DescribeKey", KEY,
         store_key_pending_deletion_disconnected,
         answer={"KeyMetadata": {"KeyState": "PendingDeletion"}}, partial=True),
    Case("kdg/delete-cmk-keystore", "deleted-while-disconnected", "DescribeKey", KEY,
         deleted_while_disconnected, error=("NotFoundException", UNRECORDED)),
    Case("kdg/fix-keystore", "encrypt-disconnected", "Encrypt", {**KEY, "Plaintext": b"data"},
         store_key_disconnected, error=KEY_INVALID_STATE),
    Case("kdg/fix-keystore", "decrypt-disconnected", "Decrypt",
         {"CiphertextBlob": "<blob:ciphertext>"}, store_key_disconnected,
         error=KEY_INVALID_STATE),
    Case("kdg/fix-keystore", "re-encrypt-disconnected", "ReEncrypt",
         {"CiphertextBlob": "<blob:ciphertext>", "DestinationKeyId": "<key-id:1>"},
         store_key_disconnected, error=KEY_INVALID_STATE),
    Case("kdg/fix-keystore", "generate-data-key-disconnected", "GenerateDataKey",
         {**KEY, "KeySpec": "AES_256"}, store_key_disconnected, error=KEY_INVALID_STATE),
    Case("kdg/fix-keystore", "cannot-communicate", "Encrypt", {**KEY, "Plaintext": b"data"},
         store_key_cluster_deleted,
         error=("KMSInvalidStateException", "KMS cannot communicate with your CloudHSM cluster")),
    # -- GenerateRandom in the store -------------------------------------------------------
    Case("api/GenerateRandom#custom-key-store", "connected", "GenerateRandom",
         {"NumberOfBytes": 32, **STORE}, connected_store, answer={"Plaintext": length(32)}),
    Case("api/GenerateRandom#custom-key-store", "disconnected", "GenerateRandom",
         {"NumberOfBytes": 32, **STORE}, connected_then_disconnected, error=INVALID_STATE),
]


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_documented(case: Case, world: World) -> None:
    check(case, world)
