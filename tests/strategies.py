"""Hypothesis strategies for fuzzing the wire: any JSON value, and values of a member's shape."""

from __future__ import annotations

import base64
from typing import Any

from botocore.model import Shape
from hypothesis import strategies as st

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
"""Any JSON document, nested a few levels."""


_NO_BLOBS: st.SearchStrategy[str] = st.nothing()


def for_shape(shape: Shape, refs: st.SearchStrategy[str],
              blobs: st.SearchStrategy[str] = _NO_BLOBS) -> st.SearchStrategy[Any]:
    """Values of roughly the member's shape, so that requests get past decoding and into
    handlers: strings are sometimes ``refs`` (IDs and ARNs that exist), blobs sometimes
    ``blobs``, and any member is now and then any JSON value."""
    kind = shape.type_name
    typed: st.SearchStrategy[Any]
    if kind == "structure":
        members = {n: for_shape(m, refs, blobs) for n, m in shape.members.items()}
        typed = st.fixed_dictionaries({}, optional=members)
    elif kind == "list":
        typed = st.lists(for_shape(shape.member, refs, blobs), max_size=3)
    elif kind == "map":
        typed = st.dictionaries(st.text(max_size=6), st.text(max_size=6), max_size=3)
    elif kind == "string" and "enum" in shape.metadata:
        typed = st.sampled_from(shape.metadata["enum"])
    elif kind == "string":
        typed = refs | st.text(max_size=20)
    elif kind == "blob":
        typed = blobs | st.binary(max_size=64).map(lambda b: base64.b64encode(b).decode())
    elif kind in ("integer", "long"):
        typed = st.integers(-3, 1100)
    elif kind == "boolean":
        typed = st.booleans()
    else:
        typed = json_values
    return st.one_of(typed, typed, typed, json_values)
