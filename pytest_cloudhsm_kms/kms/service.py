"""KMS operations: validate, act on the model, return the botocore output shape.

One :class:`KmsService` serves one account in one Region. Each public method
named after a KMS operation takes the decoded request members and returns
the response members; AWS errors are raised as :class:`ServiceError`.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from ..clock import VirtualClock
from ..entropy import Entropy
from ..errors import ServiceError, constraint, validation_error
from .asymmetric import AsymmetricOperations
from .base import dry_run, dry_run_error, paginate, state_error
from .ciphertext import aad, parse, seal_header
from .grants import Grant, GrantOperations
from .imports import ImportOperations, ImportParameters
from .keys import ALGORITHMS, Key, KeyState, SymmetricMaterial
from .keystores import (
    KMSUSER,
    ClusterMaterial,
    CustomKeyStore,
    CustomKeyStoreOperations,
    check_state,
)
from .keytypes import KeyTypeOperations
from .macs import MacOperations
from .multiregion import MultiRegionOperations
from .policies import PolicyOperations, check_policy, check_tags
from .rotation import RotationOperations
from .usage import TRACKED_OPERATIONS, UsageOperations

if TYPE_CHECKING:
    from ..cloudhsm.service import CloudHsmService

__all__ = ["KmsService"]

Params = dict[str, Any]
Result = dict[str, Any]

MAX_KEYS = 100_000
_DAY = 86_400.0
# What KMS takes for a key ID: a UUID in either case, or a multi-Region key ID.
_KEY_ID = re.compile(
    r"(?:mrk-[0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"
)
_ARN = re.compile(r"arn:aws[a-z-]*:kms:([^:]*):([^:]*):(.*)")
_DATA_KEY_BYTES = {"AES_256": 32, "AES_128": 16}
_SYMMETRIC = "SYMMETRIC_DEFAULT"
_EITHER_BYTES_OR_SPEC = "Please specify either number of bytes or key spec."
# The wording real KMS sends (CloudTrail samples in the KMS guide, SDK issue reports).
_INCORRECT_KEY = (
    "The key ID in the request does not identify a CMK that can perform this operation."
)
_NO_ALIASES = "Key Aliases are not supported for this operation."


# What a CloudHSM key store key cannot do (docs/aws-behaviour.md §2.4): the operations that
# model UnsupportedOperationException answer it; the others are a wrong key usage.
_NOT_IN_CLOUDHSM = frozenset({
    "EnableKeyRotation", "DisableKeyRotation", "GetKeyRotationStatus", "RotateKeyOnDemand",
    "ListKeyRotations", "GetParametersForImport", "ImportKeyMaterial",
    "DeleteImportedKeyMaterial", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext",
    "ReplicateKey", "UpdatePrimaryRegion", "GetPublicKey",
})
_WRONG_USAGE_IN_CLOUDHSM = frozenset({
    "Sign", "Verify", "GenerateMac", "VerifyMac", "DeriveSharedSecret", "Encapsulate",
    "Decapsulate",
})


class KmsService(
    CustomKeyStoreOperations,
    PolicyOperations,
    GrantOperations,
    RotationOperations,
    KeyTypeOperations,
    AsymmetricOperations,
    MacOperations,
    ImportOperations,
    MultiRegionOperations,
    UsageOperations,
):
    """The KMS API of one account and Region.

    ``peer(region)`` returns the service of another Region of the same account
    (for multi-Region keys); without it, this service makes and keeps standalone
    services for other Regions, sharing its clock and entropy.
    """

    def __init__(
        self,
        account_id: str,
        region: str,
        clock: VirtualClock,
        entropy: Entropy,
        *,
        cloudhsm: CloudHsmService | None = None,
        peer: Callable[[str], KmsService] | None = None,
    ) -> None:
        self.account_id = account_id
        self.cloudhsm = cloudhsm
        self.region = region
        self.clock = clock
        self.entropy = entropy
        self.keys: dict[str, Key] = {}
        self.aliases: dict[str, _Alias] = {}
        self.custom_key_stores: dict[str, CustomKeyStore] = {}
        self._deleted_key_ids: set[str] = set()
        self.grants: dict[str, Grant] = {}
        self.grant_tokens: dict[str, str] = {}
        self.import_tokens: dict[bytes, ImportParameters] = {}
        self._peer = peer
        self._peers: dict[str, KmsService] = {}
        self._operation = ""
        self._arn_prefix = f"arn:aws:kms:{region}:{account_id}:"
        self.handlers: dict[str, Callable[[Params], Result]] = {
            name: getattr(self, name) for name in _OPERATIONS
        }

    # -- dispatch -----------------------------------------------------------

    def call(self, operation: str, params: Params) -> Result:
        """Run one operation."""
        self._operation = operation
        handler = self.handlers.get(operation)
        if handler is None:
            self._refuse_cloudhsm_key(operation, params)
            raise ServiceError(
                "UnsupportedOperationException",
                f"{operation} is not supported by pytest-cloudhsm-kms yet.",
            )
        if "GrantTokens" in params:
            self._check_grant_tokens(operation, params["GrantTokens"])
        result = handler(params)
        if operation in TRACKED_OPERATIONS:
            self._record_usage(operation, result)
        return result

    def peer(self, region: str) -> KmsService:
        """The KMS of another Region of the same account."""
        if region == self.region:
            return self
        if self._peer is not None:
            return self._peer(region)
        service = self._peers.get(region)
        if service is None:
            service = self._peers[region] = KmsService(
                self.account_id, region, self.clock, self.entropy, peer=self.peer
            )
        return service

    # -- keys -----------------------------------------------------------------

    def CreateKey(self, p: Params) -> Result:
        spec = p.get("KeySpec")
        legacy_spec = p.get("CustomerMasterKeySpec")
        if spec and legacy_spec:
            raise ServiceError(
                "ValidationException",
                "You cannot specify KeySpec and CustomerMasterKeySpec in the same request. "
                "CustomerMasterKeySpec is deprecated.",
            )
        spec = spec or legacy_spec or "SYMMETRIC_DEFAULT"
        usage = p.get("KeyUsage", "ENCRYPT_DECRYPT")
        origin = p.get("Origin", "AWS_KMS")
        if (spec, usage) not in ALGORITHMS:
            raise ServiceError(
                "ValidationException",
                f"KeyUsage {usage} is not compatible with KeySpec {spec}",
            )
        store_id = p.get("CustomKeyStoreId")
        if origin == "AWS_CLOUDHSM" or store_id is not None:
            return self._create_cloudhsm_key(p, spec, origin, store_id)
        if spec != "SYMMETRIC_DEFAULT" or origin != "AWS_KMS" or p.get("MultiRegion"):
            return self._create_typed_key(p, spec, usage, origin)
        key_id, arn, policy = self._new_key_identity(p)
        material = SymmetricMaterial(self.entropy.bytes(32), self.entropy.bytes(32))
        key = self._add_key(p, key_id, arn, policy, material, origin=origin, usage=usage,
                            spec=spec)
        return {"KeyMetadata": key.metadata()}

    def _create_cloudhsm_key(
        self, p: Params, spec: str, origin: str, store_id: str | None
    ) -> Result:
        """CreateKey in a CloudHSM key store (docs/aws-behaviour.md §2.1).

        UNCONFIRMED choices: ``Origin=AWS_CLOUDHSM`` without a store, or a store
        with another origin, is ``UnsupportedOperationException``, as are key
        types and multi-Region keys that custom key stores do not support.
        A cluster that is gone or not ACTIVE is
        ``CloudHsmClusterInvalidConfigurationException`` (see
        :meth:`~.keystores.CustomKeyStoreOperations.cluster_for_new_key`).
        """
        if store_id is None or origin != "AWS_CLOUDHSM":
            raise ServiceError(
                "UnsupportedOperationException",
                "Origin AWS_CLOUDHSM and a CustomKeyStoreId must be specified together.",
            )
        store = self.custom_key_store(store_id)
        if spec != "SYMMETRIC_DEFAULT" or p.get("MultiRegion"):
            what = "MultiRegion keys are" if spec == "SYMMETRIC_DEFAULT" else f"KeySpec {spec} is"
            raise ServiceError(
                "UnsupportedOperationException",
                f"{what} not supported in custom key stores.",
            )
        check_state(store, "CreateKey")
        cluster = self.cluster_for_new_key(store)
        key_id, arn, policy = self._new_key_identity(p)
        handle = cluster.create_key(arn, KMSUSER)
        material = ClusterMaterial(self, store, handle, arn)
        key = self._add_key(p, key_id, arn, policy, material, origin=origin,
                            usage="ENCRYPT_DECRYPT", spec=spec)
        key.custom_key_store = store
        store.keys[key_id] = key
        return {"KeyMetadata": key.metadata()}

    def _new_key_identity(self, p: Params) -> tuple[str, str, str]:
        if len(self.keys) >= MAX_KEYS:
            raise ServiceError(
                "LimitExceededException",
                f"Limit of {MAX_KEYS} KMS keys in {self.region} has been exceeded.",
            )
        policy = p.get("Policy")
        if policy is None:
            policy = self._default_policy()
        else:
            check_policy(policy)
        if "Tags" in p:
            check_tags(p["Tags"])
        key_id = self.entropy.uuid4()
        return key_id, f"{self._arn_prefix}key/{key_id}", policy

    def _add_key(
        self, p: Params, key_id: str, arn: str, policy: str, material: Any, *,
        origin: str, usage: str, spec: str,
    ) -> Key:
        key = Key(
            key_id=key_id,
            arn=arn,
            account_id=self.account_id,
            creation_date=self.clock.now(),
            material=material,
            description=p.get("Description", ""),
            key_usage=usage,
            key_spec=spec,
            origin=origin,
            policy=policy,
            tags={t["TagKey"]: t["TagValue"] for t in p.get("Tags", ())},
        )
        self.keys[key_id] = key
        return key

    def DescribeKey(self, p: Params) -> Result:
        return {"KeyMetadata": self.key(p["KeyId"]).metadata()}

    def ListKeys(self, p: Params) -> Result:
        page, result = paginate(self.keys.values(), p, default_limit=100)
        result["Keys"] = [{"KeyId": k.key_id, "KeyArn": k.arn} for k in page]
        return result

    def EnableKey(self, p: Params) -> Result:
        key = self._manageable_key(p["KeyId"])
        if key.state != KeyState.PENDING_IMPORT:
            key.state = KeyState.ENABLED
        return {}

    def DisableKey(self, p: Params) -> Result:
        key = self._manageable_key(p["KeyId"])
        if key.state != KeyState.PENDING_IMPORT:
            key.state = KeyState.DISABLED
        return {}

    def ScheduleKeyDeletion(self, p: Params) -> Result:
        """The waiting period is 7-30 days, the model allows 1-365 (docs/aws-behaviour.md §2.5).

        botocore refuses less than 1 and the model check answers more than 365; this
        handler answers 2-6 and 31-365 in the same form, naming the service's bound
        (UNCONFIRMED wording).
        """
        days = p.get("PendingWindowInDays", 30)
        if not 7 <= days <= 30:
            rule = "greater than or equal to 7" if days < 7 else "less than or equal to 30"
            raise validation_error(constraint("pendingWindowInDays", f"have value {rule}", days))
        key = self._manageable_key(p["KeyId"])
        key.state = KeyState.PENDING_DELETION
        key.deletion_date = deletion_date = self.clock.now() + days * _DAY
        self.clock.call_at(deletion_date, lambda: self._expire(key, deletion_date))
        return {
            "KeyId": key.arn,
            "DeletionDate": deletion_date,
            "KeyState": KeyState.PENDING_DELETION,
            "PendingWindowInDays": days,
        }

    def CancelKeyDeletion(self, p: Params) -> Result:
        key = self.key_by_id_or_arn(p["KeyId"])
        if key.state != KeyState.PENDING_DELETION:
            raise ServiceError("KMSInvalidStateException", f"{key.arn} is not pending deletion.")
        key.state = KeyState.DISABLED
        key.deletion_date = None
        return {"KeyId": key.arn}

    # -- cryptography ---------------------------------------------------------

    def Encrypt(self, p: Params) -> Result:
        key = self._usable_key(p["KeyId"])
        if key.key_spec != _SYMMETRIC:
            return self._encrypt_asymmetric(key, p)
        _check_algorithm(key, p.get("EncryptionAlgorithm"))
        dry_run(p)
        blob = self._seal(key, p["Plaintext"], p.get("EncryptionContext"))
        return {"CiphertextBlob": blob, "KeyId": key.arn, "EncryptionAlgorithm": _SYMMETRIC}

    def Decrypt(self, p: Params) -> Result:
        """``KeyId`` is optional: the blob names its key. A DryRun decrypts before it answers.

        With ``DryRunModifiers=["IGNORE_CIPHERTEXT"]`` the blob is not checked: the key
        is ``KeyId``, else the one the blob's header names (UNCONFIRMED: AWS documents
        only that the blob may then be left out).
        """
        if "Recipient" in p:
            raise _recipient_unsupported()
        algorithm = p.get("EncryptionAlgorithm")
        if algorithm is not None and algorithm != _SYMMETRIC:
            return self._decrypt_asymmetric(p)
        if p.get("DryRun") and _ignores_ciphertext(p):
            self._dry_run_source(p.get("CiphertextBlob"), p.get("KeyId"))
            raise dry_run_error()
        blob = _ciphertext(p)
        key, plaintext = self._open(blob, p.get("EncryptionContext"), p.get("KeyId"), algorithm)
        dry_run(p)
        result = {"KeyId": key.arn, "Plaintext": plaintext, "EncryptionAlgorithm": _SYMMETRIC}
        return _with_blob_material_id(result, "KeyMaterialId", key, blob)

    def ReEncrypt(self, p: Params) -> Result:
        """The source key gets the Decrypt rules, the destination key the Encrypt rules."""
        source_algorithm = p.get("SourceEncryptionAlgorithm") or _SYMMETRIC
        source_blob = p.get("CiphertextBlob")
        if source_algorithm != _SYMMETRIC:
            if p.get("DryRun") and _ignores_ciphertext(p) and p.get("SourceKeyId"):
                source = self._asymmetric_source(p["SourceKeyId"], source_algorithm)
                plaintext = b""
            else:
                source, plaintext = self._open_asymmetric(
                    _ciphertext(p), p.get("SourceKeyId"), source_algorithm,
                    p.get("SourceEncryptionContext"))
        elif p.get("DryRun") and _ignores_ciphertext(p):
            source = self._dry_run_source(source_blob, p.get("SourceKeyId"))
            plaintext = b""
        else:
            source, plaintext = self._open(
                _ciphertext(p), p.get("SourceEncryptionContext"), p.get("SourceKeyId"),
                source_algorithm,
            )
        destination = self._usable_key(p["DestinationKeyId"])
        destination_algorithm = p.get("DestinationEncryptionAlgorithm")
        if destination.key_spec != _SYMMETRIC:
            destination_algorithm = self._asymmetric_algorithm(destination,
                                                               destination_algorithm)
            if p.get("DestinationEncryptionContext"):
                raise ServiceError(
                    "ValidationException",
                    "EncryptionContext is not supported with asymmetric KMS keys.",
                )
            dry_run(p)
            blob = self._seal_asymmetric(destination, plaintext, destination_algorithm)
        else:
            _check_algorithm(destination, destination_algorithm)
            dry_run(p)
            blob = self._seal(destination, plaintext, p.get("DestinationEncryptionContext"))
        result = {
            "CiphertextBlob": blob,
            "SourceKeyId": source.arn,
            "KeyId": destination.arn,
            "SourceEncryptionAlgorithm": source_algorithm,
            "DestinationEncryptionAlgorithm": destination_algorithm or _SYMMETRIC,
        }
        if source_algorithm == _SYMMETRIC and source_blob is not None:
            _with_blob_material_id(result, "SourceKeyMaterialId", source, source_blob)
        if destination.key_spec == _SYMMETRIC:
            _with_material_id(result, "DestinationKeyMaterialId", destination)
        return result

    def GenerateDataKey(self, p: Params) -> Result:
        if "Recipient" in p:
            raise _recipient_unsupported()
        key, plaintext, blob = self._data_key(p)
        result = {"CiphertextBlob": blob, "Plaintext": plaintext, "KeyId": key.arn}
        return _with_material_id(result, "KeyMaterialId", key)

    def GenerateDataKeyWithoutPlaintext(self, p: Params) -> Result:
        key, _, blob = self._data_key(p)
        return _with_material_id({"CiphertextBlob": blob, "KeyId": key.arn}, "KeyMaterialId", key)

    def GenerateRandom(self, p: Params) -> Result:
        """``NumberOfBytes`` is optional in the model, required by the service.

        docs/aws-behaviour.md §4.5.
        """
        count = p.get("NumberOfBytes")
        if count is None:
            raise ServiceError("ValidationException", _EITHER_BYTES_OR_SPEC)
        if "Recipient" in p:
            raise _recipient_unsupported()
        store_id = p.get("CustomKeyStoreId")
        if store_id is not None:
            return {"Plaintext": self._store_random(self.custom_key_store(store_id), count)}
        return {"Plaintext": self.entropy.bytes(count)}

    # -- aliases --------------------------------------------------------------

    def CreateAlias(self, p: Params) -> Result:
        name = p["AliasName"]
        _check_alias_name(name)
        if name in self.aliases:
            raise ServiceError(
                "AlreadyExistsException",
                f"An alias with the name {self._arn_prefix}{name} already exists",
            )
        key = self._alias_target(p["TargetKeyId"])
        now = self.clock.now()
        self.aliases[name] = _Alias(name, f"{self._arn_prefix}{name}", key.key_id, now, now)
        return {}

    def UpdateAlias(self, p: Params) -> Result:
        alias = self._alias(p["AliasName"])
        key = self._alias_target(p["TargetKeyId"])
        alias.target_key_id = key.key_id
        alias.last_updated_date = self.clock.now()
        return {}

    def DeleteAlias(self, p: Params) -> Result:
        alias = self._alias(p["AliasName"])
        del self.aliases[alias.name]
        return {}

    def ListAliases(self, p: Params) -> Result:
        """``KeyId`` takes a key ID or key ARN, not an alias (UNCONFIRMED: like EnableKey)."""
        aliases: Iterable[_Alias] = self.aliases.values()
        if "KeyId" in p:
            key_id = self.key_by_id_or_arn(p["KeyId"]).key_id
            aliases = [a for a in aliases if a.target_key_id == key_id]
        page, result = paginate(aliases, p, default_limit=50)
        result["Aliases"] = [a.entry() for a in page]
        return result

    # -- lookups used by other parts of the fake --------------------------------

    def key(self, key_id: str) -> Key:
        """Resolve a key ID, key ARN, alias name or alias ARN, as KMS does."""
        key = self.keys.get(key_id)
        if key is not None:
            return key
        if key_id.startswith(self._arn_prefix):
            resource = key_id[len(self._arn_prefix):]
            if resource.startswith("alias/"):
                return self._key_by_id(self._alias(resource).target_key_id)
            if resource.startswith("key/"):
                return self._key_by_id(resource[4:])
        elif key_id.startswith("alias/"):
            return self._key_by_id(self._alias(key_id).target_key_id)
        elif _KEY_ID.fullmatch(key_id):
            return self._key_by_id(key_id)
        elif key_id.startswith("arn:"):
            raise self._foreign_arn(key_id)
        raise ServiceError("NotFoundException", f"Invalid keyId '{key_id}'")

    def key_by_id_or_arn(self, key_id: str) -> Key:
        """A key named by key ID or key ARN, for the APIs that refuse aliases."""
        if key_id.startswith("alias/") or ":alias/" in key_id:
            raise ServiceError("InvalidArnException", _NO_ALIASES)
        return self.key(key_id)

    # -- internals ------------------------------------------------------------

    def _key_by_id(self, key_id: str) -> Key:
        key = self.keys.get(key_id)
        if key is None:
            raise ServiceError(
                "NotFoundException", f"Key '{self._arn_prefix}key/{key_id}' does not exist"
            )
        return key

    def _alias(self, name: str) -> _Alias:
        name = name[len(self._arn_prefix):] if name.startswith(self._arn_prefix) else name
        alias = self.aliases.get(name)
        if alias is None:
            raise ServiceError("NotFoundException", f"Alias {self._arn_prefix}{name} is not found.")
        return alias

    def _alias_target(self, target: str) -> Key:
        if target.startswith("alias/") or target.startswith(f"{self._arn_prefix}alias/"):
            raise ServiceError("ValidationException", "Aliases must refer to keys. Not aliases")
        key = self.key(target)
        if key.state == KeyState.PENDING_DELETION:
            raise ServiceError("KMSInvalidStateException", f"{key.arn} is pending deletion.")
        return key

    def _foreign_arn(self, arn: str) -> ServiceError:
        """An ARN outside this account and Region.

        Another Region's ARN is ``Invalid arn <region>``, as real KMS answers it
        (reported through DynamoDB's and Kinesis's KMS validation errors).
        """
        match = _ARN.fullmatch(arn)
        if match is not None and match.group(1) != self.region:
            return ServiceError("NotFoundException", f"Invalid arn {match.group(1)}")
        if match is not None and match.group(3).startswith("alias/"):
            return ServiceError("NotFoundException", f"Alias {arn} is not found.")
        return ServiceError("NotFoundException", f"Key '{arn}' does not exist")

    def _manageable_key(self, key_id: str) -> Key:
        """Enable, Disable and ScheduleKeyDeletion refuse aliases and a key pending deletion."""
        key = self.key_by_id_or_arn(key_id)
        if key.state == KeyState.PENDING_DELETION:
            raise ServiceError("KMSInvalidStateException", f"{key.arn} is pending deletion.")
        return key

    def _usable_key(self, key_id: str) -> Key:
        """A key that may run a cryptographic operation now (docs/aws-behaviour.md §3)."""
        return _check_usable(self._admit(self.key(key_id)))

    def _admit(self, key: Key) -> Key:
        """Count the request against the key's custom key store quota (may throttle)."""
        store = key.custom_key_store
        if store is not None:
            store.quota.consume(self._operation)
        return key

    def _refuse_cloudhsm_key(self, operation: str, params: Params) -> None:
        """What AWS answers when a CloudHSM key store key is asked to do what it cannot."""
        key_id = params.get("KeyId")
        if not isinstance(key_id, str) or (
            operation not in _NOT_IN_CLOUDHSM and operation not in _WRONG_USAGE_IN_CLOUDHSM
        ):
            return
        key = self.key(key_id)
        if key.origin != "AWS_CLOUDHSM":
            return
        if operation in _NOT_IN_CLOUDHSM:
            raise ServiceError(
                "UnsupportedOperationException",
                f"{key.arn} origin is AWS_CLOUDHSM which is not valid for this operation.",
            )
        raise ServiceError(
            "InvalidKeyUsageException",
            f"{key.arn} key usage is {key.key_usage} which is not valid for {operation}.",
        )

    def _data_key(self, p: Params) -> tuple[Key, bytes, bytes]:
        spec: str | None = p.get("KeySpec")
        count: int | None = p.get("NumberOfBytes")
        if spec is not None:
            if count is not None:
                raise ServiceError("ValidationException", _EITHER_BYTES_OR_SPEC)
            count = _DATA_KEY_BYTES[spec]
        elif count is None:
            raise ServiceError("ValidationException", _EITHER_BYTES_OR_SPEC)
        key = self._usable_key(p["KeyId"])
        if key.key_spec != _SYMMETRIC:
            raise ServiceError(
                "InvalidKeyUsageException",
                f"{key.arn} has KeySpec {key.key_spec}: data keys need a symmetric encryption "
                "KMS key.",
            )
        dry_run(p)
        plaintext = self.entropy.bytes(count)
        return key, plaintext, self._seal(key, plaintext, p.get("EncryptionContext"))

    def _seal(self, key: Key, plaintext: bytes, context: dict[str, str] | None) -> bytes:
        material = key.material
        header = seal_header(key.key_id, material.current_material_id)
        iv = self.entropy.bytes(12)
        return header + iv + material.encrypt(iv, plaintext, aad(header, context))

    def _open(
        self,
        blob: bytes,
        context: dict[str, str] | None,
        expected_key_id: str | None,
        algorithm: str | None,
    ) -> tuple[Key, bytes]:
        """Decrypt a blob: the key it names must be usable, and ``KeyId`` (if any) name it.

        A blob of a key that has been deleted answers ``NotFoundException`` for that
        key (UNCONFIRMED; any other unknown key is ``InvalidCiphertextException``).
        """
        try:
            envelope = parse(blob)
        except ServiceError:
            if expected_key_id is not None:  # RSA ciphertext without an RSAES algorithm
                expected = self.key(expected_key_id)
                if expected.key_spec != _SYMMETRIC:
                    self._asymmetric_algorithm(expected, algorithm)
            raise
        key = self.keys.get(envelope.key_id)
        if expected_key_id is not None:
            expected = self.key(expected_key_id)
            if expected is not key:
                if expected.key_spec != _SYMMETRIC:  # an RSA key needs an RSAES algorithm
                    self._asymmetric_algorithm(expected, algorithm)
                raise ServiceError("IncorrectKeyException", _INCORRECT_KEY)
        if key is None:
            if envelope.key_id in self._deleted_key_ids:
                self._key_by_id(envelope.key_id)
            raise ServiceError("InvalidCiphertextException", None)
        _check_usable(self._admit(key))
        _check_algorithm(key, algorithm)
        return key, key.material.decrypt(
            envelope.material_id, envelope.iv, envelope.data, aad(envelope.header, context)
        )

    def _dry_run_source(self, blob: bytes | None, key_id: str | None) -> Key:
        """The source key of a DryRun that ignores the ciphertext, checked as Decrypt checks it."""
        if key_id is not None:
            return _check_usable(self._admit(self.key(key_id)))
        key = self.keys.get(parse(_ciphertext({"CiphertextBlob": blob})).key_id)
        if key is None:
            raise ServiceError("InvalidCiphertextException", None)
        return _check_usable(self._admit(key))  # DryRun calls count against the quota too

    def _store_random(self, store: CustomKeyStore, count: int) -> bytes:
        """Random bytes from the store's cluster. A connected store whose cluster has no
        ACTIVE HSM is ``CustomKeyStoreInvalidStateException`` (UNCONFIRMED)."""
        check_state(store, "GenerateRandom")
        store.quota.consume(self._operation)
        cluster = self._cluster_or_none(store.cloud_hsm_cluster_id)
        if cluster is None or not cluster.active_hsms():
            raise ServiceError(
                "CustomKeyStoreInvalidStateException",
                f"The AWS CloudHSM cluster of custom key store {store.custom_key_store_id} "
                "has no active HSMs.",
            )
        random: bytes = cluster.generate_random(count)
        return random

    def _expire(self, key: Key, deletion_date: float) -> None:
        """End of the waiting period: the key and its aliases are gone."""
        if key.state != KeyState.PENDING_DELETION or key.deletion_date != deletion_date:
            return  # cancelled, or rescheduled
        del self.keys[key.key_id]
        self._deleted_key_ids.add(key.key_id)
        if key.custom_key_store is not None:
            # Best effort: unreachable backing keys stay in the cluster as orphans.
            key.custom_key_store.keys.pop(key.key_id, None)
            if isinstance(key.material, ClusterMaterial):
                key.material.delete_backing_key()
        for name in [n for n, a in self.aliases.items() if a.target_key_id == key.key_id]:
            del self.aliases[name]

    def _default_policy(self) -> str:
        """The default key policy KMS writes: the account's root may do everything."""
        return _default_policy(self.account_id)


