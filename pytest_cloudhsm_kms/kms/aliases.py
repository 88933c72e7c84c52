"""Aliases: CreateAlias, UpdateAlias, DeleteAlias and ListAliases.

An alias names one key of its account and Region; any ``KeyId`` member takes it
(see :mod:`.registry`). It cannot point at another alias or at a key pending
deletion, and goes with its key when the key's waiting period ends.

An alias name starts with ``alias/`` (recorded and quoted: ``ValidationException`` with
AWS's text), not with ``alias/aws/`` (reserved for AWS managed keys), and holds only
letters, digits, ``/``, ``_`` and ``-`` (the CreateAlias reference; the model's pattern
also allows ``:``, which AWS refuses as moto's tests report); a name in use is
``AlreadyExistsException`` with AWS's text as quoted in public: docs/aws-behaviour.md §11.1.

ListAliases' ``KeyId`` is a key ID or key ARN, and its page 50 aliases unless ``Limit``
says otherwise (the ListAliases reference). Choice (docs/aws-behaviour.md §11.1): an alias
as ``KeyId`` is refused as EnableKey refuses it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..context import RequestContext
from ..pagination import numbering
from .checks import paginate
from .declaration import Message, Params, Result, declared_error, operation, states_except
from .family import Family
from .model import Alias, Key, KeyState

__all__ = ["Aliases"]

# The key an alias points at may be in any state but pending deletion (docs/aws-behaviour.md §3).
_TO_A_KEY = states_except(KeyState.PENDING_DELETION, KeyState.PENDING_REPLICA_DELETION)
_TARGET_MESSAGES: dict[str, Message] = {
    "not_a_key": ("ValidationException", "Aliases must refer to keys. Not aliases"),
}


@dataclass(eq=False)
class Aliases(Family):
    """The alias operations of one account and Region."""

    @operation(key_states=_TO_A_KEY, messages={
        **_TARGET_MESSAGES,
        "prefix": ("ValidationException", 'Alias must start with the prefix "alias/". Please '
                   "see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html"),
        "characters": ("ValidationException", "{name} contains invalid characters for an alias"),
        "reserved": ("InvalidAliasNameException", "Alias {name} cannot begin with alias/aws/. "
                     "The alias/aws/ prefix is reserved for AWS managed keys."),
        "empty": ("InvalidAliasNameException", "Alias {name} must have a name after alias/."),
        "exists": ("AlreadyExistsException", "An alias with the name {arn} already exists"),
    })
    def CreateAlias(self, ctx: RequestContext, p: Params) -> Result:
        name = p["AliasName"]
        _check_alias_name(ctx, name)
        registry = self.registry
        if name in registry.aliases:
            raise declared_error(ctx, "exists", arn=f"{registry.arn_prefix}{name}")
        key = self._target(ctx, p["TargetKeyId"])
        now = ctx.date()
        registry.aliases[name] = Alias(name, f"{registry.arn_prefix}{name}", key.key_id, now, now)
        return {}

    @operation(key_states=_TO_A_KEY, messages=_TARGET_MESSAGES)
    def UpdateAlias(self, ctx: RequestContext, p: Params) -> Result:
        alias = self.registry.alias(p["AliasName"])
        key = self._target(ctx, p["TargetKeyId"])
        alias.target_key_id = key.key_id
        alias.last_updated_date = ctx.date()
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
        numbers = numbering(self.registry, "aliases").number(self.registry.aliases)
        page, result = paginate(aliases, p, default_limit=50, number=lambda a: numbers[a.name])
        result["Aliases"] = [a.entry() for a in page]
        return result

    def _target(self, ctx: RequestContext, target: str) -> Key:
        if target.startswith("alias/") or target.startswith(f"{self.registry.arn_prefix}alias/"):
            raise declared_error(ctx, "not_a_key")
        return self.check.state(ctx, self.registry.key(target))


def _check_alias_name(ctx: RequestContext, name: str) -> None:
    if not name.startswith("alias/"):
        raise declared_error(ctx, "prefix")
    if name == "alias/":
        raise declared_error(ctx, "empty", name=name)
    if name.startswith("alias/aws/"):
        raise declared_error(ctx, "reserved", name=name)
    if ":" in name:
        raise declared_error(ctx, "characters", name=name)
