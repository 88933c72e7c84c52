"""Markers of paginated lists: opaque cursors after the last item returned.

A KMS ``Marker`` and a CloudHSM v2 ``NextToken`` name the last item of the
page that issued them, so the next page starts right after that item however
the list changed in between (docs/aws-behaviour.md §13): items deleted
meanwhile, the page's own included, make nothing skip; items added meanwhile
are listed once, on a later page, if they come after the cursor. An item's
place is its *number*: the items of a collection are numbered in the order
they are listed (insertion order for a dict), an item keeps its number while
it stays, and one added or added back later gets a higher number. The marker
is the base64 of the last item's number, opaque as AWS's are.

Each listing (a collection of one owner: the keys of a Region, the tags of a
key) keeps its numbers in a :class:`Numbering`, held by :func:`numbering`
as long as the owner lives. A filtered listing (ListGrants of one key) numbers
its whole collection, so every filter sees the same numbers.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import weakref
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

__all__ = ["InvalidMarker", "Numbering", "decode", "encode", "numbering", "page"]

T = TypeVar("T")

_MAX_DIGITS = 9  # numbers past any real listing are not markers this fake issued


class InvalidMarker(ValueError):
    """A marker this fake did not issue; each service answers it with its own AWS error."""


class Numbering:
    """The numbers of the items of one collection, in the collection's order."""

    __slots__ = ("_next", "_numbers", "_order")

    def __init__(self) -> None:
        self._numbers: dict[Hashable, int] = {}
        self._order: list[Hashable] = []
        self._next = 0

    def number(self, keys: Iterable[Hashable]) -> dict[Hashable, int]:
        """Number the collection's items (by key, in its order) and answer every number.

        An item keeps the number it had unless it now comes after an item with a
        higher one, which happens only when it was removed and added back: then, as
        a new item, it gets the next number. Removed items are forgotten. A
        collection listed again unchanged (the usual next page) costs one comparison.
        """
        order = list(keys)
        if order == self._order:
            return self._numbers
        numbers: dict[Hashable, int] = {}
        old, fresh, previous = self._numbers, self._next, -1
        for key in order:
            number = old.get(key)
            if number is None or number <= previous:
                number, fresh = fresh, fresh + 1
            numbers[key] = previous = number
        self._numbers, self._order, self._next = numbers, order, fresh
        return numbers


_NUMBERINGS: weakref.WeakKeyDictionary[Any, dict[str, Numbering]] = weakref.WeakKeyDictionary()


def numbering(owner: Any, listing: str) -> Numbering:
    """The numbering of ``owner``'s collection named ``listing`` (made on first use)."""
    listings = _NUMBERINGS.get(owner)
    if listings is None:
        listings = _NUMBERINGS[owner] = {}
    found = listings.get(listing)
    if found is None:
        found = listings[listing] = Numbering()
    return found


def encode(number: int) -> str:
    """The marker of the item numbered ``number``."""
    return base64.b64encode(str(number).encode()).decode("ascii")


def decode(marker: str) -> int:
    """The number a marker names; :class:`InvalidMarker` if this fake did not issue it."""
    try:
        raw = base64.b64decode(marker, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if not raw.isdigit() or len(raw) > _MAX_DIGITS:
        raise InvalidMarker(marker)
    return int(raw)


def page(
    items: Iterable[T], number: Callable[[T], int], marker: str | None, limit: int | None,
    *, descending: bool = False,
) -> tuple[list[T], str | None]:
    """The items after ``marker`` (all without one), at most ``limit`` (``None``: no
    limit), and the marker of the next page (``None`` on the last page).

    ``items`` come in ascending order of ``number`` (descending with ``descending``),
    as a :class:`Numbering` gives them, so the cursor is found by bisection.
    """
    listed = list(items)
    start = 0
    if marker is not None:
        after = decode(marker)
        if descending:
            start = bisect.bisect_right(listed, -after, key=lambda item: -number(item))
        else:
            start = bisect.bisect_right(listed, after, key=number)
    if limit is None or len(listed) - start <= limit:
        return listed[start:], None
    taken = listed[start:start + limit]
    return taken, encode(number(taken[-1]))
