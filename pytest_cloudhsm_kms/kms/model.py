"""The KMS data model: keys, their states and key material, the algorithms of each key
spec, and aliases. No operation lives here (see :mod:`.catalog` for where each one does)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..errors import ServiceError

if TYPE_CHECKING:
    from .keystores import CustomKeyStore

__all__ = [
    "ALGORITHMS",
    "Alias",
    "ImportedMaterial",
    "Key",
    "KeyMaterial",
    "KeyPairMaterial",
    "KeyState",
    "MacMaterial",
    "Rotation",
    "SymmetricMaterial",
]


class KeyState:
    """The ``KeyState`` values of the KMS API."""

    ENABLED = "Enabled"
    DISABLED = "Disabled"
    PENDING_DELETION = "PendingDeletion"
    PENDING_IMPORT = "PendingImport"
    PENDING_REPLICA_DELETION = "PendingReplicaDeletion"
    UNAVAILABLE = "Unavailable"
    CREATING = "Creating"
    UPDATING = "Updating"


_RSA_ENCRYPTION = ("RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256")
_RSA_SIGNING = (
    "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512",
    "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512",
)

ALGORITHMS: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {
    ("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT"): ("EncryptionAlgorithms", ("SYMMETRIC_DEFAULT",)),
    **{(f"RSA_{bits}", "ENCRYPT_DECRYPT"): ("EncryptionAlgorithms", _RSA_ENCRYPTION)
       for bits in (2048, 3072, 4096)},
    **{(f"RSA_{bits}", "SIGN_VERIFY"): ("SigningAlgorithms", _RSA_SIGNING)
       for bits in (2048, 3072, 4096)},
    ("ECC_NIST_P256", "SIGN_VERIFY"): ("SigningAlgorithms", ("ECDSA_SHA_256",)),
    ("ECC_NIST_P384", "SIGN_VERIFY"): ("SigningAlgorithms", ("ECDSA_SHA_384",)),
    ("ECC_NIST_P521", "SIGN_VERIFY"): ("SigningAlgorithms", ("ECDSA_SHA_512",)),
    ("ECC_SECG_P256K1", "SIGN_VERIFY"): ("SigningAlgorithms", ("ECDSA_SHA_256",)),
    ("ECC_NIST_P256", "KEY_AGREEMENT"): ("KeyAgreementAlgorithms", ("ECDH",)),
    ("ECC_NIST_P384", "KEY_AGREEMENT"): ("KeyAgreementAlgorithms", ("ECDH",)),
    ("ECC_NIST_P521", "KEY_AGREEMENT"): ("KeyAgreementAlgorithms", ("ECDH",)),
    ("ECC_NIST_EDWARDS25519", "SIGN_VERIFY"): (
        "SigningAlgorithms", ("ED25519_SHA_512", "ED25519_PH_SHA_512")),
    **{(f"HMAC_{bits}", "GENERATE_VERIFY_MAC"): ("MacAlgorithms", (f"HMAC_SHA_{bits}",))
       for bits in (224, 256, 384, 512)},
    **{(f"ML_DSA_{level}", "SIGN_VERIFY"): ("SigningAlgorithms", ("ML_DSA_SHAKE_256",))
       for level in (44, 65, 87)},
    **{(f"ML_KEM_{level}", "ENCAPSULATE_DECAPSULATE"): ("EncapsulationAlgorithms", ("ML_KEM",))
       for level in (512, 768, 1024)},
    ("SM2", "ENCRYPT_DECRYPT"): ("EncryptionAlgorithms", ("SM2PKE",)),
    ("SM2", "SIGN_VERIFY"): ("SigningAlgorithms", ("SM2DSA",)),
    ("SM2", "KEY_AGREEMENT"): ("KeyAgreementAlgorithms", ("ECDH",)),
}
"""(KeySpec, KeyUsage) pairs KMS accepts, with the KeyMetadata member listing their algorithms."""

# The deprecated ``CustomerMasterKeySpec`` enum stops at SM2: newer specs are not reported in it.
_LEGACY_SPECS = frozenset({
    "RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521",
    "ECC_SECG_P256K1", "SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512",
    "SM2",
})


class MultiRegionLink(Protocol):
    """The multi-Region key set a key belongs to (see :mod:`.multiregion`)."""

    def configuration(self, key: Key) -> dict[str, Any]:
        """The ``MultiRegionConfiguration`` of ``key``."""

    def is_primary(self, key: Key) -> bool:
        """Whether ``key`` is the primary key of its set."""

    def primary(self) -> Key | None:
        """The primary key of the set, if it exists."""


class KeyMaterial(Protocol):
    """Where a key's cryptography runs: in KMS itself, or in a CloudHSM cluster."""

    @property
    def current_material_id(self) -> bytes | None:
        """The 32-byte ID of the material new ciphertext uses (``None``: not reported)."""

    def encrypt(self, iv: bytes, plaintext: bytes, aad: bytes) -> bytes:
        """AES-256-GCM ``ciphertext || tag`` under the current material."""

    def decrypt(self, material_id: bytes, iv: bytes, data: bytes, aad: bytes) -> bytes:
        """The plaintext, or ``InvalidCiphertextException``."""


