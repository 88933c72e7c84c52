"""The codec of a service and wire protocol, made once per process."""

from __future__ import annotations

import functools

from .cbor import PROTOCOL as CBOR_PROTOCOL
from .cbor import CborCodec
from .json11 import JsonCodec
from .models import service_model

__all__ = ["PROTOCOLS", "codec"]

PROTOCOLS: dict[str, type[JsonCodec] | type[CborCodec]] = {
    "json": JsonCodec, CBOR_PROTOCOL: CborCodec,
}
"""Wire protocols by name: ``json`` (AWS JSON 1.1) and ``rpc-v2-cbor`` (Smithy RPC v2 CBOR)."""


@functools.cache
def codec(service: str, protocol: str = "json") -> JsonCodec | CborCodec:
    """The codec of ``kms`` or ``cloudhsmv2`` in ``protocol``. CloudHSM v2 spells its
    error message member ``Message``, KMS ``message`` (docs/aws-behaviour.md §6.4)."""
    message = "Message" if service == "cloudhsmv2" else "message"
    return PROTOCOLS[protocol](service_model(service), message_member=message)
