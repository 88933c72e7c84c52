"""``Family``: what every operation family of one KMS is given.

Each family (:mod:`.keys`, :mod:`.crypto`, :mod:`.grants` ...) is a dataclass
that extends this one with what only it needs; :class:`~.service.KmsService`
builds them all from the same three collaborators.
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
