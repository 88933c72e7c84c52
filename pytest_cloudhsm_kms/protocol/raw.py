"""A request as HTTP libraries hand it over, made plain: header text and body bytes.

``requests`` lets a caller give a header value as ``bytes`` and a body as
``str``, a file or any iterable of chunks (sent chunked); botocore hands over
``bytes`` or a file. The services see only ``str`` and ``bytes``; whatever
cannot be read as either becomes bytes that are not JSON, which the codec
answers with ``SerializationException``, as AWS answers a body it cannot parse.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["body_bytes", "header_text"]


def header_text(value: object) -> str | None:
    """A header value as text; bytes are read as ISO-8859-1, HTTP's own header charset."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("latin-1")
    return str(value)


def body_bytes(body: object) -> bytes:
    """A request body as bytes."""
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8", "surrogatepass")
    if isinstance(body, (bytearray, memoryview)):
        return bytes(body)
    read = getattr(body, "read", None)
    if callable(read):
        try:
            data = read()
        except (OSError, ValueError):  # a closed or unreadable file: no body
            return b""
        return body_bytes(data) if data is not body else b""
    if isinstance(body, Iterable) and not isinstance(body, dict):
        try:
            return b"".join(body_bytes(chunk) for chunk in body)
        except (TypeError, ValueError, OSError, RecursionError):
            return b"\x00"  # not JSON
    return repr(body).encode("utf-8", "backslashreplace")
