"""Grants: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant and RevokeGrant.

This fake evaluates no permissions (no IAM, no key policy), so a grant is a
record: it is listed, retired and revoked as AWS does, and its grant tokens are
accepted in ``GrantTokens`` of every operation that takes them. Grant
constraints are stored and listed, not enforced. As AWS lists them, a grant is
dated in whole seconds (docs/aws-behaviour.md §11.3).

Choices where AWS documents nothing (docs/aws-behaviour.md §11.3):

* A grant ID is 64 lowercase hex digits, as AWS's are. A ``GrantId`` of any other
  form is ``InvalidGrantIdException``; a well-formed one that names no grant of the
  key is ``NotFoundException`` (RetireGrant, RevokeGrant) or an empty list (ListGrants).
* A grant token stays valid after its grant is retired or revoked (AWS documents
  tokens only as an eventual-consistency aid); RetireGrant with such a token is
  ``NotFoundException``. A token this fake never issued is ``InvalidGrantTokenException``.
* Encryption context constraints on an asymmetric or HMAC key, both constraint kinds
  in one grant, both or neither grantee members, and both retiring members are
  ``ValidationException``, as ``Operations`` the key cannot perform are (documented).
* ListGrants and ListRetirableGrants take ``Limit`` 1-100 as documented (the model
  allows 1000); more is ``ValidationException``.
* More than 500 grants for one grantee principal on one key, or more than 50,000
  grants on one key, is ``LimitExceededException`` (the documented quotas).
* A grant made without a name is listed without ``Name``: AWS's printed outputs show
  ``"Name": ""``, which the model's ``GrantNameType`` (at least 1 character) forbids,
  and every answer of the fake fits the model.
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..context import RequestContext
from ..errors import ServiceError, constraint, validation_error
from ..pagination import numbering
from .checks import dry_run, paginate
from .declaration import (
    ALL_KINDS,
    Message,
    TokenCheck,
    declared_error,
    grant_operations,
    messages_from,
    operation,
    states_except,
)
from .family import Family
from .model import Key, KeyState

__all__ = ["Grant", "Grants"]

_MAX_LIST_LIMIT = 100
_MAX_CONTEXT_PAIRS = 8
_MAX_CONTEXT_VALUE = 384
_GRANT_ID = re.compile(r"[0-9a-f]{64}")
_TOKEN_PREFIX = "AQpA"

# A grant token this fake did not issue: in GrantTokens of any operation that checks them
# (Grants.check_tokens), or RetireGrant's GrantToken.
_INVALID_GRANT_TOKEN: Message = ("InvalidGrantTokenException", "Invalid grant token.")

# The grant operations' errors, in AWS's style (docs/aws-behaviour.md §11.3, Choice);
# each grant operation declares those it answers.
_GRANT_MESSAGES: dict[str, Message] = {
    "quota": ("LimitExceededException",
              "The grant quota for {arn} (or for grantee {grantee} on it) has been reached."),
    "grantee_filter": ("ValidationException",
                       "Specify either GranteePrincipal or GranteeServicePrincipal, but not both."),
    "retiring_filter": ("ValidationException", "Specify either RetiringPrincipal or "
                        "RetiringServicePrincipal, but not both."),
    "invalid_token": _INVALID_GRANT_TOKEN,
    "not_found": ("NotFoundException", "Grant ID {grant_id} not found."),
    "token_mismatch": ("InvalidGrantIdException",
                       "Grant ID {grant_id} does not match the grant of the grant token."),
    "retire_what": ("ValidationException", "Specify a GrantToken, or both KeyId and GrantId."),
    "grantee": ("ValidationException", "You must specify either GranteePrincipal or "
                "GranteeServicePrincipal, but not both."),
    "retiring": ("ValidationException", "You can specify either RetiringPrincipal or "
                 "RetiringServicePrincipal, but not both."),
    "source_arn": ("ValidationException",
                   "A grant for a GranteeServicePrincipal requires a SourceArn grant constraint."),
    "service_retiring": ("ValidationException", "A grant for a GranteeServicePrincipal "
                         "requires a RetiringPrincipal or RetiringServicePrincipal."),
    "operations": ("ValidationException", "Grant operations {operations} are not valid for a "
                   "key with KeySpec {spec} and KeyUsage {usage}."),
    # a real answer, quoted (docs/aws-behaviour.md §11.3)
    "only_create_grant": ("ValidationException",
                          "Grants must not contain only the CreateGrant operation."),
    "both_contexts": ("ValidationException", "A grant can have only one of "
                      "EncryptionContextEquals and EncryptionContextSubset."),
    "context_kind": ("ValidationException", "Encryption context grant constraints are valid "
                     "only for symmetric encryption keys."),
    "context_size": ("ValidationException", "A grant constraint can have at most {pairs} "
                     "encryption context pairs, each value at most {chars} characters."),
    "grant_id": ("InvalidGrantIdException", "Invalid grant ID {grant_id}."),
}

@dataclass(eq=False)
class Grant:
    """A grant on a key: what ListGrants reports of it."""

    grant_id: str
    key_id: str
    key_arn: str
    issuing_account: str
    creation_date: float
    operations: list[str]
    name: str | None = None
    grantee_principal: str | None = None
    grantee_service_principal: str | None = None
    retiring_principal: str | None = None
    retiring_service_principal: str | None = None
    constraints: dict[str, Any] | None = None
    request: dict[str, Any] = field(default_factory=dict)

    def entry(self) -> dict[str, Any]:
        """The ``GrantListEntry`` of ListGrants and ListRetirableGrants."""
        entry: dict[str, Any] = {
            "KeyId": self.key_arn,
            "GrantId": self.grant_id,
            "CreationDate": self.creation_date,
            "IssuingAccount": self.issuing_account,
            "Operations": list(self.operations),
        }
        optional = {
            "Name": self.name,
            "GranteePrincipal": self.grantee_principal,
            "GranteeServicePrincipal": self.grantee_service_principal,
            "RetiringPrincipal": self.retiring_principal,
            "RetiringServicePrincipal": self.retiring_service_principal,
            "Constraints": self.constraints,
        }
        entry.update({k: v for k, v in optional.items() if v is not None})
        return entry


@dataclass(eq=False)
class Grants(Family):
    """The grants of one account and Region, and their operations."""

    grants: dict[str, Grant] = field(default_factory=dict)
    grant_tokens: dict[str, str] = field(default_factory=dict)
    """Every grant token issued, with the ID of its grant."""

    # A key pending import takes no grant: the key state table's [5] (docs/aws-behaviour.md §3).
    @operation(key_states=states_except(KeyState.DISABLED, KeyState.PENDING_DELETION,
                                        KeyState.PENDING_REPLICA_DELETION,
                                        KeyState.PENDING_IMPORT),
               grant_tokens=TokenCheck.CHECKED, dry_run=True, grant_kinds=ALL_KINDS,
               messages=messages_from(
                   _GRANT_MESSAGES, "quota", "grantee", "retiring", "source_arn",
                   "service_retiring", "operations", "only_create_grant", "both_contexts",
                   "context_kind", "context_size"))
    def CreateGrant(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        key = self.check.state(ctx, self.registry.key_by_id_or_arn(p["KeyId"]))
        _check_principals(ctx, p)
        operations: list[str] = p["Operations"]
        constraints: dict[str, Any] | None = p.get("Constraints")
        _check_operations(ctx, key, operations, constraints)
        grantee = p.get("GranteePrincipal") or p["GranteeServicePrincipal"]
        mine = [g for g in self.grants.values() if g.key_id == key.key_id]
        request = {k: p.get(k) for k in _IDENTITY}
        name = p.get("Name")
        existing = next((g for g in mine if name is not None and g.request == request), None)
        settings = self.scope.settings
        if existing is None and (len(mine) >= settings.max_grants_per_key or sum(
                1 for g in mine
                if (g.grantee_principal or g.grantee_service_principal) == grantee
        ) >= settings.max_grants_per_grantee):
            raise declared_error(ctx, "quota", arn=key.arn, grantee=grantee)
        dry_run(p)
        if existing is None:
            existing = Grant(
                grant_id=self.scope.entropy.bytes(32).hex(),
                key_id=key.key_id,
                key_arn=key.arn,
                issuing_account=f"arn:{self.scope.partition}:iam::{self.scope.account_id}:root",
                creation_date=float(math.floor(ctx.now())),  # whole seconds (§11.3)
                operations=list(operations),
                name=name,
                grantee_principal=p.get("GranteePrincipal"),
                grantee_service_principal=p.get("GranteeServicePrincipal"),
                retiring_principal=p.get("RetiringPrincipal"),
                retiring_service_principal=p.get("RetiringServicePrincipal"),
                constraints=constraints or None,
                request=request,
            )
            self.grants[existing.grant_id] = existing
        return {"GrantToken": self._issue_token(existing), "GrantId": existing.grant_id}

    @operation(messages=messages_from(_GRANT_MESSAGES, "grantee_filter", "grant_id"))
    def ListGrants(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        key = self.registry.key_by_id_or_arn(p["KeyId"])
        _check_list_limit(p)
        grantee, service = p.get("GranteePrincipal"), p.get("GranteeServicePrincipal")
        if grantee is not None and service is not None:
            raise declared_error(ctx, "grantee_filter")
        grant_id = p.get("GrantId")
        if grant_id is not None:
            _check_grant_id(ctx, grant_id)
        grants = [
            g for g in self.grants.values()
            if g.key_id == key.key_id
            and grant_id in (None, g.grant_id)
            and grantee in (None, g.grantee_principal)
            and service in (None, g.grantee_service_principal)
        ]
        page, result = paginate(grants, p, default_limit=50, number=self._numbers())
        result["Grants"] = [g.entry() for g in page]
        return result

    @operation(messages=messages_from(_GRANT_MESSAGES, "retiring_filter"))
    def ListRetirableGrants(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        _check_list_limit(p)
        principal, service = p.get("RetiringPrincipal"), p.get("RetiringServicePrincipal")
        if (principal is None) == (service is None):
            raise declared_error(ctx, "retiring_filter")
        grants = [
            g for g in self.grants.values()
            if g.key_id in self.registry.keys
            and (g.retiring_principal if principal is not None
                 else g.retiring_service_principal) == (principal or service)
        ]
        page, result = paginate(grants, p, default_limit=50, number=self._numbers())
        result["Grants"] = [g.entry() for g in page]
        return result

    def _numbers(self) -> Callable[[Grant], int]:
        """The place of each grant in the listings (a cursor after the last one returned)."""
        numbers = numbering(self, "grants").number(self.grants)
        return lambda grant: numbers[grant.grant_id]

    @operation(dry_run=True, grant_kinds=ALL_KINDS, messages=messages_from(
        _GRANT_MESSAGES, "invalid_token", "not_found", "token_mismatch", "retire_what",
        "grant_id"))
    def RetireGrant(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        token, key_id, grant_id = p.get("GrantToken"), p.get("KeyId"), p.get("GrantId")
        if token is not None:
            issued = self.grant_tokens.get(token)
            if issued is None:
                raise declared_error(ctx, "invalid_token")
            grant = self.grants.get(issued)
            if grant is None or grant.key_id not in self.registry.keys:
                raise declared_error(ctx, "not_found", grant_id=issued)
            if grant_id is not None and grant_id != grant.grant_id:
                raise declared_error(ctx, "token_mismatch", grant_id=grant_id)
        elif key_id is None or grant_id is None:
            raise declared_error(ctx, "retire_what")
        else:
            grant = self._grant_of(ctx, self.registry.key_by_id_or_arn(key_id), grant_id)
        dry_run(p)
        del self.grants[grant.grant_id]
        return {}

    @operation(dry_run=True, messages=messages_from(_GRANT_MESSAGES, "not_found", "grant_id"))
    def RevokeGrant(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        grant = self._grant_of(ctx, self.registry.key_by_id_or_arn(p["KeyId"]), p["GrantId"])
        dry_run(p)
        del self.grants[grant.grant_id]
        return {}

    # -- grant tokens ---------------------------------------------------------------

    def _issue_token(self, grant: Grant) -> str:
        """A new token for ``grant``: each CreateGrant answers a different one."""
        raw = bytes.fromhex(grant.grant_id) + self.scope.entropy.bytes(96)
        token = _TOKEN_PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")
        self.grant_tokens[token] = grant.grant_id
        return token

    def check_tokens(self, tokens: list[str] | tuple[str, ...]) -> None:
        """``InvalidGrantTokenException`` for a token this fake did not issue.

        Only for operations declared ``TokenCheck.CHECKED``: DescribeKey takes grant
        tokens but the model lists no such error for it (a choice: docs/aws-behaviour.md §4).
        """
        for token in tokens:
            if token not in self.grant_tokens:
                raise ServiceError(*_INVALID_GRANT_TOKEN)

    def _grant_of(self, ctx: RequestContext, key: Key, grant_id: str) -> Grant:
        _check_grant_id(ctx, grant_id)
        grant = self.grants.get(grant_id)
        if grant is None or grant.key_id != key.key_id:
            raise declared_error(ctx, "not_found", grant_id=grant_id)
        return grant


# What makes two CreateGrant requests "identical" for the Name idempotency rule.
_IDENTITY = (
    "Name", "GranteePrincipal", "GranteeServicePrincipal", "RetiringPrincipal",
    "RetiringServicePrincipal", "Operations", "Constraints",
)


def _check_principals(ctx: RequestContext, p: dict[str, Any]) -> None:
    if ("GranteePrincipal" in p) == ("GranteeServicePrincipal" in p):
        raise declared_error(ctx, "grantee")
    if "RetiringPrincipal" in p and "RetiringServicePrincipal" in p:
        raise declared_error(ctx, "retiring")
    if "GranteeServicePrincipal" in p:
        if "SourceArn" not in (p.get("Constraints") or {}):
            raise declared_error(ctx, "source_arn")
        if "RetiringPrincipal" not in p and "RetiringServicePrincipal" not in p:
            raise declared_error(ctx, "service_retiring")


def _check_operations(ctx: RequestContext, key: Key, operations: list[str],
                      constraints: dict[str, Any] | None) -> None:
    if not operations:
        raise validation_error(
            constraint("operations", "have length greater than or equal to 1", "[]")
        )
    if set(operations) == {"CreateGrant"}:
        raise declared_error(ctx, "only_create_grant")
    kind = "symmetric" if key.key_spec == "SYMMETRIC_DEFAULT" else key.key_usage
    allowed = grant_operations(kind)
    invalid = [op for op in operations if op not in allowed]
    if invalid:
        raise declared_error(ctx, "operations", operations=", ".join(invalid),
                             spec=key.key_spec, usage=key.key_usage)
    if not constraints:
        return
    contexts = [name for name in ("EncryptionContextEquals", "EncryptionContextSubset")
                if name in constraints]
    if len(contexts) > 1:
        raise declared_error(ctx, "both_contexts")
    if contexts and kind != "symmetric":
        raise declared_error(ctx, "context_kind")
    for name in contexts:
        context: dict[str, str] = constraints[name]
        if len(context) > _MAX_CONTEXT_PAIRS or any(
                len(value) > _MAX_CONTEXT_VALUE for value in context.values()):
            raise declared_error(ctx, "context_size", pairs=_MAX_CONTEXT_PAIRS,
                                 chars=_MAX_CONTEXT_VALUE)


def _check_grant_id(ctx: RequestContext, grant_id: str) -> None:
    if _GRANT_ID.fullmatch(grant_id) is None:
        raise declared_error(ctx, "grant_id", grant_id=grant_id)


def _check_list_limit(p: dict[str, Any]) -> None:
    limit = p.get("Limit")
    if limit is not None and limit > _MAX_LIST_LIMIT:
        raise validation_error(
            constraint("limit", f"have value less than or equal to {_MAX_LIST_LIMIT}", limit)
        )
