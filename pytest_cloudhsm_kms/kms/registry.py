"""The keys and aliases of one account and Region, and how a request names a key.

A ``KeyId`` member takes a key ID, a key ARN, an alias name or an alias ARN;
:meth:`KeyRegistry.key` resolves all four as KMS does, and
:meth:`KeyRegistry.key_by_id_or_arn` refuses aliases for the operations that do.
"""

from __future__ import annotations

import re

from ..errors import ServiceError
from ..scope import Scope
from .model import Alias, Key

__all__ = ["KeyRegistry", "Scope"]

# What KMS takes for a key ID: a UUID in either case, or a multi-Region key ID.
_KEY_ID = re.compile(
    r"(?:mrk-[0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"
)
_ARN = re.compile(r"arn:aws[a-z-]*:kms:([^:]*):([^:]*):(.*)")
# Real answers quoted in public (docs/aws-behaviour.md §0.3): this text (§11.3), and those
# of an unknown alias and an unknown key ARN below (§11.1, §4).
_NO_ALIASES = "Key Aliases are not supported for this operation."


class KeyRegistry:
    """The keys and aliases of one account and Region."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.arn_prefix = scope.arn_prefix("kms")
        self.keys: dict[str, Key] = {}
        self.aliases: dict[str, Alias] = {}
        self.deleted_key_ids: set[str] = set()
        """Keys whose waiting period ended: their ciphertext names a key that no longer exists."""

    def add(self, key: Key) -> Key:
        """Register a new key."""
        self.keys[key.key_id] = key
        return key

    def key(self, key_id: str) -> Key:
        """Resolve a key ID, key ARN, alias name or alias ARN, as KMS does."""
        key = self.keys.get(key_id)
        if key is not None:
            return key
        prefix = self.arn_prefix
        if key_id.startswith(prefix):
            resource = key_id[len(prefix):]
            if resource.startswith("alias/"):
                return self.key_by_id(self.alias(resource).target_key_id)
            if resource.startswith("key/"):
                return self.key_by_id(resource[4:])
        elif key_id.startswith("alias/"):
            return self.key_by_id(self.alias(key_id).target_key_id)
        elif _KEY_ID.fullmatch(key_id):
            return self.key_by_id(key_id)
        elif key_id.startswith("arn:"):
            raise self._foreign_arn(key_id)
        raise ServiceError("NotFoundException", f"Invalid keyId '{key_id}'")

    def key_by_id_or_arn(self, key_id: str) -> Key:
        """A key named by key ID or key ARN, for the operations that refuse aliases."""
        if key_id.startswith("alias/") or ":alias/" in key_id:
            raise ServiceError("InvalidArnException", _NO_ALIASES)
        return self.key(key_id)

    def key_by_id(self, key_id: str) -> Key:
        """A key by its key ID, or ``NotFoundException`` naming its ARN."""
        key = self.keys.get(key_id)
        if key is None:
            raise ServiceError(
                "NotFoundException", f"Key '{self.arn_prefix}key/{key_id}' does not exist"
            )
        return key

    def alias(self, name: str) -> Alias:
        """An alias by name or alias ARN, or ``NotFoundException``."""
        prefix = self.arn_prefix
        name = name[len(prefix):] if name.startswith(prefix) else name
        alias = self.aliases.get(name)
        if alias is None:
            raise ServiceError("NotFoundException", f"Alias {prefix}{name} is not found.")
        return alias

    def _foreign_arn(self, arn: str) -> ServiceError:
        """An ARN outside this partition, account and Region.

        Another Region's ARN is ``Invalid arn <region>``, as real KMS answers it
        (reported through DynamoDB's and Kinesis's KMS validation errors). One of
        this Region in another account or another partition names a key or alias
        that does not exist (docs/aws-behaviour.md §1.1).
        """
        match = _ARN.fullmatch(arn)
        if match is not None and match.group(1) != self.scope.region:
            return ServiceError("NotFoundException", f"Invalid arn {match.group(1)}")
        if match is not None and match.group(3).startswith("alias/"):
            return ServiceError("NotFoundException", f"Alias {arn} is not found.")
        return ServiceError("NotFoundException", f"Key '{arn}' does not exist")
