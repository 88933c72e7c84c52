"""Key policies, tags and descriptions: the KMS operations that manage a key's metadata.

Choices where AWS documents nothing (docs/aws-behaviour.md §11.4):

* A policy name other than ``default`` is ``NotFoundException`` ("No such policy
  exists") for GetKeyPolicy and PutKeyPolicy, except that PutKeyPolicy of
  ``AWS_RAM`` is the documented ``ValidationException``. (GetKeyPolicy of
  ``AWS_RAM``, for a key not shared through RAM, is the documented
  ``NotFoundException``.) No key here is shared through RAM, so ListKeyPolicies
  always answers ``["default"]``.
* The key policy is stored as sent; this fake evaluates no policy (no IAM), so
  the lockout safety check and ``BypassPolicyLockoutSafetyCheck`` change nothing.
  JSON that is not an object with a ``Statement`` is ``MalformedPolicyDocumentException``
  with a text of ours; one over 32 KB is ``LimitExceededException``. (A text that is
  not JSON is ``MalformedPolicyDocumentException`` with no message, as a real answer
  quoted in aws/aws-sdk-ruby#1784 shows.)
* Tag rules (recorded): keys starting with ``aws:`` (any case), the same tag key twice
  in one request and more than 50 tags on a key are ``TagException``. Key and value
  lengths are checked by the model (``ValidationException``) before this code runs.

UntagResource of a tag key the key does not have succeeds, as the API Reference
says (docs/aws-behaviour.md §11.4).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..context import RequestContext
from ..errors import ServiceError
from ..pagination import numbering
from .checks import INVALID_MARKER, paginate
from .declaration import Message, declared_error, messages_from, operation, states_except
from .family import Family
from .model import KeyState

__all__ = ["MAX_POLICY_BYTES", "MAX_TAGS", "TAG_MESSAGES", "Policies", "check_policy",
           "check_tags"]

MAX_TAGS = 50
MAX_POLICY_BYTES = 32_768
_RESERVED_TAG_PREFIX = "aws:"


def check_policy(policy: str) -> None:
    """``MalformedPolicyDocumentException`` unless ``policy`` is a JSON policy document."""
    if len(policy.encode()) > MAX_POLICY_BYTES:
        raise ServiceError(
            "LimitExceededException",
            f"The key policy exceeds the maximum size of {MAX_POLICY_BYTES} bytes.",
        )
    try:
        document = json.loads(policy)
    except (ValueError, RecursionError):
        # AWS sends no message for a text that is not JSON (docs/aws-behaviour.md §11.4).
        raise ServiceError("MalformedPolicyDocumentException", None) from None
    if not isinstance(document, dict) or "Statement" not in document:
        raise ServiceError(
            "MalformedPolicyDocumentException",
            "The key policy is not a valid JSON policy document.",
        )


TAG_MESSAGES: dict[str, Message] = {  # recorded (docs/aws-behaviour.md §11.4)
    "reserved_tag": ("TagException", "Tags beginning with aws: are reserved"),
    "duplicate_tags": ("TagException", "Duplicate tag keys"),
    "too_many_tags": ("TagException", "Too many tags"),
}
"""The errors of every operation that takes ``Tags`` (it declares them too)."""


def check_tags(
    ctx: RequestContext, tags: list[dict[str, str]], existing: dict[str, str] | None = None
) -> None:
    """``TagException`` for reserved keys, repeated keys, or more than 50 tags in all."""
    seen: set[str] = set()
    for tag in tags:
        name = tag["TagKey"]
        if name[:len(_RESERVED_TAG_PREFIX)].lower() == _RESERVED_TAG_PREFIX:
            raise declared_error(ctx, "reserved_tag")
        if name in seen:
            raise declared_error(ctx, "duplicate_tags")
        seen.add(name)
    if len(seen | set(existing or ())) > MAX_TAGS:
        raise declared_error(ctx, "too_many_tags")


# docs/aws-behaviour.md §3 footnote 3: tags and the description of a key pending deletion
# are frozen.
_not_pending_deletion = operation(
    key_states=states_except(KeyState.PENDING_DELETION, KeyState.PENDING_REPLICA_DELETION))

# GetKeyPolicy and PutKeyPolicy: a policy name other than "default" (docs/aws-behaviour.md §11.4).
_POLICY_NAME_MESSAGES: dict[str, Message] = {
    "no_such_policy": ("NotFoundException", "No such policy exists"),
}


@dataclass(eq=False)
class Policies(Family):
    """GetKeyPolicy, PutKeyPolicy, ListKeyPolicies, the tag operations and UpdateKeyDescription."""

    # -- key policies -----------------------------------------------------------------

    @operation(messages=_POLICY_NAME_MESSAGES)
    def GetKeyPolicy(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        key = self.registry.key_by_id_or_arn(p["KeyId"])
        name = p.get("PolicyName", "default")
        _check_policy_name(ctx, name)
        return {"Policy": key.policy, "PolicyName": name}

    @operation(messages={
        **_POLICY_NAME_MESSAGES,
        "ram_policy": ("ValidationException",
                       "The AWS_RAM policy can only be managed by the RAM service."),
    })
    def PutKeyPolicy(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        key = self.registry.key_by_id_or_arn(p["KeyId"])
        name = p.get("PolicyName", "default")
        if name == "AWS_RAM":
            raise declared_error(ctx, "ram_policy")
        _check_policy_name(ctx, name)
        check_policy(p["Policy"])
        key.policy = p["Policy"]
        return {}

    @operation(messages={
        # The model lists no InvalidMarkerException here (docs/aws-behaviour.md §13).
        "invalid_marker": ("ValidationException", INVALID_MARKER),
    })
    def ListKeyPolicies(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        """A marker this fake did not issue is ``ValidationException``: the model lists no
        ``InvalidMarkerException`` for this operation."""
        self.registry.key_by_id_or_arn(p["KeyId"])
        try:
            page, result = paginate(["default"], p, default_limit=100, number=lambda _: 0)
        except ServiceError:
            raise declared_error(ctx, "invalid_marker") from None
        result["PolicyNames"] = page
        return result

    # -- tags -------------------------------------------------------------------------

    @operation(key_states=states_except(KeyState.PENDING_DELETION,
                                        KeyState.PENDING_REPLICA_DELETION),
               messages=TAG_MESSAGES)
    def TagResource(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        key = self.check.state(ctx, self.registry.key_by_id_or_arn(p["KeyId"]))
        tags: list[dict[str, str]] = p["Tags"]
        check_tags(ctx, tags, key.tags)
        for tag in tags:
            key.tags[tag["TagKey"]] = tag["TagValue"]
        return {}

    @operation(key_states=states_except(KeyState.PENDING_DELETION,
                                        KeyState.PENDING_REPLICA_DELETION),
               messages=messages_from(TAG_MESSAGES, "reserved_tag"))
    def UntagResource(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        key = self.check.state(ctx, self.registry.key_by_id_or_arn(p["KeyId"]))
        names: list[str] = p["TagKeys"]
        for name in names:
            if name[:len(_RESERVED_TAG_PREFIX)].lower() == _RESERVED_TAG_PREFIX:
                raise declared_error(ctx, "reserved_tag")
        for name in names:
            key.tags.pop(name, None)
        return {}

    @operation()
    def ListResourceTags(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        """Tags in the order they were first added. ``Limit`` above 50 lists at most 50."""
        key = self.registry.key_by_id_or_arn(p["KeyId"])
        tags = [{"TagKey": k, "TagValue": v} for k, v in key.tags.items()]
        limit = min(p.get("Limit", MAX_TAGS), MAX_TAGS)
        numbers = numbering(key, "tags").number(key.tags)
        page, result = paginate(tags, {**p, "Limit": limit}, default_limit=MAX_TAGS,
                                number=lambda tag: numbers[tag["TagKey"]])
        result["Tags"] = page
        return result

    # -- description ------------------------------------------------------------------

    @_not_pending_deletion
    def UpdateKeyDescription(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        key = self.check.state(ctx, self.registry.key_by_id_or_arn(p["KeyId"]))
        key.description = p["Description"]
        return {}


def _check_policy_name(ctx: RequestContext, name: str) -> None:
    if name != "default":
        raise declared_error(ctx, "no_such_policy")
