"""GetKeyLastUsage: the last successful cryptographic operation of each key.

:meth:`~.service.KmsService.call` records, after each successful operation whose
declaration says ``tracked``, the operation and virtual time on the key the answer
names (``KeyId``, and for ReEncrypt ``SourceKeyId`` too). Tracking starts when
the key is created, so ``TrackingStartDate`` is its creation date.

Choices where AWS documents nothing (docs/aws-behaviour.md §11.8): ``KeyId`` in the answer is the
key ID; ``CloudTrailEventId`` is a UUID derived from the key and the count of
operations recorded (this fake keeps no CloudTrail, and drawing it from the
environment's entropy would change every seeded ID after it); ``KmsRequestId`` is
left out, as the request ID belongs to the wire layer.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from ..context import RequestContext
from .declaration import operation
from .registry import KeyRegistry

__all__ = ["Usage"]


@dataclass(eq=False)
class Usage:
    """GetKeyLastUsage, and the record of each key's last cryptographic operation."""

    registry: KeyRegistry
    _usage_count: int = 0

    @operation()
    def GetKeyLastUsage(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        key = self.registry.key_by_id_or_arn(p["KeyId"])
        usage: dict[str, Any] = {}
        last = key.last_usage
        if last is not None:
            operation, timestamp, sequence = last
            seed = hashlib.sha256(f"{key.arn}#{sequence}".encode()).digest()
            usage = {
                "Operation": operation,
                "Timestamp": timestamp,
                "CloudTrailEventId": str(uuid.UUID(bytes=seed[:16], version=4)),
            }
        return {
            "KeyId": key.key_id,
            "KeyLastUsage": usage,
            "TrackingStartDate": key.creation_date,
            "KeyCreationDate": key.creation_date,
        }

    def record(self, ctx: RequestContext, result: dict[str, Any]) -> None:
        """Note a successful cryptographic operation on the key(s) its answer names.

        Every tracked answer names its key by ARN in ``KeyId``; ReEncrypt also in
        ``SourceKeyId``. This runs on every cryptographic call, so it stays small.
        """
        keys, offset = self.registry.keys, len(self.registry.arn_prefix) + 4  # "<prefix>key/"
        key = keys.get(result["KeyId"][offset:])
        self._usage_count += 1
        usage = (ctx.operation, ctx.clock.now(), self._usage_count)
        if key is not None:
            key.last_usage = usage
        source_arn = result.get("SourceKeyId")  # ReEncrypt's answer names both keys
        if source_arn is not None:
            source = keys.get(source_arn[offset:])
            if source is not None:
                source.last_usage = usage
