"""``Scope``: where one service serves (account and Region), with its clock, entropy and settings.

Both services of a Region, KMS and CloudHSM v2, are a :class:`RegionalService`:
they take a scope and hand it to their parts, which all read
:attr:`Scope.settings` when they need a value, so assigning
``CloudHsmKms.settings`` reaches every part of both services at once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .clock import VirtualClock
from .entropy import Entropy
from .partitions import partition_of
from .settings import Settings

__all__ = ["RegionalService", "Scope"]


@dataclass(eq=False)
class Scope:
    """Where one service serves, with what its parts share. ``settings`` may be
    replaced (``CloudHsmKms.settings = ...``); the parts read it when they need a value."""

    account_id: str
    region: str
    clock: VirtualClock
    entropy: Entropy
    settings: Settings = field(default_factory=Settings)

    @property
    def partition(self) -> str:
        """The Region's partition, ``aws``, ``aws-cn``, ``aws-us-gov``, ... (docs/aws-behaviour.md
        §1.1)."""
        return partition_of(self.region)

    def arn_prefix(self, service: str) -> str:
        """``arn:<partition>:<service>:<region>:<account>:``, in the Region's partition."""
        return f"arn:{self.partition}:{service}:{self.region}:{self.account_id}:"

    def in_region(self, region: str) -> Scope:
        """The same account, clock, entropy and settings, in another Region."""
        return dataclasses.replace(self, region=region)


_Service = TypeVar("_Service", bound="RegionalService")


class RegionalService:
    """What KMS and CloudHSM v2 of one account and Region share: the scope, the
    settings read live through it, and the services of the account's other Regions.

    ``peer(region)`` returns the service of another Region (given by the
    environment); without one given, the service makes and keeps standalone
    services for other Regions, sharing its scope's clock, entropy and settings.
    """

    def __init__(self, scope: Scope, *, peer: Callable[[str], Any] | None = None) -> None:
        self.scope = scope
        self.account_id = scope.account_id
        self.region = scope.region
        self.clock = scope.clock
        self.entropy = scope.entropy
        self._peer = peer
        self._peers: dict[str, Any] = {}

    @property
    def settings(self) -> Settings:
        """The timings and limits this service reads when a request or timer needs one."""
        return self.scope.settings

    @settings.setter
    def settings(self, settings: Settings) -> None:
        self.scope.settings = settings

    def peer(self: _Service, region: str) -> _Service:
        """The same service in another Region of the same account (itself for its own)."""
        if region == self.region:
            return self
        if self._peer is not None:
            given: _Service = self._peer(region)
            return given
        if region not in self._peers:
            self._peers[region] = type(self)(self.scope.in_region(region), peer=self.peer)
        standalone: _Service = self._peers[region]
        return standalone
