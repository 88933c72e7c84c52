"""Smithy RPC v2 CBOR: ``POST /service/<Service>/operation/<Operation>``, CBOR bodies.

The second wire format of CloudHSM v2 (its model lists ``smithy-rpc-v2-cbor``
before ``json``), sent by SDKs that prefer CBOR (docs/aws-behaviour.md §7.3).
Requests carry ``smithy-protocol: rpc-v2-cbor``; the operation comes from the
path, the input is a CBOR map. Blobs are byte strings and timestamps tag 1
(epoch seconds), both ways; the conversion follows the operation's input and
output shapes, so a byte string where the model wants a string is a
``SerializationException`` as in JSON. Responses carry the same
``smithy-protocol`` header; errors are a CBOR map of ``__type`` (the error's
shape ID) and the error's members. Status codes are those of JSON 1.1.
"""

from __future__ import annotations

import base64
import datetime
import re
from collections.abc import Callable
from typing import Any

import cbor2
from botocore.model import OperationModel, ServiceModel, Shape

from ..errors import ServiceError
from .json11 import Codec

__all__ = ["CONTENT_TYPE", "PROTOCOL", "CborCodec", "request_target"]

CONTENT_TYPE = "application/cbor"
PROTOCOL = "rpc-v2-cbor"
"""The value of the ``smithy-protocol`` header on requests and responses."""

_PATH = re.compile(r"/service/([^/?#]+)/operation/([^/?#]+)/?(?:[?#].*)?$")
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
Convert = Callable[[Any], Any]


def request_target(path_or_url: str, smithy_protocol: str | None) -> tuple[str, str] | None:
    """``(service name, operation)`` of an RPC v2 CBOR request: one that carries
    ``smithy-protocol: rpc-v2-cbor`` and ends in ``/service/<S>/operation/<Op>``."""
    if (smithy_protocol or "").strip() != PROTOCOL:
        return None
    match = _PATH.search(path_or_url)
    return (match.group(1), match.group(2)) if match else None


class _Malformed(Exception):
    """A CBOR value no JSON document could carry (an unknown tag, ``undefined``)."""


def _epoch(value: datetime.datetime) -> float:
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return (value - _EPOCH).total_seconds()


def _plain(value: Any) -> Any:
    """Leave a value as its JSON twin would decode; refuse CBOR-only values."""
    if isinstance(value, (cbor2.CBORTag, cbor2.CBORSimpleValue)) or value is cbor2.undefined:
        raise _Malformed(f"unexpected CBOR value {value!r}")
    if isinstance(value, datetime.datetime):  # tag 0/1 outside a timestamp member
        raise _Malformed("unexpected timestamp")
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _input_converter(shape: Shape | None) -> Convert:
    """CBOR values -> the JSON 1.1 values the shared input checker reads (base64
    blobs, epoch-second timestamps); what does not fit is left for it to reject."""
    if shape is None:
        return _plain
    kind = shape.type_name
    if kind == "blob":
        return lambda v: base64.b64encode(v).decode("ascii") if isinstance(v, bytes) else _plain(v)
    if kind == "timestamp":
        return lambda v: _epoch(v) if isinstance(v, datetime.datetime) else _plain(v)
    if kind == "structure":
        members: dict[str, Convert] = {}

        def structure(value: Any) -> Any:
            if not isinstance(value, dict):
                return _plain(value)
            if not members:  # compiled lazily: shapes may be recursive
                members.update({n: _input_converter(s) for n, s in shape.members.items()})
            return {k: members.get(k, _plain)(v) for k, v in value.items()}

        return structure
    if kind == "list":
        item: list[Convert] = []

        def listing(value: Any) -> Any:
            if not isinstance(value, list):
                return _plain(value)
            if not item:
                item.append(_input_converter(shape.member))
            return [item[0](v) for v in value]

        return listing
    if kind == "map":
        entry: list[Convert] = []

        def mapping(value: Any) -> Any:
            if not isinstance(value, dict):
                return _plain(value)
            if not entry:
                entry.append(_input_converter(shape.value))
            return {_plain(k): entry[0](v) for k, v in value.items()}

        return mapping
    return _plain


def _timestamp(value: Any) -> cbor2.CBORTag:
    seconds = _epoch(value) if isinstance(value, datetime.datetime) else value
    if isinstance(seconds, float) and seconds.is_integer():
        seconds = int(seconds)
    return cbor2.CBORTag(1, seconds)


def _output_converter(shape: Shape | None) -> Convert:
    """Service results -> CBOR values: timestamps become tag 1, the rest stays."""
    if shape is None:
        return lambda v: v
    kind = shape.type_name
    if kind == "timestamp":
        return _timestamp
    if kind == "structure":
        members: dict[str, Convert] = {}

        def structure(value: Any) -> Any:
            if not members:
                members.update({n: _output_converter(s) for n, s in shape.members.items()})
            return {k: members[k](v) if k in members else v
                    for k, v in value.items() if v is not None}

        return structure
    if kind == "list":
        item: list[Convert] = []

        def listing(value: Any) -> Any:
            if not item:
                item.append(_output_converter(shape.member))
            return [item[0](v) for v in value]

        return listing
    if kind == "map":
        entry: list[Convert] = []

        def mapping(value: Any) -> Any:
            if not entry:
                entry.append(_output_converter(shape.value))
            return {k: entry[0](v) for k, v in value.items()}

        return mapping
    return lambda v: v


class CborCodec(Codec):
    """The RPC v2 CBOR wire format of one service model; ``handle`` takes the
    operation's name from the request path."""

    def __init__(self, model: ServiceModel, *, message_member: str = "message") -> None:
        super().__init__(model, message_member=message_member)
        self.service_name = model.metadata["targetPrefix"]
        """``<Service>`` in the request path (botocore fills it with the targetPrefix)."""
        self._namespace = f"com.amazonaws.{model.endpoint_prefix}#"
        self._modeled = frozenset(shape for shape in model.shape_names
                                  if model.shape_for(shape).metadata.get("exception"))
        self._inputs = {name: _input_converter(op.input_shape)
                        for name, op in self._operations.items()}
        self._outputs = {name: _output_converter(op.output_shape)
                         for name, op in self._operations.items()}

    def _operation(self, name: str | None) -> OperationModel:
        operation = self._operations.get(name) if name else None
        if operation is None:
            raise ServiceError("UnknownOperationException",
                               f"Unknown operation {self.service_name}.{name or ''}")
        return operation

    def _params(self, operation: str, body: bytes) -> dict[str, Any]:
        if not body:
            document: Any = {}
        else:
            try:
                document = self._inputs[operation](cbor2.loads(body))
            except (_Malformed, ValueError, TypeError, OverflowError, RecursionError,
                    cbor2.CBORDecodeError):
                raise ServiceError("SerializationException", "Malformed CBOR body") from None
        return self._checkers[operation](document)

    def _result(self, operation: str, result: dict[str, Any]) -> bytes:
        return cbor2.dumps(self._outputs[operation](result))

    def _dump(self, document: dict[str, str]) -> bytes:
        return cbor2.dumps(document)

    def _error_type(self, code: str) -> str:
        """A modeled error's ``__type`` is its shape ID."""
        return self._namespace + code if code in self._modeled else code

    @staticmethod
    def _headers(request_id: str, payload: bytes) -> dict[str, str]:
        return {
            "x-amzn-RequestId": request_id,
            "smithy-protocol": PROTOCOL,
            "Content-Type": CONTENT_TYPE,
            "Content-Length": str(len(payload)),
        }
