"""What the HSMs of a cluster hold: key objects and users, and what a backup keeps of them.

The HSMs of a cluster are synchronized, so the fake keeps one vault per
cluster (``Cluster.keys`` and ``Cluster.users``) and asks only whether some
HSM is ACTIVE to reach it. A :class:`VaultSnapshot` is the part of a backup
that a new HSM, or a cluster made from the backup, is restored from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = [
    "LOGIN_FAILURES",
    "MAX_FAILED_LOGINS",
    "CryptoUser",
    "KeyObject",
    "VaultError",
    "VaultSnapshot",
]

MAX_FAILED_LOGINS = 5
"""CloudHSM locks a user after this many failed logins (docs/aws-behaviour.md §1.5)."""

LOGIN_FAILURES = ("USER_NOT_FOUND", "USER_LOCKED_OUT", "USER_LOGGED_IN", "INVALID_CREDENTIALS")
"""What :meth:`Cluster.login` can answer instead of ``None``: KMS ``ConnectionErrorCode`` names."""

_REASONS = {
    "NO_ACTIVE_HSM": "The cluster has no ACTIVE HSM.",
    "KEY_NOT_FOUND": "No key object with that handle is in the cluster.",
    "DECRYPT_FAILED": "The ciphertext or its authentication data does not verify.",
    "USER_NOT_FOUND": "No user with that name is in the cluster.",
}


class VaultError(Exception):
    """The HSMs refused an operation on key objects or users.

    ``reason`` is one of ``NO_ACTIVE_HSM``, ``KEY_NOT_FOUND``,
    ``DECRYPT_FAILED`` or ``USER_NOT_FOUND``.
    """

    def __init__(self, reason: str, message: str | None = None) -> None:
        super().__init__(f"{reason}: {message or _REASONS.get(reason, reason)}")
        self.reason = reason


@dataclass(eq=False)
class KeyObject:
    """A non-exportable AES-256 key in the HSMs: no API ever returns ``material``.

    Key objects are never changed after creation, so backups share them.
    """

    handle: int
    label: str
    owner: str
    material: bytes = field(repr=False)
    _aead: AESGCM | None = field(default=None, init=False, repr=False)

    def aead(self) -> AESGCM:
        """The AES-256-GCM cipher of this key, made once."""
        aead = self._aead
        if aead is None:
            aead = self._aead = AESGCM(self.material)
        return aead


@dataclass(eq=False)
class CryptoUser:
    """A user of the HSMs: a crypto user (``CU``, such as ``kmsuser``) or the admin (``CO``).

    ``logged_in_elsewhere`` stands for a session someone else holds (KMS then
    fails with ``USER_LOGGED_IN``); ``kms_session`` is the session KMS holds
    while a key store is connected.
    """

    username: str
    password: str = field(repr=False)
    failed_logins: int = 0
    locked: bool = False
    logged_in_elsewhere: bool = False
    kms_session: bool = False
    role: str = "CU"

    def saved(self) -> CryptoUser:
        """The copy a backup keeps: the account, without anyone's session."""
        return CryptoUser(
            self.username, self.password, self.failed_logins, self.locked, role=self.role
        )


@dataclass(frozen=True, eq=False)
class VaultSnapshot:
    """The key objects and users of a cluster at one moment."""

    keys: dict[int, KeyObject]
    users: dict[str, CryptoUser]

    @classmethod
    def take(cls, keys: dict[int, KeyObject], users: dict[str, CryptoUser]) -> VaultSnapshot:
        """Copy a live vault (key objects are immutable, so they are shared)."""
        return cls(dict(keys), {name: user.saved() for name, user in users.items()})

    def restore_into(self, keys: dict[int, KeyObject], users: dict[str, CryptoUser]) -> None:
        """Replace a live vault's contents with this snapshot, in place."""
        keys.clear()
        keys.update(self.keys)
        users.clear()
        users.update({name: user.saved() for name, user in self.users.items()})
