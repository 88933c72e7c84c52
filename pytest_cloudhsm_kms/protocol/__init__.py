"""Wire formats: decode requests into operations and params, encode results and errors."""

from .json11 import JsonCodec, WireResponse

__all__ = ["JsonCodec", "WireResponse"]