class _Alias:
    __slots__ = ("alias_arn", "creation_date", "last_updated_date", "name", "target_key_id")

    def __init__(
        self, name: str, alias_arn: str, target_key_id: str, created: float, updated: float
    ) -> None:
        self.name = name
        self.alias_arn = alias_arn
        self.target_key_id = target_key_id
        self.creation_date = created
        self.last_updated_date = updated

    def entry(self) -> Result:
        return {
            "AliasName": self.name,
            "AliasArn": self.alias_arn,
            "TargetKeyId": self.target_key_id,
            "CreationDate": self.creation_date,
            "LastUpdatedDate": self.last_updated_date,
        }


# Every operation handler, including those a mixin base class contributes.
_OPERATIONS = [
    name for name in dir(KmsService)
    if name[:1].isupper() and callable(getattr(KmsService, name))
]

def _check_usable(key: Key) -> Key:
    """A key whose state and usage allow symmetric cryptography now (docs/aws-behaviour.md §3)."""
    error = state_error(key)
    if error is not None:
        raise error
    if key.key_usage != "ENCRYPT_DECRYPT":
        raise ServiceError(
            "InvalidKeyUsageException",
            f"{key.arn} key usage is {key.key_usage} which is not valid for this operation.",
        )
    return key


def _check_algorithm(key: Key, algorithm: str | None) -> None:
    if algorithm is not None and algorithm != "SYMMETRIC_DEFAULT":
        raise ServiceError(
            "InvalidKeyUsageException",
            f"Algorithm {algorithm} is incompatible with key spec {key.key_spec}.",
        )


