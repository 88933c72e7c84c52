"""KMS keys, their states and their symmetric key material."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..errors import ServiceError

if TYPE_CHECKING:
    from .keystores import CustomKeyStore

__all__ = ["Key", "KeyMaterial", "KeyState", "SymmetricMaterial"]


class KeyState:
    """The ``KeyState`` values of the KMS API."""

    ENABLED = "Enabled"
    DISABLED = "Disabled"
    PENDING_DELETION = "PendingDeletion"
    PENDING_IMPORT = "PendingImport"
    UNAVAILABLE = "Unavailable"


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
    """AES-256 material held by KMS (Origin ``AWS_KMS``), keeping every version."""

    def __init__(self, material_id: bytes, material: bytes) -> None:
        self._versions: dict[bytes, AESGCM] = {material_id: AESGCM(material)}
        self._current = material_id

    @property
    def current_material_id(self) -> bytes:
        return self._current

    def encrypt(self, iv: bytes, plaintext: bytes, aad: bytes) -> bytes:
        return self._versions[self._current].encrypt(iv, plaintext, aad)

    def decrypt(self, material_id: bytes, iv: bytes, data: bytes, aad: bytes) -> bytes:
        aead = self._versions.get(material_id)
        if aead is None:
            raise ServiceError("InvalidCiphertextException", None)
        try:
            return aead.decrypt(iv, data, aad)
        except InvalidTag:
            raise ServiceError("InvalidCiphertextException", None) from None


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

    def metadata(self) -> dict[str, Any]:
        """The ``KeyMetadata`` structure of DescribeKey and CreateKey."""
        state = self.key_state
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
            "CustomerMasterKeySpec": self.key_spec,
            "KeySpec": self.key_spec,
            "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
            "MultiRegion": False,
        }
        if self.deletion_date is not None and state == KeyState.PENDING_DELETION:
            meta["DeletionDate"] = self.deletion_date
        store = self.custom_key_store
        if store is not None:
            meta["CustomKeyStoreId"] = store.custom_key_store_id
            meta["CloudHsmClusterId"] = store.cloud_hsm_cluster_id
        material_id = self.material.current_material_id
        if material_id is not None:
            meta["CurrentKeyMaterialId"] = material_id.hex()
        return meta
