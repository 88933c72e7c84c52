"""Faults against a world in motion: a hypothesis state machine (docs/aws-behaviour.md §12).

It applies and lifts every fault, nested and in sequence (lifting one from the
middle of the stack too), while delayed transitions are pending (connecting,
disconnecting, HSMs being created and deleted, a cluster being deleted) and
while the test makes its own calls (ConnectCustomKeyStore,
DisconnectCustomKeyStore, UpdateCustomKeyStore, CreateHsm, DeleteHsm, DeleteCluster,
ScheduleKeyDeletion, CancelKeyDeletion, and a day of virtual time for the
daily backups).

The rules make their calls through boto3. After every step the invariant reads
the world back (DescribeCustomKeyStores, DescribeKey of every key,
DescribeClusters, DescribeBackups, one Encrypt and Decrypt per key) on the wire
itself, through ``CloudHsmKms.handle`` (a boto3 call would cost a millisecond
more, and the rules cover that path), and checks that it is a world AWS could show: no 5xx answer, a
``ConnectionErrorCode`` only on a FAILED store, the key states a store's state
allows, no HSM in a cluster being deleted, no two HSMs on one IP address, and an
Encrypt that succeeds exactly when what is shown says it can. The ``settle``
rule (and the end of every run) lifts every fault and lets enough virtual time
pass: then nothing may be left in a transitional state, and a store is where
the test's last Connect or Disconnect sent it.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError
from fidelity import allowed_errors
from helpers import DAY, FROZEN_START, ONE_ATTEMPT
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from pytest_cloudhsm_kms import CloudHsmKms, VirtualClock
from pytest_cloudhsm_kms.faults import make_fault
from pytest_cloudhsm_kms.settings import Settings

DELAYS = Settings(
    connect_delay=60, disconnect_delay=60, create_hsm_delay=120, delete_hsm_delay=90,
    delete_cluster_delay=300, deleted_cluster_visible=3600,
)
SETTLE = 2 * 3600.0  # longer than every delay above, the deleted-cluster listing included
STEPS = (1.0, 30.0, 59.0, 61.0, 150.0, 400.0, DAY)

FAULT_CHOICES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("disconnected", {}),
    ("disconnected", {"error_code": "NETWORK_ERRORS"}),
    ("empty_cluster", {}),
    ("missing_key_material", {}),
    ("missing_key_material", {"key_ids": "first"}),  # the first key only
    ("throttled", {"times": 1}),
)

STORE_STATES = {"CONNECTED", "CONNECTING", "FAILED", "DISCONNECTED", "DISCONNECTING"}
TRANSITIONAL = {"CONNECTING", "DISCONNECTING", "CREATE_IN_PROGRESS", "DELETE_IN_PROGRESS",
                "INITIALIZE_IN_PROGRESS", "MODIFY_IN_PROGRESS", "ROLLBACK_IN_PROGRESS",
                "UPDATE_IN_PROGRESS"}
ACTIONS = (
    "ConnectCustomKeyStore", "DisconnectCustomKeyStore", "DisconnectCustomKeyStore",
    "UpdateCustomKeyStore",
    "CreateHsm", "CreateHsm", "DeleteHsm", "DeleteHsm", "DeleteCluster",
    "ScheduleKeyDeletion", "CancelKeyDeletion",
)
WHY_ENCRYPT_FAILS = {"KMSInvalidStateException", "DisabledException", "NotFoundException"}


@dataclass
class Applied:
    name: str
    fault: Any
    key_ids: set[str]  # the keys whose backing keys a missing_key_material fault hides


class FaultWorld(RuleBasedStateMachine):
    """One store on one cluster with two keys, a stack of faults, and the test's own calls."""

    def __init__(self) -> None:
        super().__init__()
        self.env = CloudHsmKms(seed="fault-rules", settings=DELAYS,
                               clock=VirtualClock(FROZEN_START, ticking=False))
        self.env.start()
        try:
            cluster = self.env.ready_cluster()
            self.cluster_id = cluster["ClusterId"]
            self.zones = sorted(cluster["SubnetMapping"])
            self.store_id = self.env.ready_key_store(cluster_id=self.cluster_id)[
                "CustomKeyStoreId"]
            self.key_ids = [self.env.ready_key(custom_key_store_id=self.store_id)["KeyId"]
                            for _ in range(2)]
            self.kms = _client(self.env, "kms")
            self.cloudhsmv2 = _client(self.env, "cloudhsmv2")
        except BaseException:
            self.env.stop()
            raise
        self.applied: list[Applied] = []
        self.intended = "CONNECTED"  # where the test's last Connect or Disconnect sent the store
        self.deleted_keys: set[str] = set()  # scheduled for deletion (and maybe gone since)
        self.seen = 0  # calls checked for a 5xx answer

    def teardown(self) -> None:
        try:
            self.settle()
        finally:
            self.env.stop()

    # -- calls --------------------------------------------------------------------------------

    def call(self, client: Any, operation: str, **params: Any) -> dict[str, Any] | None:
        """Call an operation; ``None`` if it answered an error (which must be a modelled 4xx)."""
        service = client.meta.service_model.service_name
        try:
            response: dict[str, Any] = getattr(client, operation)(**params)
            return response
        except ClientError as error:
            response = error.response
            code = response["Error"]["Code"]
            status = response["ResponseMetadata"]["HTTPStatusCode"]
            name = client.meta.method_to_api_mapping[operation]
            assert status < 500, f"{name} answered {code} ({status})"
            assert code in allowed_errors(service, name), f"{name} answered {code}"
            return None

    # -- faults -------------------------------------------------------------------------------

    @rule(choice=st.sampled_from(FAULT_CHOICES))
    def apply_fault(self, choice: tuple[str, dict[str, Any]]) -> None:
        name, options = choice
        options = dict(options)
        hidden: set[str] = set()
        if name == "missing_key_material":
            live = [k for k in self.key_ids if self.exists(k)]
            if options.get("key_ids") == "first":
                if not live:
                    return
                options["key_ids"] = [live[0]]
            hidden = set(options.get("key_ids") or live)
        fault = make_fault(name, **options)
        self.env.apply_fault(fault, name)
        self.applied.append(Applied(name, fault, hidden))

    @precondition(lambda self: self.applied)
    @rule(data=st.data())
    def lift_fault(self, data: st.DataObject) -> None:
        index = data.draw(st.integers(0, len(self.applied) - 1), label="lift")
        applied = self.applied.pop(index)
        self.env.lift_fault(applied.fault)
        if applied.name == "missing_key_material":
            # The faults above it are applied again, to the keys that exist now.
            for later in self.applied[index:]:
                if later.name == "missing_key_material" and len(later.key_ids) > 1:
                    later.key_ids = {k for k in self.key_ids if self.exists(k)}

    @rule(seconds=st.sampled_from(STEPS))
    def advance(self, seconds: float) -> None:
        self.env.clock.advance(seconds)

    @rule()
    def settle(self) -> None:
        """Lift every fault, wait out every delay: nothing is left half-way."""
        while self.applied:
            self.env.lift_fault(self.applied.pop().fault)
        self.env.clock.advance(SETTLE)
        store = self.store()
        assert store["ConnectionState"] not in TRANSITIONAL, store
        if self.intended == "DISCONNECTED":
            assert store["ConnectionState"] == "DISCONNECTED", store
        else:  # a connection attempt ends CONNECTED, or FAILED if the cluster was unfit
            assert store["ConnectionState"] in ("CONNECTED", "FAILED"), store
        for cluster in self.clusters():
            assert cluster["State"] not in TRANSITIONAL, cluster
            for hsm in cluster["Hsms"]:
                assert hsm["State"] not in TRANSITIONAL, hsm

    # -- the test's own calls -----------------------------------------------------------------

    @rule(action=st.sampled_from(ACTIONS), which=st.integers(0, 1), data=st.data())
    def act(self, action: str, which: int, data: st.DataObject) -> None:
        """One call of the test's own (a method named after the operation), under whatever
        faults hold. ``which`` picks a key or an Availability Zone."""
        getattr(self, action)(which, data)

    def ConnectCustomKeyStore(self, which: int, data: st.DataObject) -> None:
        if self.call(self.kms, "connect_custom_key_store",
                     CustomKeyStoreId=self.store_id) is not None:
            self.intended = "CONNECTED"

    def DisconnectCustomKeyStore(self, which: int, data: st.DataObject) -> None:
        if self.call(self.kms, "disconnect_custom_key_store",
                     CustomKeyStoreId=self.store_id) is not None:
            self.intended = "DISCONNECTED"

    def UpdateCustomKeyStore(self, which: int, data: st.DataObject) -> None:
        """A new password (which the next connection attempt refuses: FAILED)."""
        if self.call(self.kms, "update_custom_key_store", CustomKeyStoreId=self.store_id,
                     KeyStorePassword=f"otherPassw0rd{which}") is not None:
            self.intended = "DISCONNECTED"

    def CreateHsm(self, which: int, data: st.DataObject) -> None:
        self.call(self.cloudhsmv2, "create_hsm", ClusterId=self.cluster_id,
                  AvailabilityZone=self.zones[which])

    def DeleteHsm(self, which: int, data: st.DataObject) -> None:
        hsms = [h for c in self.clusters() for h in c["Hsms"]]
        if hsms:
            hsm = data.draw(st.sampled_from(hsms), label="hsm")
            self.call(self.cloudhsmv2, "delete_hsm", ClusterId=self.cluster_id,
                      HsmId=hsm["HsmId"])

    def DeleteCluster(self, which: int, data: st.DataObject) -> None:
        self.call(self.cloudhsmv2, "delete_cluster", ClusterId=self.cluster_id)

    def ScheduleKeyDeletion(self, which: int, data: st.DataObject) -> None:
        key_id = self.key_ids[which]
        if self.call(self.kms, "schedule_key_deletion", KeyId=key_id,
                     PendingWindowInDays=7) is not None:
            self.deleted_keys.add(key_id)

    def CancelKeyDeletion(self, which: int, data: st.DataObject) -> None:
        key_id = self.key_ids[which]
        if self.call(self.kms, "cancel_key_deletion", KeyId=key_id) is not None:
            self.deleted_keys.discard(key_id)
            self.call(self.kms, "enable_key", KeyId=key_id)

    # -- what the world shows -----------------------------------------------------------------

    def ask(self, service: str, operation: str, **params: Any) -> tuple[dict[str, Any], str | None]:
        """(output, error code) of one request on the wire; the error is a modelled 4xx."""
        target = ("TrentService." if service == "kms" else "BaldrApiService.") + operation
        answer = self.env.handle(service, None, target, json.dumps(params).encode())
        if answer.error_code is not None:
            assert answer.status < 500, f"{operation} answered {answer.error_code}"
            assert answer.error_code in allowed_errors(service, operation), answer.error_code
        output: dict[str, Any] = json.loads(answer.body) if answer.body else {}
        return output, answer.error_code

    def exists(self, key_id: str) -> bool:
        return self.ask("kms", "DescribeKey", KeyId=key_id)[1] is None

    def store(self) -> dict[str, Any]:
        output, _ = self.ask("kms", "DescribeCustomKeyStores", CustomKeyStoreId=self.store_id)
        entry: dict[str, Any] = output["CustomKeyStores"][0]
        return entry

    def clusters(self) -> list[dict[str, Any]]:
        output, _ = self.ask("cloudhsmv2", "DescribeClusters")
        clusters: list[dict[str, Any]] = output["Clusters"]
        return clusters

    @invariant()
    def the_world_is_one_aws_could_show(self) -> None:
        store = self.store()
        state = store["ConnectionState"]
        assert state in STORE_STATES
        assert ("ConnectionErrorCode" in store) == (state == "FAILED"), store

        clusters = {c["ClusterId"]: c for c in self.clusters()}
        addresses: set[tuple[str, str]] = set()
        for cluster in clusters.values():
            if cluster["State"] in ("DELETE_IN_PROGRESS", "DELETED"):
                assert cluster["Hsms"] == [], f"HSMs in a cluster being deleted: {cluster}"
            for hsm in cluster["Hsms"]:
                address = (hsm["SubnetId"], hsm["EniIp"])
                assert address not in addresses, f"two HSMs on {address}"
                addresses.add(address)
        backups, _ = self.ask("cloudhsmv2", "DescribeBackups")
        for backup in backups["Backups"]:
            assert backup["BackupState"] in ("READY", "PENDING_DELETION"), backup

        cluster = clusters.get(self.cluster_id)
        usable_cluster = cluster is not None and cluster["State"] == "ACTIVE" and any(
            h["State"] == "ACTIVE" for h in cluster["Hsms"])
        throttled = any(a.name == "throttled" for a in self.applied)
        for key_id in self.key_ids:
            self.check_key(key_id, state, usable_cluster, throttled)

        for call in self.env.calls[self.seen:]:
            assert call.status < 500, call
        self.seen = len(self.env.calls)
        assert not self.env.internal_errors, self.env.internal_errors[0]

    def check_key(self, key_id: str, store_state: str, usable_cluster: bool,
                  throttled: bool) -> None:
        described, error = self.ask("kms", "DescribeKey", KeyId=key_id)
        if error is not None:  # gone at the end of its waiting period
            assert key_id in self.deleted_keys
            return
        key_state = described["KeyMetadata"]["KeyState"]
        if store_state == "CONNECTED":
            assert key_state in ("Enabled", "Disabled", "PendingDeletion"), key_state
        else:
            assert key_state in ("Unavailable", "PendingDeletion"), (store_state, key_state)
        hidden = any(key_id in a.key_ids for a in self.applied)
        expected = key_state == "Enabled" and usable_cluster and not hidden
        plaintext = base64.b64encode(b"fault rules").decode()
        encrypted, code = self.ask("kms", "Encrypt", KeyId=key_id, Plaintext=plaintext)
        if code is None:
            decrypted, code = self.ask("kms", "Decrypt", CiphertextBlob=encrypted["CiphertextBlob"])
        if code is None:
            assert expected, f"Encrypt with {key_id} succeeded though it should fail"
            assert decrypted["Plaintext"] == plaintext
        elif not (throttled and code == "ThrottlingException"):
            assert not expected, f"Encrypt with {key_id} failed: {code} ({self.applied})"
            assert code in WHY_ENCRYPT_FAILS, code


_CLIENTS: dict[str, Any] = {}


def _client(env: CloudHsmKms, service: str) -> Any:
    """One client per service for every run (made once: a client costs ~10 ms)."""
    client = _CLIENTS.get(service)
    if client is None:
        client = _CLIENTS[service] = env.client(service, config=ONE_ATTEMPT)
    return client


FaultWorld.TestCase.settings = settings(
    max_examples=40, stateful_step_count=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def test_faults_against_a_world_in_motion() -> None:
    run_state_machine_as_test(FaultWorld, settings=FaultWorld.TestCase.settings)
