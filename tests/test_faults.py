"""The four faults through boto3, as AWS reports them (docs/aws-behaviour.md §1.4-1.5, §2.6, §5.1).

Each fault is checked through the APIs a user sees (the error code, HTTP
status and message of a cryptographic call; DescribeKey,
DescribeCustomKeyStores and DescribeClusters), and lifting it must give back
the very same describe outputs.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from fidelity import assert_valid_output
from helpers import ONE_ATTEMPT, THROTTLING_MESSAGE, failure, key_state

from pytest_cloudhsm_kms.faults import Disconnected, MissingKeyMaterial, Throttled, make_fault


def encrypts(kms: Any, key: dict[str, Any]) -> bool:
    """Whether Encrypt with the key succeeds (answering the key's ARN)."""
    return bool(kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["KeyId"] == key["Arn"])


def world(kms: Any, cloudhsmv2: Any, key_id: str) -> dict[str, Any]:
    """What DescribeKey, DescribeCustomKeyStores and DescribeClusters show, checked
    against the botocore model."""
    outputs = {
        "DescribeKey": kms.describe_key(KeyId=key_id),
        "DescribeCustomKeyStores": kms.describe_custom_key_stores(),
        "DescribeClusters": cloudhsmv2.describe_clusters(),
    }
    for operation, output in outputs.items():
        service = "cloudhsmv2" if operation == "DescribeClusters" else "kms"
        assert_valid_output(service, operation, output)
        del output["ResponseMetadata"]
    return {
        "key": outputs["DescribeKey"]["KeyMetadata"],
        "store": outputs["DescribeCustomKeyStores"]["CustomKeyStores"][0],
        "cluster": outputs["DescribeClusters"]["Clusters"][0],
    }


@pytest.fixture
def before(
    kms_no_retry: Any, cloudhsmv2_client: Any, cloudhsm_key: dict[str, Any],
) -> dict[str, Any]:
    return world(kms_no_retry, cloudhsmv2_client, cloudhsm_key["KeyId"])


@pytest.fixture
def blob(kms_no_retry: Any, cloudhsm_key: dict[str, Any]) -> bytes:
    """A ciphertext of ``b"x"`` under the CloudHSM key, made before any fault."""
    result: bytes = kms_no_retry.encrypt(KeyId=cloudhsm_key["KeyId"], Plaintext=b"x")[
        "CiphertextBlob"]
    return result


def assert_as_before(kms: Any, cloudhsmv2: Any, key_id: str, before: dict[str, Any],
                     blob: bytes) -> None:
    """Lifting a fault gives back the very same describe outputs, and the blob decrypts."""
    assert world(kms, cloudhsmv2, key_id) == before
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"x"


# -- disconnected --------------------------------------------------------------------------


def test_a_disconnected_store_reports_disconnected_and_its_keys_unavailable(
    cloudhsm_kms, kms_no_retry, cloudhsmv2_client, cloudhsm_key, before, blob,
) -> None:
    with cloudhsm_kms.fault("disconnected"):
        during = world(kms_no_retry, cloudhsmv2_client, cloudhsm_key["KeyId"])
        assert during["store"]["ConnectionState"] == "DISCONNECTED"
        assert "ConnectionErrorCode" not in during["store"]
        assert during["key"]["KeyState"] == "Unavailable"
        assert during["key"]["Enabled"] is False
        assert during["cluster"] == before["cluster"]  # the cluster is fine; KMS is not connected
        unavailable = ("KMSInvalidStateException", 400, f"{cloudhsm_key['Arn']} is unavailable.")
        key_id = cloudhsm_key["KeyId"]
        assert failure(kms_no_retry.encrypt, KeyId=key_id, Plaintext=b"x") == unavailable
        assert failure(kms_no_retry.decrypt, CiphertextBlob=blob) == unavailable
        assert failure(kms_no_retry.generate_data_key, KeyId=key_id, KeySpec="AES_256") == (
            unavailable)
    assert_as_before(kms_no_retry, cloudhsmv2_client, cloudhsm_key["KeyId"], before, blob)


@pytest.mark.parametrize("code", ["NETWORK_ERRORS", "USER_LOCKED_OUT", "INTERNAL_ERROR"])
def test_disconnected_with_an_error_code_is_failed_with_that_connection_error_code(
    cloudhsm_kms, kms_no_retry, cloudhsmv2_client, cloudhsm_key, before, code,
) -> None:
    with cloudhsm_kms.fault("disconnected", error_code=code):
        during = world(kms_no_retry, cloudhsmv2_client, cloudhsm_key["KeyId"])
        assert during["store"]["ConnectionState"] == "FAILED"
        assert during["store"]["ConnectionErrorCode"] == code
        assert during["key"]["KeyState"] == "Unavailable"
        assert failure(kms_no_retry.encrypt, KeyId=cloudhsm_key["KeyId"], Plaintext=b"x") == (
            "KMSInvalidStateException", 400, f"{cloudhsm_key['Arn']} is unavailable.")
    assert world(kms_no_retry, cloudhsmv2_client, cloudhsm_key["KeyId"]) == before


def test_a_key_pending_deletion_stays_pending_deletion_while_disconnected(
    cloudhsm_kms, kms_no_retry, cloudhsm_key,
) -> None:
    kms_no_retry.schedule_key_deletion(KeyId=cloudhsm_key["KeyId"], PendingWindowInDays=7)
    with cloudhsm_kms.fault("disconnected"):
        assert key_state(kms_no_retry, cloudhsm_key["KeyId"]) == "PendingDeletion"
        kms_no_retry.cancel_key_deletion(KeyId=cloudhsm_key["KeyId"])
        assert key_state(kms_no_retry, cloudhsm_key["KeyId"]) == "Unavailable"
    assert key_state(kms_no_retry, cloudhsm_key["KeyId"]) == "Disabled"


def test_a_store_the_test_reconnects_during_the_fault_stays_connected(
    cloudhsm_kms, kms_no_retry, cloudhsm_key,
) -> None:
    store_id = cloudhsm_key["CustomKeyStoreId"]
    with cloudhsm_kms.fault("disconnected", error_code="NETWORK_ERRORS"):
        kms_no_retry.disconnect_custom_key_store(CustomKeyStoreId=store_id)
        kms_no_retry.describe_custom_key_stores()  # the disconnection completes
        kms_no_retry.connect_custom_key_store(CustomKeyStoreId=store_id)
        assert encrypts(kms_no_retry, cloudhsm_key)
    store = kms_no_retry.describe_custom_key_stores()["CustomKeyStores"][0]
    assert store["ConnectionState"] == "CONNECTED"


# -- empty_cluster -------------------------------------------------------------------------


def test_an_empty_cluster_has_no_hsm_and_its_keys_cannot_encrypt(
    cloudhsm_kms, kms_no_retry, cloudhsmv2_client, cloudhsm_key, before, blob,
) -> None:
    with cloudhsm_kms.fault("empty_cluster"):
        during = world(kms_no_retry, cloudhsmv2_client, cloudhsm_key["KeyId"])
        assert during["cluster"]["Hsms"] == []
        assert during["cluster"]["State"] == "ACTIVE"
        assert during["store"] == before["store"]  # KMS still reports CONNECTED
        assert during["key"] == before["key"]  # and the key Enabled
        for call, kwargs in (
            (kms_no_retry.encrypt, {"KeyId": cloudhsm_key["KeyId"], "Plaintext": b"x"}),
            (kms_no_retry.decrypt, {"CiphertextBlob": blob}),
        ):
            code, status, message = failure(call, **kwargs)
            assert (code, status) == ("KMSInvalidStateException", 400)
            assert message.startswith(f"{cloudhsm_key['Arn']} is unavailable")
            assert before["cluster"]["ClusterId"] in message
    assert_as_before(kms_no_retry, cloudhsmv2_client, cloudhsm_key["KeyId"], before, blob)


def test_connecting_to_an_empty_cluster_ends_failed_with_insufficient_hsms(
    cloudhsm_kms, kms_no_retry, cloudhsm_key,
) -> None:
    store_id = cloudhsm_key["CustomKeyStoreId"]
    with cloudhsm_kms.fault("empty_cluster"):
        kms_no_retry.disconnect_custom_key_store(CustomKeyStoreId=store_id)
        kms_no_retry.describe_custom_key_stores()
        kms_no_retry.connect_custom_key_store(CustomKeyStoreId=store_id)  # accepted: it fails later
        store = kms_no_retry.describe_custom_key_stores()["CustomKeyStores"][0]
        assert (store["ConnectionState"], store["ConnectionErrorCode"]) == (
            "FAILED", "INSUFFICIENT_CLOUDHSM_HSMS")
    # The HSMs are back; the store the test disconnected recovers as AWS documents it.
    kms_no_retry.disconnect_custom_key_store(CustomKeyStoreId=store_id)
    kms_no_retry.describe_custom_key_stores()
    kms_no_retry.connect_custom_key_store(CustomKeyStoreId=store_id)
    assert encrypts(kms_no_retry, cloudhsm_key)


# -- missing_key_material ------------------------------------------------------------------


def test_missing_key_material_leaves_the_key_enabled_but_unusable(
    cloudhsm_kms, kms_no_retry, cloudhsmv2_client, cloudhsm_key, before, blob,
) -> None:
    with cloudhsm_kms.fault("missing_key_material"):
        # nothing shows it
        assert world(kms_no_retry, cloudhsmv2_client, cloudhsm_key["KeyId"]) == before
        for call, kwargs in (
            (kms_no_retry.encrypt, {"KeyId": cloudhsm_key["KeyId"], "Plaintext": b"x"}),
            (kms_no_retry.decrypt, {"CiphertextBlob": blob}),
            (kms_no_retry.generate_data_key_without_plaintext,
             {"KeyId": cloudhsm_key["KeyId"], "NumberOfBytes": 16}),
        ):
            code, status, message = failure(call, **kwargs)
            assert (code, status) == ("KMSInvalidStateException", 400)
            assert message.startswith(f"{cloudhsm_key['Arn']} is unavailable")
    assert_as_before(kms_no_retry, cloudhsmv2_client, cloudhsm_key["KeyId"], before, blob)


@pytest.mark.parametrize("name_by", ["id", "arn", "alias", "alias arn"])
def test_missing_key_material_of_named_keys_only(
    cloudhsm_kms, kms_no_retry, cloudhsm_key, name_by,
) -> None:
    other = cloudhsm_kms.ready_key(custom_key_store_id=cloudhsm_key["CustomKeyStoreId"])
    kms_no_retry.create_alias(AliasName="alias/lost", TargetKeyId=cloudhsm_key["KeyId"])
    alias_arn = cloudhsm_key["Arn"].replace(f"key/{cloudhsm_key['KeyId']}", "alias/lost")
    name = {"id": cloudhsm_key["KeyId"], "arn": cloudhsm_key["Arn"], "alias": "alias/lost",
            "alias arn": alias_arn}[name_by]
    with cloudhsm_kms.fault("missing_key_material", key_ids=[name]):
        assert failure(kms_no_retry.encrypt, KeyId=cloudhsm_key["KeyId"], Plaintext=b"x")[0] == (
            "KMSInvalidStateException")
        assert kms_no_retry.encrypt(KeyId=other["KeyId"], Plaintext=b"x")["KeyId"] == other["Arn"]
    assert encrypts(kms_no_retry, cloudhsm_key)


def test_missing_key_material_names_a_key_it_cannot_find(
    cloudhsm_kms, kms_no_retry, cloudhsm_key,
) -> None:
    aws_kms_key = kms_no_retry.create_key()["KeyMetadata"]["KeyId"]
    with pytest.raises(ValueError, match="no KMS key 'alias/nope'"):
        cloudhsm_kms.apply_fault(MissingKeyMaterial(key_ids=["alias/nope"]))
    with pytest.raises(ValueError, match="not a key in a CloudHSM key store"):
        cloudhsm_kms.apply_fault(MissingKeyMaterial(key_ids=[cloudhsm_key["KeyId"], aws_kms_key]))
    assert cloudhsm_kms.active_faults == []
    assert encrypts(kms_no_retry, cloudhsm_key)


# -- throttled -----------------------------------------------------------------------------


def test_throttled_answers_throttling_exception_at_400_with_aws_message(
    cloudhsm_kms, kms_no_retry, cloudhsmv2_client, cloudhsm_key, before,
) -> None:
    with cloudhsm_kms.fault("throttled"):
        for call, kwargs in (
            (kms_no_retry.encrypt, {"KeyId": cloudhsm_key["KeyId"], "Plaintext": b"x"}),
            (kms_no_retry.generate_data_key,
             {"KeyId": cloudhsm_key["KeyId"], "KeySpec": "AES_256"}),
            (kms_no_retry.generate_random,
             {"NumberOfBytes": 8, "CustomKeyStoreId": cloudhsm_key["CustomKeyStoreId"]}),
        ):
            assert failure(call, **kwargs) == ("ThrottlingException", 400, THROTTLING_MESSAGE)
        # Operations outside the key store quota are not throttled.
        assert world(kms_no_retry, cloudhsmv2_client, cloudhsm_key["KeyId"]) == before
        assert len(kms_no_retry.generate_random(NumberOfBytes=8)["Plaintext"]) == 8
    assert world(kms_no_retry, cloudhsmv2_client, cloudhsm_key["KeyId"]) == before
    assert encrypts(kms_no_retry, cloudhsm_key)


def outcomes(kms_no_retry: Any, key_id: str, count: int, operation: str = "encrypt") -> str:
    """One letter per call: ``.`` for success, ``T`` for ThrottlingException."""
    letters = ""
    for _ in range(count):
        try:
            if operation == "encrypt":
                kms_no_retry.encrypt(KeyId=key_id, Plaintext=b"x")
            else:
                kms_no_retry.generate_data_key(KeyId=key_id, NumberOfBytes=16)
            letters += "."
        except ClientError as error:
            assert error.response["Error"]["Code"] == "ThrottlingException"
            letters += "T"
    return letters


@pytest.mark.parametrize(("options", "expected"), [
    ({}, "TTTTT"),
    ({"after": 2}, "..TTT"),
    ({"times": 2}, "TT..."),
    ({"after": 1, "times": 2}, ".TT.."),
    ({"times": 0}, "....."),
    ({"operations": ["Decrypt"]}, "....."),
    ({"operations": "Encrypt", "times": 1}, "T...."),
])
def test_throttled_after_and_times(
    cloudhsm_kms, kms_no_retry, cloudhsm_key, options, expected,
) -> None:
    with cloudhsm_kms.fault("throttled", **options):
        assert outcomes(kms_no_retry, cloudhsm_key["KeyId"], 5) == expected


def test_throttled_operations_narrow_what_is_throttled(
    cloudhsm_kms, kms_no_retry, cloudhsm_key, blob,
) -> None:
    with cloudhsm_kms.fault("throttled", operations=["Decrypt"]):
        kms_no_retry.encrypt(KeyId=cloudhsm_key["KeyId"], Plaintext=b"x")
        assert failure(kms_no_retry.decrypt, CiphertextBlob=blob)[0] == "ThrottlingException"


def test_times_counts_over_every_store(cloudhsm_kms, kms_no_retry, cloudhsm_key) -> None:
    other = cloudhsm_kms.ready_key()  # in a second store, on a second cluster
    with cloudhsm_kms.fault("throttled", times=2):
        first = outcomes(kms_no_retry, cloudhsm_key["KeyId"], 1)
        assert first + outcomes(kms_no_retry, other["KeyId"], 2) == "TT."


@pytest.mark.parametrize(("options", "per_second"), [
    ({"rate": 3}, 3),
    ({"rate": 4, "cluster_load": 0.5}, 2),
    ({"rate": 0.5}, 1),  # one request, then one every two seconds
    ({"cluster_load": 0.999}, 1),  # 1.8 per second: one token, refilling slowly
    ({"rate": 0}, 0),
    ({"cluster_load": 1.0}, 0),
])
def test_throttled_rate_admits_so_many_requests_per_virtual_second(
    frozen, options, per_second,
) -> None:
    key_id = frozen.ready_key()["KeyId"]
    kms = frozen.client("kms", config=ONE_ATTEMPT)
    with frozen.fault("throttled", **options):
        first = outcomes(kms, key_id, 4)
        frozen.clock.advance(1.0)
        second = outcomes(kms, key_id, 4)
    assert first == "." * per_second + "T" * (4 - per_second)
    if per_second:
        refill = options.get("rate", 1800) * (1 - options.get("cluster_load", 0))
        assert second.count(".") == min(int(refill), 4)
    assert outcomes(kms, key_id, 4) == "...."  # the store's own quota is full again


def test_the_store_quota_throttles_beyond_1800_requests_per_second(frozen) -> None:
    key_id = frozen.ready_key()["KeyId"]
    store = next(iter(frozen.kms().custom_key_stores.values()))
    for _ in range(1800):
        store.quota.consume("Encrypt")
    kms = frozen.client("kms", config=ONE_ATTEMPT)
    assert failure(kms.encrypt, KeyId=key_id, Plaintext=b"x") == (
        "ThrottlingException", 400, THROTTLING_MESSAGE)
    frozen.clock.advance(0.0105)  # 18.9 requests' worth
    assert outcomes(kms, key_id, 19) == "." * 18 + "T"


# -- composition and the context manager ---------------------------------------------------


@pytest.mark.parametrize(("first", "second"), [
    ("disconnected", "empty_cluster"),
    ("empty_cluster", "missing_key_material"),
    ("missing_key_material", "throttled"),
    ("throttled", "disconnected"),
])
def test_two_faults_compose_and_lift_in_reverse(
    cloudhsm_kms, kms_no_retry, cloudhsmv2_client, cloudhsm_key, before, first, second,
) -> None:
    with cloudhsm_kms.fault(first):
        alone = world(kms_no_retry, cloudhsmv2_client, cloudhsm_key["KeyId"])
        with cloudhsm_kms.fault(second):
            assert cloudhsm_kms.active_faults == [first, second]
            both = world(kms_no_retry, cloudhsmv2_client, cloudhsm_key["KeyId"])
            code = failure(kms_no_retry.encrypt, KeyId=cloudhsm_key["KeyId"], Plaintext=b"x")[0]
            assert code == ("ThrottlingException" if "throttled" in (first, second)
                            else "KMSInvalidStateException")
        assert world(kms_no_retry, cloudhsmv2_client, cloudhsm_key["KeyId"]) == alone
    assert world(kms_no_retry, cloudhsmv2_client, cloudhsm_key["KeyId"]) == before
    for fault in (first, second):
        with cloudhsm_kms.fault(fault):
            expected = world(kms_no_retry, cloudhsmv2_client, cloudhsm_key["KeyId"])
        for part in ("store", "cluster"):
            # each part of the composed world is what the fault that changes it shows
            if expected[part] != before[part]:
                assert both[part] == expected[part]


def test_the_same_fault_twice_nests(cloudhsm_kms, kms_no_retry, cloudhsm_key) -> None:
    with cloudhsm_kms.fault("disconnected"), cloudhsm_kms.fault(
            "disconnected", error_code="USER_NOT_FOUND"):
        store = kms_no_retry.describe_custom_key_stores()["CustomKeyStores"][0]
        assert store["ConnectionErrorCode"] == "USER_NOT_FOUND"
    store = kms_no_retry.describe_custom_key_stores()["CustomKeyStores"][0]
    assert store["ConnectionState"] == "CONNECTED"


def test_lifting_a_fault_out_of_order_keeps_the_later_one(
    cloudhsm_kms, kms_no_retry, cloudhsmv2_client, cloudhsm_key, before,
) -> None:
    outer = Disconnected()
    inner = Disconnected(error_code="NETWORK_ERRORS")
    throttled = Throttled(times=1)
    cloudhsm_kms.apply_fault(outer, "disconnected")
    cloudhsm_kms.apply_fault(inner, "disconnected")
    cloudhsm_kms.apply_fault(throttled, "throttled")
    cloudhsm_kms.lift_fault(outer)
    assert cloudhsm_kms.active_faults == ["disconnected", "throttled"]
    store = kms_no_retry.describe_custom_key_stores()["CustomKeyStores"][0]
    assert (store["ConnectionState"], store["ConnectionErrorCode"]) == ("FAILED", "NETWORK_ERRORS")
    cloudhsm_kms.lift_fault(inner)
    cloudhsm_kms.lift_fault(inner)  # a fault not applied: nothing to do
    assert world(kms_no_retry, cloudhsmv2_client, cloudhsm_key["KeyId"]) == before
    assert failure(kms_no_retry.encrypt, KeyId=cloudhsm_key["KeyId"], Plaintext=b"x").code == (
        "ThrottlingException")
    cloudhsm_kms.lift_fault(throttled)
    assert cloudhsm_kms.active_faults == []
    cloudhsm_kms.apply_fault(throttled)
    with pytest.raises(RuntimeError, match="applied already"):
        cloudhsm_kms.apply_fault(throttled)
    cloudhsm_kms.lift_fault(throttled)
    # Re-applying `throttled` when `outer` was lifted is not a new injection; the last is
    # named by the registry.
    assert cloudhsm_kms.faults_applied == ["disconnected", "disconnected", "throttled",
                                           "throttled"]


def test_the_context_manager_lifts_the_fault_when_the_block_raises(
    cloudhsm_kms, kms_no_retry, cloudhsm_key,
) -> None:
    with pytest.raises(ClientError), cloudhsm_kms.fault("throttled", times=1) as fault:
        kms_no_retry.encrypt(KeyId=cloudhsm_key["KeyId"], Plaintext=b"x")
    assert isinstance(fault, Throttled)
    assert fault.throttled == 1
    assert cloudhsm_kms.active_faults == []
    assert cloudhsm_kms.faults_applied == ["throttled"]
    assert encrypts(kms_no_retry, cloudhsm_key)


def test_a_fault_changes_only_what_exists_when_it_is_applied(
    cloudhsm_kms, kms_no_retry, cloudhsm_key,
) -> None:
    with cloudhsm_kms.fault("missing_key_material"):
        newer = cloudhsm_kms.ready_key(custom_key_store_id=cloudhsm_key["CustomKeyStoreId"])
        assert kms_no_retry.encrypt(KeyId=newer["KeyId"], Plaintext=b"x")["KeyId"] == newer["Arn"]
    with cloudhsm_kms.fault("disconnected"):
        code = failure(kms_no_retry.create_key, Origin="AWS_CLOUDHSM",
                        CustomKeyStoreId=cloudhsm_key["CustomKeyStoreId"])[0]
        assert code == "CustomKeyStoreInvalidStateException"


# -- options -------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "options", "error", "message"), [
    ("nope", {}, ValueError, "unknown fault 'nope'; known faults: disconnected, empty_cluster"),
    ("throttled", {"time": 2}, TypeError,
     "fault 'throttled' has no option 'time'; it takes rate, after, times, operations, "
     "cluster_load"),
    ("empty_cluster", {"force": True}, TypeError, "it takes no options"),
    ("throttled", {"_saved": []}, TypeError, "no option '_saved'"),
    ("throttled", {"times": -1}, ValueError, "times must be an int >= 0 or None, not -1"),
    ("throttled", {"after": 1.5}, ValueError, "after must be an int >= 0"),
    ("throttled", {"rate": "fast"}, ValueError, "rate must be a number >= 0"),
    ("throttled", {"cluster_load": 2}, ValueError, "cluster_load must be a number from 0.0"),
    ("throttled", {"operations": ["DescribeKey"]}, ValueError,
     "operations ['DescribeKey'] are not counted by the key store quota"),
    ("throttled", {"operations": 3}, ValueError, "operations must be a string or a list"),
    ("disconnected", {"error_code": "BROKEN"}, ValueError,
     "error_code must be None (DISCONNECTED) or a ConnectionErrorCode"),
    ("missing_key_material", {"key_ids": [1]}, ValueError, "key_ids must be a string or a list"),
])
def test_unknown_faults_options_and_bad_values_are_clear_errors(
    name, options, error, message,
) -> None:
    with pytest.raises(error) as caught:
        make_fault(name, **options)
    assert message in str(caught.value)
    if name != "nope":
        assert str(caught.value).startswith(f"fault {name!r}")


def test_options_take_one_name_or_many() -> None:
    assert make_fault("missing_key_material", key_ids="alias/a").key_ids == ["alias/a"]
    fault = make_fault("throttled", operations=("Encrypt", "Decrypt"), rate=5, cluster_load=0.5)
    assert fault.operations == ["Encrypt", "Decrypt"]