class SymmetricMaterial:
    """AES-256 material held by KMS (Origin ``AWS_KMS`` or ``EXTERNAL``), keeping every version.

    Rotation adds a version and makes it current; ciphertext names the version it
    was sealed under, so older ciphertext keeps decrypting. A key with imported
    material may hold none (``PendingImport``), or versions not yet current
    (imported for a coming on-demand rotation).
    """

    def __init__(self, material_id: bytes | None = None, material: bytes | None = None) -> None:
        self._versions: dict[bytes, AESGCM] = {}
        self._current: bytes | None = None
        if material_id is not None and material is not None:
            self._versions[material_id] = AESGCM(material)
            self._current = material_id

    @property
    def current_material_id(self) -> bytes | None:
        return self._current

    @property
    def material_ids(self) -> list[bytes]:
        """Every version held, oldest first."""
        return list(self._versions)

    def has(self, material_id: bytes) -> bool:
        """Whether this version is held."""
        return material_id in self._versions

    def add(self, material_id: bytes, material: bytes) -> None:
        """Hold a version without making it current."""
        self._versions[material_id] = AESGCM(material)

    def rotate(self, material_id: bytes, material: bytes | None = None) -> None:
        """Make a version current (adding it first when ``material`` is given)."""
        if material is not None:
            self.add(material_id, material)
        self._current = material_id

    def remove(self, material_id: bytes) -> None:
        """Forget a version (deleted imported material); the key may then have no current one."""
        self._versions.pop(material_id, None)

    def encrypt(self, iv: bytes, plaintext: bytes, aad: bytes) -> bytes:
        return self._versions[self._current].encrypt(iv, plaintext, aad)  # type: ignore[index]

    def decrypt(self, material_id: bytes, iv: bytes, data: bytes, aad: bytes) -> bytes:
        aead = self._versions.get(material_id)
        if aead is None:
            raise ServiceError("InvalidCiphertextException", None)
        try:
            return aead.decrypt(iv, data, aad)
        except InvalidTag:
            raise ServiceError("InvalidCiphertextException", None) from None


class _NotSymmetric:
    """Material that cannot seal or open the fake's symmetric ciphertext blobs."""

    current_material_id: bytes | None = None
    spec = ""

    def encrypt(self, iv: bytes, plaintext: bytes, aad: bytes) -> bytes:
        raise ServiceError(
            "InvalidKeyUsageException",
            f"This operation requires a symmetric encryption KMS key; the key spec is "
            f"{self.spec}.",
        )

    def decrypt(self, material_id: bytes, iv: bytes, data: bytes, aad: bytes) -> bytes:
        raise ServiceError("InvalidCiphertextException", None)


class KeyPairMaterial(_NotSymmetric):
    """The private key of an asymmetric KMS key (``None`` until imported, for ``EXTERNAL``)."""

    def __init__(self, spec: str, private_key: Any) -> None:
        self.spec = spec
        self.private_key = private_key


class MacMaterial(_NotSymmetric):
    """The secret of an HMAC KMS key (``None`` until imported, for ``EXTERNAL``)."""

    def __init__(self, spec: str, secret: bytes | None) -> None:
        self.spec = spec
        self.secret = secret


@dataclass
class Rotation:
    """One completed rotation: what ListKeyRotations reports of it."""

    material_id: bytes
    rotation_date: float
    rotation_type: str  # AUTOMATIC | ON_DEMAND


@dataclass
class ImportedMaterial:
    """One key material imported into an ``EXTERNAL`` key (or expected again after deletion)."""

    material_id: bytes
    imported: bool = True
    expiration_model: str = "KEY_MATERIAL_DOES_NOT_EXPIRE"
    valid_to: float | None = None
    description: str | None = None
    pending_rotation: bool = False


