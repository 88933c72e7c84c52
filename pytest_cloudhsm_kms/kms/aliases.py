"""Aliases: CreateAlias, UpdateAlias, DeleteAlias and ListAliases.

An alias names one key of its account and Region; any ``KeyId`` member takes it
(see :mod:`.registry`). It cannot point at another alias or at a key pending
deletion, and goes with its key when the key's waiting period ends.

Choices where AWS documents nothing (docs/aws-behaviour.md §11.1): ListAliases' ``KeyId`` takes a
key ID or key ARN, not an alias, as EnableKey does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..context import RequestContext
from ..errors import ServiceError
from .checks import KeyCheck, paginate
from .declaration import operation, states_except
from .model import Alias, Key, KeyState
from .registry import KeyRegistry

__all__ = ["Aliases"]

Params = dict[str, Any]
Result = dict[str, Any]
_NOT_A_KEY = "Aliases must refer to keys. Not aliases"

# The key an alias points at may be in any state but pending deletion.
_to_a_key = operation(key_states=states_except(KeyState.PENDING_DELETION))


class Aliases:
    """The alias operations of one account and Region."""

    def __init__(self, registry: KeyRegistry, check: KeyCheck) -> None:
        self.registry = registry
        self.check = check

    @_to_a_key
    def CreateAlias(self, ctx: RequestContext, p: Params) -> Result:
        name = p["AliasName"]
        _check_alias_name(name)
        registry = self.registry
        if name in registry.aliases:
            raise ServiceError(
                "AlreadyExistsException",
                f"An alias with the name {registry.arn_prefix}{name} already exists",
            )
        key = self._target(ctx, p["TargetKeyId"])
        now = ctx.now()
        registry.aliases[name] = Alias(name, f"{registry.arn_prefix}{name}", key.key_id, now, now)
        return {}

    @_to_a_key
    def UpdateAlias(self, ctx: RequestContext, p: Params) -> Result:
        alias = self.registry.alias(p["AliasName"])
        key = self._target(ctx, p["TargetKeyId"])
        alias.target_key_id = key.key_id
        alias.last_updated_date = ctx.now()
        return {}

    @operation()
    def DeleteAlias(self, ctx: RequestContext, p: Params) -> Result:
        alias = self.registry.alias(p["AliasName"])
        del self.registry.aliases[alias.name]
        return {}

    @operation()
    def ListAliases(self, ctx: RequestContext, p: Params) -> Result:
        aliases: Iterable[Alias] = self.registry.aliases.values()
        if "KeyId" in p:
            key_id = self.registry.key_by_id_or_arn(p["KeyId"]).key_id
            aliases = [a for a in aliases if a.target_key_id == key_id]
        page, result = paginate(aliases, p, default_limit=50)
        result["Aliases"] = [a.entry() for a in page]
        return result

    def _target(self, ctx: RequestContext, target: str) -> Key:
        if target.startswith("alias/") or target.startswith(f"{self.registry.arn_prefix}alias/"):
            raise ServiceError("ValidationException", _NOT_A_KEY)
        return self.check.state(ctx, self.registry.key(target))


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
