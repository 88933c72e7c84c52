"""A stateful property test: random sequences of KMS calls against a model of what AWS does.

A hypothesis :class:`RuleBasedStateMachine` drives one fake environment through one
boto3 KMS client (one attempt per call, so throttling shows and nothing sleeps):
keys in the default key store and in two CloudHSM key stores, aliases, grants,
enabling, disabling, deletion and its cancellation, the virtual clock running
past deletion dates, encryption and decryption (right and wrong context, right
and wrong ``KeyId``), connecting and disconnecting the stores, and one fault at
a time (``disconnected``, ``empty_cluster``, ``missing_key_material``, ``throttled``).

Each rule predicts the outcome of its call from a small model (which keys exist
and their state, where aliases point, which grants are live, which stores are
connected, which fault holds; docs/aws-behaviour.md §1.10, §3, §4) and checks the error
code, or the output against the botocore model. After every step the invariant
reads the whole world back (DescribeCustomKeyStores, DescribeKey, ListGrants,
ListAliases, and the decryption of every remembered ciphertext) and compares it
with the model. It asks the fake's KMS directly rather than through boto3, which
would cost a millisecond a call: the rules cover the wire. No error may fall
outside the operation's modelled errors, and the fake must record no internal error.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError
from fidelity import allowed_errors, assert_valid_output
from helpers import ARN_PREFIX, DAY, HOUR, ONE_ATTEMPT, THROTTLING_MESSAGE, snake
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from pytest_cloudhsm_kms.environment import CloudHsmKms
from pytest_cloudhsm_kms.errors import ServiceError

MAX_KEYS = 6
MAX_BLOBS = 8  # ciphertexts remembered (and decrypted after every step); the oldest go
MAX_GRANTS = 6
STORES = (0, 1)
ALIASES = ("alias/a", "alias/b", "alias/c")
CONTEXTS: tuple[dict[str, str] | None, ...] = (
    None, {"purpose": "a"}, {"purpose": "b"}, {"x": "1", "y": "2"},
)
GRANTEE = "arn:aws:iam::111122223333:role/grantee"
BOGUS_TOKEN = "AQpAnot-a-token-this-fake-issued"

ENABLED, DISABLED, PENDING, UNAVAILABLE = "Enabled", "Disabled", "PendingDeletion", "Unavailable"
CONNECTED, DISCONNECTED, FAILED = "CONNECTED", "DISCONNECTED", "FAILED"

# (fault name, options): at most one holds at a time.
FAULTS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("disconnected", {}),
    ("disconnected", {"error_code": "NETWORK_ERRORS"}),
    ("empty_cluster", {}),
    ("missing_key_material", {}),
    ("missing_key_material", {"key_ids": "newest"}),  # the newest CloudHSM key, if any
    ("throttled", {}),
    ("throttled", {"operations": ["Decrypt"]}),
)

# How a request names a key. Aliases are right for cryptography and wrong
# (InvalidArnException) for key management and grants, so they come less often.
key_refs = st.sampled_from(["id", "arn"])
any_refs = st.sampled_from(["id", "arn", "id", "arn", "alias", "alias_arn"])
aliases = st.sampled_from(ALIASES)
contexts = st.sampled_from(CONTEXTS)


@dataclass
class KeyModel:
    key_id: str
    arn: str
    store: int | None  # index of its custom key store, None for AWS_KMS
    state: str = ENABLED  # what KMS keeps: Enabled, Disabled or PendingDeletion
    deletion_at: int | None = None  # model time of the end of the waiting period
    exists: bool = True


@dataclass
class StoreModel:
    store_id: str
    state: str = CONNECTED
    error_code: str | None = None
    saved: tuple[str, str | None] | None = None  # before the disconnected fault
    touched: bool = False  # connected or disconnected by the test while that fault holds


@dataclass
class BlobModel:
    blob: bytes
    key_id: str
    context: dict[str, str] | None
    plaintext: bytes


@dataclass
class GrantModel:
    grant_id: str
    key_id: str
    token: str
    name: str | None
    live: bool = True


@dataclass
class FaultModel:
    name: str
    options: dict[str, Any]
    missing: set[str] = field(default_factory=set)  # keys whose backing key is gone


class KmsMachine(RuleBasedStateMachine):
    keys = Bundle("keys")
    grants = Bundle("grants")

    def __init__(self) -> None:
        super().__init__()
        self.env = CloudHsmKms(seed="stateful")
        self.env.start()
        self.faults = contextlib.ExitStack()
        try:
            self.client = self.env.client("kms", config=ONE_ATTEMPT)
            self.kms = self.env.kms()
            self.stores = [StoreModel(self.env.ready_key_store()["CustomKeyStoreId"])
                           for _ in STORES]
        except BaseException:
            self.env.stop()
            raise
        self.now = 0  # virtual seconds advanced by the test
        self.model_keys: dict[str, KeyModel] = {}
        self.model_aliases: dict[str, str] = {}
        self.model_blobs: list[BlobModel] = []
        self.model_grants: dict[str, GrantModel] = {}
        self.fault: FaultModel | None = None
        self.seen_calls = 0

    def teardown(self) -> None:
        try:
            self.faults.close()
        finally:
            self.env.stop()

    # -- the model ------------------------------------------------------------------------

    def reported_state(self, key: KeyModel) -> str:
        """``Unavailable`` while its store is not CONNECTED, except pending deletion."""
        if key.store is not None and key.state != PENDING and (
                self.stores[key.store].state != CONNECTED):
            return UNAVAILABLE
        return key.state

    def lookup(self, ref: str) -> KeyModel | None:
        """The existing key a key ID, key ARN, alias name or alias ARN names, if any."""
        if ref.startswith(ARN_PREFIX + "alias/"):
            ref = ref[len(ARN_PREFIX):]
        if ref.startswith("alias/"):
            target = self.model_aliases.get(ref)
            return None if target is None else self.model_keys[target]
        key = self.model_keys.get(ref.rsplit("/", 1)[-1])
        return key if key is not None and key.exists else None

    @staticmethod
    def ref(key_id: str, kind: str, alias: str = ALIASES[0]) -> str:
        """How a request names a key: by ID, ARN, alias name or alias ARN."""
        return {
            "id": key_id,
            "arn": f"{ARN_PREFIX}key/{key_id}",
            "alias": alias,
            "alias_arn": ARN_PREFIX + alias,
        }[kind]

    def manageable(self, ref: str) -> tuple[KeyModel | None, str | None]:
        """The key of the key management and grant operations, which refuse aliases,
        or the error for a missing one."""
        if ref.startswith("alias/") or ":alias/" in ref:
            return None, "InvalidArnException"
        key = self.lookup(ref)
        return key, None if key is not None else "NotFoundException"

    def throttles(self, key: KeyModel, operation: str) -> bool:
        fault = self.fault
        if key.store is None or fault is None or fault.name != "throttled":
            return False
        operations = fault.options.get("operations")
        return operations is None or operation in operations

    def crypto_error(self, key: KeyModel, operation: str) -> str | None:
        """What cryptography on an existing key answers (docs/aws-behaviour.md §2.6, §3).

        The store's quota counts the request before the key state is checked.
        """
        if self.throttles(key, operation):
            return "ThrottlingException"
        state = self.reported_state(key)
        if state == DISABLED:
            return "DisabledException"
        if state != ENABLED:
            return "KMSInvalidStateException"
        if key.store is not None and self.fault is not None and (
                self.fault.name == "empty_cluster" or key.key_id in self.fault.missing):
            return "KMSInvalidStateException"
        return None

    def decrypt_error(self, blob: BlobModel, context: dict[str, str] | None,
                      key_ref: str | None) -> str | None:
        key = self.model_keys[blob.key_id]
        if key_ref is not None:
            named = self.lookup(key_ref)
            if named is None:
                return "NotFoundException"
            if named is not key:
                return "IncorrectKeyException"
        if not key.exists:
            return "NotFoundException"
        error = self.crypto_error(key, "Decrypt")
        if error is not None:
            return error
        if context != blob.context:
            return "InvalidCiphertextException"
        return None

    def expire(self) -> None:
        """The end of waiting periods: keys and their aliases are gone, whatever the store."""
        for key in self.model_keys.values():
            if key.exists and key.state == PENDING and key.deletion_at is not None and (
                    key.deletion_at <= self.now):
                key.exists = False
                for name in [n for n, target in self.model_aliases.items()
                             if target == key.key_id]:
                    del self.model_aliases[name]

    # -- calls through boto3 ----------------------------------------------------------------

    def call(self, operation: str, expected: str | None, **params: Any) -> dict[str, Any] | None:
        """Call through the boto3 client; the outcome must be the model's ``expected``
        error code (``None``: success, whose output must match the botocore model)."""
        try:
            response: dict[str, Any] = getattr(self.client, snake(operation))(**params)
        except ClientError as error:
            code = error.response["Error"]["Code"]
            message = error.response["Error"].get("Message")
            assert code == expected, (
                f"{operation}({params}) answered {code} ({message}); "
                f"the model expected {expected or 'success'}"
            )
            if code in ("DisabledException", "KMSInvalidStateException"):
                assert (message or "").startswith(f"{ARN_PREFIX}key/"), message  # "<ARN> is ..."
            elif code == "InvalidCiphertextException":
                assert not message, message  # KMS sends none
            elif code == "ThrottlingException":
                assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
                assert message == THROTTLING_MESSAGE, message
            return None
        assert expected is None, f"{operation}({params}) succeeded; the model expected {expected}"
        assert_valid_output("kms", operation, response)
        return response

    # -- keys ---------------------------------------------------------------------------------

    @initialize(target=keys)
    def first_keys(self) -> Any:
        """One key in the default key store and one in each CloudHSM key store, each with
        a ciphertext, made directly (which is quicker) so that every rule can run from the
        first step."""
        made = [(self.kms.CreateKey({})["KeyMetadata"], None)]
        made += [(self.env.ready_key(custom_key_store_id=s.store_id), i)
                 for i, s in enumerate(self.stores)]
        for (metadata, store), context in zip(made, CONTEXTS[1:], strict=True):
            key_id = metadata["KeyId"]
            self.model_keys[key_id] = KeyModel(key_id, metadata["Arn"], store)
            sealed = self.kms.Encrypt({"KeyId": key_id, "Plaintext": b"first",
                                       "EncryptionContext": context})
            self.model_blobs.append(BlobModel(sealed["CiphertextBlob"], key_id, context,
                                              b"first"))
        return multiple(*(metadata["KeyId"] for metadata, _ in made))

    @precondition(lambda self: len(self.model_keys) < MAX_KEYS)
    @rule(target=keys, store=st.sampled_from([None, *STORES]))
    def create_key(self, store: int | None) -> Any:
        if store is None:
            response = self.call("CreateKey", None, Description="stateful")
        else:
            model = self.stores[store]
            expected = None
            if model.state != CONNECTED:
                expected = "CustomKeyStoreInvalidStateException"
            elif self.fault is not None and self.fault.name == "empty_cluster":
                expected = "CloudHsmClusterInvalidConfigurationException"
            response = self.call("CreateKey", expected, Origin="AWS_CLOUDHSM",
                                 CustomKeyStoreId=model.store_id)
        if response is None:
            return multiple()
        metadata = response["KeyMetadata"]
        assert metadata["KeyState"] == ENABLED
        if store is None:
            assert metadata["Origin"] == "AWS_KMS" and "CustomKeyStoreId" not in metadata
        else:
            assert metadata["Origin"] == "AWS_CLOUDHSM"
            assert metadata["CustomKeyStoreId"] == self.stores[store].store_id
        key_id = metadata["KeyId"]
        self.model_keys[key_id] = KeyModel(key_id, metadata["Arn"], store)
        return key_id

    @rule(key=keys, kind=any_refs, alias=aliases, enable=st.booleans())
    def enable_or_disable_key(self, key: str, kind: str, alias: str, enable: bool) -> None:
        model, expected = self.manageable(self.ref(key, kind, alias))
        if model is not None and model.state == PENDING:
            expected = "KMSInvalidStateException"
        operation = "EnableKey" if enable else "DisableKey"
        if self.call(operation, expected, KeyId=self.ref(key, kind, alias)) is not None:
            assert model is not None
            model.state = ENABLED if enable else DISABLED  # Unavailable: applied on reconnect

    @rule(key=keys, kind=any_refs, alias=aliases, cancel=st.booleans(),
          days=st.integers(6, 31))
    def schedule_or_cancel_key_deletion(self, key: str, kind: str, alias: str, cancel: bool,
                                        days: int) -> None:
        ref = self.ref(key, kind, alias)
        model, expected = self.manageable(ref)
        if cancel:
            if model is not None and model.state != PENDING:
                expected = "KMSInvalidStateException"
            response = self.call("CancelKeyDeletion", expected, KeyId=ref)
            if response is not None:
                assert model is not None and response["KeyId"] == model.arn
                model.state, model.deletion_at = DISABLED, None
            return
        if not 7 <= days <= 30:
            expected = "ValidationException"  # checked before the key
        elif model is not None and model.state == PENDING:
            expected = "KMSInvalidStateException"
        response = self.call("ScheduleKeyDeletion", expected, KeyId=ref,
                             PendingWindowInDays=days)
        if response is not None:
            assert model is not None
            assert (response["KeyId"], response["KeyState"], response["PendingWindowInDays"]) == (
                model.arn, PENDING, days)
            model.state, model.deletion_at = PENDING, self.now + days * DAY

    @rule(hours=st.sampled_from([1, 24, 7 * 24, 30 * 24]) | st.integers(1, 31 * 24))
    def advance_clock(self, hours: int) -> None:
        """Whole hours against whole-day windows: real time ticking meanwhile cannot
        move a deletion date across the model's boundary."""
        self.env.clock.advance(hours * HOUR)
        self.now += hours * HOUR
        self.expire()

    # -- aliases --------------------------------------------------------------------------------

    @rule(action=st.sampled_from(["create", "update", "delete"]), name=aliases, key=keys,
          kind=key_refs)
    def change_alias(self, action: str, name: str, key: str, kind: str) -> None:
        exists = name in self.model_aliases
        target = self.lookup(key)
        if action == "delete":
            expected = None if exists else "NotFoundException"
            if self.call("DeleteAlias", expected, AliasName=name) is not None:
                del self.model_aliases[name]
            return
        # The alias name is checked before the target key.
        if action == "create" and exists:
            expected = "AlreadyExistsException"
        elif (action == "update" and not exists) or target is None:
            expected = "NotFoundException"
        else:
            expected = "KMSInvalidStateException" if target.state == PENDING else None
        operation = "CreateAlias" if action == "create" else "UpdateAlias"
        if self.call(operation, expected, AliasName=name,
                     TargetKeyId=self.ref(key, kind)) is not None:
            self.model_aliases[name] = key

    # -- cryptography -----------------------------------------------------------------------

    @rule(key=keys, kind=any_refs, alias=aliases, context=contexts,
          plaintext=st.binary(min_size=1, max_size=24),
          operation=st.sampled_from(["Encrypt", "GenerateDataKey"]),
          token=st.sampled_from([None, None, "issued", "bogus"]))
    def encrypt(self, key: str, kind: str, alias: str, context: dict[str, str] | None,
                plaintext: bytes, operation: str, token: str | None) -> None:
        ref = self.ref(key, kind, alias)
        params: dict[str, Any] = {"KeyId": ref}
        if operation == "Encrypt":
            params["Plaintext"] = plaintext
        else:
            params["NumberOfBytes"] = 16
        if context is not None:
            params["EncryptionContext"] = context
        if token == "bogus":
            params["GrantTokens"] = [BOGUS_TOKEN]
        elif token == "issued" and self.model_grants:  # a retired grant's token still counts
            params["GrantTokens"] = [next(reversed(self.model_grants.values())).token]
        model = self.lookup(ref)
        if token == "bogus":
            expected: str | None = "InvalidGrantTokenException"  # checked before anything
        elif model is None:
            expected = "NotFoundException"
        else:
            expected = self.crypto_error(model, operation)
        response = self.call(operation, expected, **params)
        if response is None:
            return
        assert model is not None and response["KeyId"] == model.arn
        if operation == "GenerateDataKey":
            plaintext = response["Plaintext"]
            assert len(plaintext) == 16
        self.model_blobs.append(
            BlobModel(response["CiphertextBlob"], model.key_id, context, plaintext))
        del self.model_blobs[:-MAX_BLOBS]

    @rule(blob=st.integers(0, MAX_BLOBS - 1), other=keys, alias=aliases,
          how=st.sampled_from(["plain", "key_id", "key_arn", "alias", "other_key",
                               "wrong_context"]),
          wrong=contexts)
    def decrypt(self, blob: int, other: str, alias: str, how: str,
                wrong: dict[str, str] | None) -> None:
        model = self.model_blobs[blob % len(self.model_blobs)]
        context, key_ref = model.context, None
        if how == "wrong_context":
            context = wrong if wrong != model.context else {"purpose": "wrong"}
        elif how != "plain":
            key_ref = {
                "key_id": model.key_id,
                "key_arn": self.ref(model.key_id, "arn"),
                "alias": alias,
                "other_key": other,
            }[how]
        params: dict[str, Any] = {"CiphertextBlob": model.blob}
        if context is not None:
            params["EncryptionContext"] = context
        if key_ref is not None:
            params["KeyId"] = key_ref
        response = self.call("Decrypt", self.decrypt_error(model, context, key_ref), **params)
        if response is not None:
            assert response["Plaintext"] == model.plaintext
            assert response["KeyId"] == self.model_keys[model.key_id].arn

    # -- grants ---------------------------------------------------------------------------------

    @precondition(lambda self: len(self.model_grants) < MAX_GRANTS)
    @rule(target=grants, key=keys, kind=any_refs, alias=aliases,
          name=st.sampled_from([None, "named"]))
    def create_grant(self, key: str, kind: str, alias: str, name: str | None) -> Any:
        ref = self.ref(key, kind, alias)
        model, expected = self.manageable(ref)
        if model is not None:
            state = self.reported_state(model)  # Unavailable keys take grants
            if state == DISABLED:
                expected = "DisabledException"
            elif state == PENDING:
                expected = "KMSInvalidStateException"
        params: dict[str, Any] = {"KeyId": ref, "GranteePrincipal": GRANTEE,
                                  "Operations": ["Encrypt", "Decrypt"]}
        if name is not None:
            params["Name"] = name
        response = self.call("CreateGrant", expected, **params)
        if response is None:
            return multiple()
        assert model is not None
        grant_id = response["GrantId"]
        same = next((g for g in self.model_grants.values() if g.live and g.name is not None
                     and g.key_id == model.key_id and g.name == name), None)
        if same is not None:  # the same Name and request again: the same grant
            assert grant_id == same.grant_id
            return multiple()
        assert grant_id not in self.model_grants
        self.model_grants[grant_id] = GrantModel(grant_id, model.key_id, response["GrantToken"],
                                                 name)
        return grant_id

    @rule(grant=grants, how=st.sampled_from(["retire_token", "retire_id", "revoke"]))
    def retire_or_revoke_grant(self, grant: str, how: str) -> None:
        model = self.model_grants[grant]
        expected = None
        if not self.model_keys[model.key_id].exists or not model.live:
            expected = "NotFoundException"
        if how == "retire_token":
            done = self.call("RetireGrant", expected, GrantToken=model.token)
        else:
            operation = "RetireGrant" if how == "retire_id" else "RevokeGrant"
            done = self.call(operation, expected, KeyId=model.key_id, GrantId=model.grant_id)
        if done is not None:
            model.live = False

    # -- custom key stores and faults ----------------------------------------------------------

    def disconnected_fault(self) -> bool:
        return self.fault is not None and self.fault.name == "disconnected"

    @precondition(lambda self: any(s.state != CONNECTED for s in self.stores))
    @rule(store=st.sampled_from(STORES))
    def connect_store(self, store: int) -> None:
        model = self.stores[store]
        expected = "CustomKeyStoreInvalidStateException" if model.state == FAILED else None
        if self.call("ConnectCustomKeyStore", expected,
                     CustomKeyStoreId=model.store_id) is None or model.state == CONNECTED:
            return  # refused, or connected already: nothing changes
        if self.fault is not None and self.fault.name == "empty_cluster":
            model.state, model.error_code = FAILED, "INSUFFICIENT_CLOUDHSM_HSMS"
        else:
            model.state = CONNECTED
        model.touched = self.disconnected_fault()

    @rule(store=st.sampled_from(STORES))
    def disconnect_store(self, store: int) -> None:
        model = self.stores[store]
        expected = "CustomKeyStoreInvalidStateException" if model.state == DISCONNECTED else None
        if self.call("DisconnectCustomKeyStore", expected,
                     CustomKeyStoreId=model.store_id) is not None:
            model.state, model.error_code = DISCONNECTED, None
            model.touched = self.disconnected_fault()

    @rule(choice=st.sampled_from(FAULTS))
    def apply_or_lift_fault(self, choice: tuple[str, dict[str, Any]]) -> None:
        """Lift the fault that holds, else apply ``choice``: one fault at a time."""
        if self.fault is not None:
            self.faults.close()
            if self.disconnected_fault():
                for store in self.stores:
                    assert store.saved is not None
                    # A store the test connected or disconnected meanwhile keeps its state.
                    if not store.touched:
                        store.state, store.error_code = store.saved
                    store.saved, store.touched = None, False
            self.fault = None
            return
        name, options = choice[0], dict(choice[1])
        fault = FaultModel(name, options)
        if name == "missing_key_material":
            cloudhsm_keys = [k.key_id for k in self.model_keys.values()
                             if k.exists and k.store is not None]
            if options.get("key_ids") == "newest":
                cloudhsm_keys = cloudhsm_keys[-1:]
                options["key_ids"] = cloudhsm_keys or None
            fault.missing = set(cloudhsm_keys)
        self.faults.enter_context(self.env.fault(name, **options))
        if name == "disconnected":
            code = options.get("error_code")
            for store in self.stores:
                store.saved = (store.state, store.error_code)
                store.state, store.error_code = FAILED if code else DISCONNECTED, code
                store.touched = False
        self.fault = fault

    # -- what must hold after every step ------------------------------------------------------

    def read(self, operation: str, params: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
        """Ask the fake KMS directly (the rules go through boto3; this is quicker):
        (error code or None, result)."""
        self.env.clock.run_due()  # as every request does
        try:
            return None, self.kms.call(operation, params)
        except ServiceError as error:
            return error.code, {}

    @invariant()
    def the_world_matches_the_model(self) -> None:
        error, stores = self.read("DescribeCustomKeyStores", {})
        assert error is None
        reported = {s["CustomKeyStoreId"]: (s["ConnectionState"], s.get("ConnectionErrorCode"))
                    for s in stores["CustomKeyStores"]}
        assert reported == {s.store_id: (s.state, s.error_code) for s in self.stores}, self.fault

        for key in self.model_keys.values():
            error, described = self.read("DescribeKey", {"KeyId": key.key_id})
            if not key.exists:
                assert error == "NotFoundException", key
                continue
            assert error is None, key
            metadata = described["KeyMetadata"]
            state = self.reported_state(key)
            assert (metadata["KeyState"], metadata["Enabled"]) == (state, state == ENABLED), key
            assert ("DeletionDate" in metadata) == (state == PENDING), metadata
            store_id = None if key.store is None else self.stores[key.store].store_id
            assert metadata.get("CustomKeyStoreId") == store_id, metadata
            if self.model_grants:
                error, listed = self.read("ListGrants", {"KeyId": key.key_id})
                assert {g["GrantId"] for g in listed["Grants"]} == {
                    g.grant_id for g in self.model_grants.values()
                    if g.live and g.key_id == key.key_id}

        error, listed = self.read("ListAliases", {})
        assert {a["AliasName"]: a["TargetKeyId"] for a in listed["Aliases"]} == self.model_aliases

        for blob in self.model_blobs:
            params: dict[str, Any] = {"CiphertextBlob": blob.blob}
            if blob.context is not None:
                params["EncryptionContext"] = blob.context
            error, decrypted = self.read("Decrypt", params)
            assert error == self.decrypt_error(blob, blob.context, None), (
                error, blob, self.model_keys[blob.key_id], self.fault)
            if error is None:
                assert decrypted["Plaintext"] == blob.plaintext

        assert self.env.internal_errors == [], self.env.internal_errors[0]
        for call in self.env.calls[self.seen_calls:]:
            if call.error_code is not None and call.operation is not None:
                assert call.error_code in allowed_errors(call.service, call.operation), call
        self.seen_calls = len(self.env.calls)


def test_random_sequences_of_kms_calls_follow_the_model() -> None:
    run_state_machine_as_test(KmsMachine, settings=settings(
        max_examples=40, stateful_step_count=25, deadline=None, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    ))


def test_a_store_connected_then_disconnected_during_the_disconnected_fault_stays_disconnected(
) -> None:
    """What the machine found (shrunk): lifting ``disconnected`` put back CONNECTED on a
    store the test had connected and disconnected again while the fault held."""
    machine = KmsMachine()
    try:
        machine.first_keys()
        machine.apply_or_lift_fault(("disconnected", {}))
        machine.connect_store(0)
        machine.disconnect_store(0)
        machine.apply_or_lift_fault(("disconnected", {}))  # lifts it
        machine.the_world_matches_the_model()
        assert [s.state for s in machine.stores] == [DISCONNECTED, CONNECTED]
    finally:
        machine.teardown()