@dataclass(eq=False)
class Key:
    """A KMS key. ``state`` is the state KMS keeps; :attr:`key_state` is the one it reports."""

    key_id: str
    arn: str
    account_id: str
    creation_date: float
    material: KeyMaterial
    description: str = ""
    key_usage: str = "ENCRYPT_DECRYPT"
    key_spec: str = "SYMMETRIC_DEFAULT"
    origin: str = "AWS_KMS"
    state: str = KeyState.ENABLED
    policy: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    deletion_date: float | None = None
    custom_key_store: CustomKeyStore | None = None
    # Automatic rotation: enabled while ``rotation_period_in_days`` is set.
    rotation_period_in_days: int | None = None
    next_rotation_date: float | None = None
    on_demand_rotation_start: float | None = None
    rotation_schedule: int = 0  # bumped whenever the automatic schedule changes
    rotations: list[Rotation] = field(default_factory=list)
    # Imported key material (Origin EXTERNAL), by material ID, in import order.
    imports: dict[bytes, ImportedMaterial] = field(default_factory=dict)
    multi_region: MultiRegionLink | None = None
    pending_window_in_days: int | None = None
    # The last successful cryptographic operation: (operation, time, sequence number).
    last_usage: tuple[str, float, int] | None = None

    @property
    def key_state(self) -> str:
        """``Unavailable`` while its custom key store is not connected, except pending deletion."""
        store = self.custom_key_store
        if (
            store is not None
            and not store.connected
            and self.state != KeyState.PENDING_DELETION
        ):
            return KeyState.UNAVAILABLE
        return self.state

    @property
    def current_import(self) -> ImportedMaterial | None:
        """The imported material new cryptography uses (``EXTERNAL`` keys), if any."""
        current = self.material.current_material_id
        if current is None:
            for record in self.imports.values():  # asymmetric and HMAC: a single material
                return record if record.imported else None
            return None
        found = self.imports.get(current)
        return found if found is not None and found.imported else None

    def metadata(self) -> dict[str, Any]:
        """The ``KeyMetadata`` structure of DescribeKey and CreateKey."""
        state = self.key_state
        spec = self.key_spec
        meta: dict[str, Any] = {
            "AWSAccountId": self.account_id,
            "KeyId": self.key_id,
            "Arn": self.arn,
            "CreationDate": self.creation_date,
            "Enabled": state == KeyState.ENABLED,
            "Description": self.description,
            "KeyUsage": self.key_usage,
            "KeyState": state,
            "Origin": self.origin,
            "KeyManager": "CUSTOMER",
            "KeySpec": spec,
            "MultiRegion": self.multi_region is not None,
        }
        if spec in _LEGACY_SPECS:
            meta["CustomerMasterKeySpec"] = spec
        member, algorithms = ALGORITHMS[(spec, self.key_usage)]
        meta[member] = list(algorithms)
        if self.deletion_date is not None and state == KeyState.PENDING_DELETION:
            meta["DeletionDate"] = self.deletion_date
        store = self.custom_key_store
        if store is not None:
            meta["CustomKeyStoreId"] = store.custom_key_store_id
            meta["CloudHsmClusterId"] = store.cloud_hsm_cluster_id
        material_id = self.material.current_material_id
        if material_id is not None and state != KeyState.CREATING:
            # A replica being created has no material yet (recorded, §11.7).
            meta["CurrentKeyMaterialId"] = material_id.hex()
        if self.origin == "EXTERNAL":
            record = self.current_import
            if record is not None:
                meta["ExpirationModel"] = record.expiration_model
                if record.valid_to is not None:
                    meta["ValidTo"] = record.valid_to
        if self.multi_region is not None:
            meta["MultiRegionConfiguration"] = self.multi_region.configuration(self)
        if self.pending_window_in_days is not None and (
                state == KeyState.PENDING_REPLICA_DELETION):
            meta["PendingDeletionWindowInDays"] = self.pending_window_in_days
        return meta


@dataclass(eq=False, slots=True)
class Alias:
    """An alias: a name in the account and Region that points at one key."""

    name: str
    alias_arn: str
    target_key_id: str
    creation_date: float
    last_updated_date: float

    def entry(self) -> dict[str, Any]:
        """The ``AliasListEntry`` of ListAliases."""
        return {
            "AliasName": self.name,
            "AliasArn": self.alias_arn,
            "TargetKeyId": self.target_key_id,
            "CreationDate": self.creation_date,
            "LastUpdatedDate": self.last_updated_date,
        }
