"""The fake's ciphertext blob: self-describing, authenticated, bound to its context.

Layout (version 1)::

    0x01 | key ID (16-byte UUID) | material ID (32 bytes) | IV (12) | AES-GCM ciphertext+tag

Version 2 is the same for a multi-Region key: its 16 bytes are the 32 hex digits
after ``mrk-``.

The header and the canonical encryption context are the GCM associated data,
so a changed byte, key ID or context fails with ``InvalidCiphertextException``.
Only this fake reads it, as only KMS reads real KMS ciphertext.
"""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING, NamedTuple

from ..errors import ServiceError

if TYPE_CHECKING:
    from .model import Key

__all__ = ["Envelope", "aad", "parse", "seal", "seal_header"]

VERSION = b"\x01"
MULTI_REGION_VERSION = b"\x02"
NO_MATERIAL_ID = bytes(32)
_HEADER = 1 + 16 + 32
_IV = 12
_TAG = 16


class Envelope(NamedTuple):
    """A parsed blob."""

    key_id: str
    material_id: bytes
    iv: bytes
    data: bytes
    header: bytes


def aad(header: bytes, context: dict[str, str] | None) -> bytes:
    """Associated data: the header, then the context as canonical JSON."""
    if not context:
        return header
    return header + json.dumps(context, sort_keys=True, separators=(",", ":")).encode()


@functools.lru_cache(maxsize=1024)
def seal_header(key_id: str, material_id: bytes | None) -> bytes:
    """The version, key and material part of a new blob (the same for every blob a key's
    current material seals: kept for the keys in use)."""
    if key_id[:4] == "mrk-":
        return MULTI_REGION_VERSION + bytes.fromhex(key_id[4:]) + (material_id or NO_MATERIAL_ID)
    return VERSION + bytes.fromhex(key_id.replace("-", "")) + (material_id or NO_MATERIAL_ID)


def parse(blob: bytes) -> Envelope:
    """Split a blob, or answer ``InvalidCiphertextException`` as KMS does: with no message."""
    version = blob[:1]
    if len(blob) < _HEADER + _IV + _TAG or (
            version != VERSION and version != MULTI_REGION_VERSION):
        raise ServiceError("InvalidCiphertextException", None)
    header = blob[:_HEADER]
    h = blob[1:17].hex()  # the canonical UUID text, without the cost of uuid.UUID
    return Envelope(
        key_id=f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}" if version == VERSION
        else f"mrk-{h}",
        material_id=blob[17:_HEADER],
        iv=blob[_HEADER:_HEADER + _IV],
        data=blob[_HEADER + _IV:],
        header=header,
    )


def seal(key: Key, iv: bytes, plaintext: bytes, context: dict[str, str] | None) -> bytes:
    """A new blob of ``plaintext`` under the key's current material."""
    material = key.material
    header = seal_header(key.key_id, material.current_material_id)
    return header + iv + material.encrypt(iv, plaintext, aad(header, context))
