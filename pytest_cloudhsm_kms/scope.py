"""``Scope``: where one service serves (account and Region), with its clock, entropy and settings.

Both services of a Region, KMS and CloudHSM v2, take one and hand it to their
parts; they all read :attr:`Scope.settings` when they need a value, so
assigning ``CloudHsmKms.settings`` reaches every part of both services at once.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from .clock import VirtualClock
from .entropy import Entropy
from .settings import Settings

__all__ = ["Scope"]


@dataclass(eq=False)
class Scope:
    """Where one service serves, with what its parts share. ``settings`` may be
    replaced (``CloudHsmKms.settings = ...``); the parts read it when they need a value."""

    account_id: str
    region: str
    clock: VirtualClock
    entropy: Entropy
    settings: Settings = field(default_factory=Settings)

    def arn_prefix(self, service: str) -> str:
        """``arn:aws:<service>:<region>:<account>:``"""
        return f"arn:aws:{service}:{self.region}:{self.account_id}:"

    def in_region(self, region: str) -> Scope:
        """The same account, clock, entropy and settings, in another Region."""
        return dataclasses.replace(self, region=region)
