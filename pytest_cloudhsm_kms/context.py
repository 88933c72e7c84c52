"""The request context: everything a handler may know about the request it serves.

Handlers of both services receive one :class:`RequestContext` argument next to
the request members; services keep no per-request state. A call from the wire
(botocore, the local endpoint) and a call from a scenario helper such as
``CloudHsmKms.ready_key()`` get the same kind of context, so both are judged by
their own operation (key states, quota, last usage, faults).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .partitions import partition_of

if TYPE_CHECKING:
    from .clock import VirtualClock

__all__ = ["Params", "RequestContext", "Result", "to_millisecond"]

Params = dict[str, Any]
"""The request members a handler takes (decoded: blobs are ``bytes``)."""
Result = dict[str, Any]
"""The response members a handler returns (the botocore output shape)."""


@dataclass(frozen=True)
class RequestContext:
    """One request: which operation, where, by whom, with which grant tokens, at what time."""

    operation: str
    """The AWS operation name, e.g. ``Encrypt`` or ``DescribeClusters``."""
    region: str
    account_id: str
    clock: VirtualClock
    caller: str = ""
    """The caller's principal ARN; empty: the account root."""
    grant_tokens: tuple[str, ...] = field(default=())
    source: str = "wire"
    """``wire`` for a request from a client, ``setup`` for a scenario helper of the environment."""

    @property
    def principal(self) -> str:
        """The caller's ARN, defaulting to the account root (in the Region's partition)."""
        return self.caller or f"arn:{partition_of(self.region)}:iam::{self.account_id}:root"

    def now(self) -> float:
        """The virtual time of the request."""
        return self.clock.now()

    def date(self) -> float:
        """The virtual time of the request to the millisecond (:func:`to_millisecond`)."""
        return to_millisecond(self.clock.now())


def to_millisecond(when: float) -> float:
    """``when`` to the millisecond, never later: the precision of the dates KMS answers
    for stores, keys, aliases, deletions, import parameters and rotations
    (docs/aws-behaviour.md §1.9, §2.2, §2.5, §11.1, §11.5, §11.6). Never later, so a
    deletion or rotation dated so never falls due after its time."""
    return math.floor(when * 1000) / 1000