def _ignores_ciphertext(p: Params) -> bool:
    return "IGNORE_CIPHERTEXT" in p.get("DryRunModifiers", ())


def _ciphertext(p: Params) -> bytes:
    """``CiphertextBlob``, which the model leaves optional but the service requires."""
    blob: bytes | None = p.get("CiphertextBlob")
    if blob is None:
        raise validation_error(constraint("ciphertextBlob", "not be null"))
    return blob


def _recipient_unsupported() -> ServiceError:
    """``Recipient`` needs a signed Nitro attestation document, which the fake cannot check.

    Answering with a plain ``Plaintext`` would hide that from the test, so the fake
    refuses the member (UNCONFIRMED choice of code: ``ValidationException``).
    """
    return ServiceError(
        "ValidationException",
        "pytest-cloudhsm-kms does not support Recipient (Nitro Enclaves attestation).",
    )


def _with_blob_material_id(result: Result, member: str, key: Key, blob: bytes) -> Result:
    """The material that sealed ``blob`` (the blob layout of :mod:`.ciphertext`)."""
    if key.material.current_material_id is not None:
        result[member] = blob[17:49].hex()
    return result


def _with_material_id(result: Result, member: str, key: Key) -> Result:
    material_id = key.material.current_material_id
    if material_id is not None:
        result[member] = material_id.hex()
    return result


def _check_alias_name(name: str) -> None:
    if not name.startswith("alias/") or name == "alias/":
        raise ServiceError(
            "InvalidAliasNameException", f"Alias must start with the prefix \"alias/\": {name}"
        )
    if name.startswith("alias/aws/"):
        raise ServiceError(
            "InvalidAliasNameException",
            f"Alias {name} cannot begin with alias/aws/: "
            "that prefix is reserved for AWS managed keys.",
        )


@functools.lru_cache(maxsize=16)
def _default_policy(account_id: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Id": "key-default-1",
            "Statement": [
                {
                    "Sid": "Enable IAM User Permissions",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ],
        },
        indent=2,
    )
