"""``Family``: what the operation families of one KMS are given.

Each family that acts on keys (:mod:`.keys`, :mod:`.crypto`, :mod:`.grants` ...)
is a dataclass that extends this one with what only it needs (``Keys`` also
gets the custom key stores and the clusters, ``MultiRegion`` the other
Regions); :class:`~.service.KmsService` builds them all from the same three
collaborators. Two families need less and do not extend it:
:class:`~.keystores.CustomKeyStores` (the scope and the clusters) and
:class:`~.usage.Usage` (the registry).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..scope import Scope
from .checks import KeyCheck
from .registry import KeyRegistry

__all__ = ["Family"]


@dataclass(eq=False)
class Family:
    """The collaborators an operation family shares with the others of its KMS: the
    ``scope`` (account, Region, clock, entropy, settings), the ``registry`` of keys and
    aliases, and the ``check`` of whether a key serves an operation."""

    scope: Scope
    registry: KeyRegistry
    check: KeyCheck
