"""AWS JSON 1.1: ``POST /`` with ``X-Amz-Target: <Prefix>.<Operation>``.

Requests decode into ``(operation, params)``; results and errors encode into
``(status, headers, body)``. Blobs travel as base64, timestamps as epoch
seconds. Errors are ``{"__type": code, "message": text}`` (CloudHSM v2 spells
the member ``Message``), 5xx for the model's fault shapes and 4xx otherwise.
"""

from __future__ import annotations

import base64
import json
import json.encoder
from abc import ABC, abstractmethod
from binascii import b2a_base64
from collections.abc import Callable
from typing import Any, NamedTuple

from botocore.model import OperationModel, ServiceModel
from botocore.parsers import create_parser

from ..errors import ServiceError
from .models import fault_codes, service_model
from .shapes import input_checker

__all__ = ["Codec", "JsonCodec", "WireResponse", "as_client_parses"]

CONTENT_TYPE = "application/x-amz-json-1.1"


class WireResponse(NamedTuple):
    """What goes back on the wire, and what the call log records of it."""

    status: int
    headers: dict[str, str]
    body: bytes
    operation: str | None
    params: dict[str, Any] | None
    error_code: str | None


def _default(value: object) -> object:
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"cannot encode {type(value).__name__}")


def _reject_constant(name: str) -> object:
    """``NaN`` and ``Infinity`` are Python's JSON extensions, not JSON: a malformed body."""
    raise ValueError(f"{name} is not JSON")


# Made once: json.dumps/json.loads with options build a new coder on every call.
_DECODER = json.JSONDecoder(parse_constant=_reject_constant)
_ENCODER = json.JSONEncoder(default=_default, separators=(",", ":"))
_SCAN: Callable[[str, int], tuple[Any, int]] = _DECODER.scan_once  # type: ignore[attr-defined]
_PARSER = create_parser("json")  # botocore's parser of JSON 1.1 responses, as clients use it
_QUOTE: Callable[[str], str] = json.encoder.encode_basestring_ascii  # C when available
_C_MAKE_ENCODER = getattr(json.encoder, "c_make_encoder", None)  # the C accelerator, if any
_C_ENCODE = None if _C_MAKE_ENCODER is None else _C_MAKE_ENCODER(
    None, _default, json.encoder.encode_basestring_ascii, None, ":", ",", False, False, True
)


def _encode(document: dict[str, Any]) -> str:
    """Compact JSON, as ``json.dumps(document, separators=(",", ":"))`` writes it.

    The answers of the cryptographic operations are flat: blobs and text. A blob's
    base64 needs no escaping, so it is written as it is (escaping it character by
    character was most of an Encrypt answer's cost); text goes through the C
    encoder's own string quoting. Anything else goes to the C encoder, made once
    (``JSONEncoder`` makes one per call). Top-level keys are the names of output
    members, which never need escaping.
    """
    parts = []
    for name, value in document.items():
        kind = type(value)
        if kind is bytes:
            parts.append(f'"{name}":"{b2a_base64(value, newline=False).decode()}"')
        elif kind is str:
            parts.append(f'"{name}":{_QUOTE(value)}')
        elif _C_ENCODE is None:  # pragma: no cover - interpreters without the C accelerator
            return _ENCODER.encode(document)
        else:
            return "".join(_C_ENCODE(document, 0))
    return "{" + ",".join(parts) + "}"


def _decode(text: str) -> Any:
    """A JSON document, as ``json.loads`` reads it but refusing ``NaN`` and ``Infinity``.

    A body that is one JSON value with no white space around it (every body
    botocore sends) is scanned directly; any other goes through the decoder's
    white-space handling, which is the same scan after two regular expressions.
    """
    try:
        document, end = _SCAN(text, 0)
    except StopIteration:  # white space first, or no JSON value at all
        return _DECODER.decode(text)
    return document if end == len(text) else _DECODER.decode(text)


def as_client_parses(service: str, operation: str, output: dict[str, Any]) -> dict[str, Any]:
    """``output`` (a result as the fake answers it) as a botocore client parses it: JSON
    on the wire and back through botocore's own parser, so timestamps are ``datetime``s,
    blobs ``bytes``, and members outside the output shape are gone."""
    shape = service_model(service).operation_model(operation).output_shape
    response = {"status_code": 200, "headers": {}, "body": _encode(output).encode()}
    parsed: dict[str, Any] = _PARSER.parse(response, shape)
    parsed.pop("ResponseMetadata", None)
    return parsed


class Codec(ABC):
    """What the wire formats of one service model share (:class:`JsonCodec`,
    :class:`~.cbor.CborCodec`): the operations and their input checks, running a
    request, and encoding its result or error. A format says how the operation is
    named, how a body decodes and encodes, and which headers an answer carries."""

    def __init__(self, model: ServiceModel, *, message_member: str = "message") -> None:
        self.model = model
        self.message_member = message_member
        self._faults = fault_codes(model.service_name)
        self._operations: dict[str, OperationModel] = {
            name: model.operation_model(name) for name in model.operation_names
        }
        self._checkers = {name: input_checker(op) for name, op in self._operations.items()}

    def handle(
        self,
        name: str | None,
        body: bytes,
        request_id: str,
        invoke: Callable[[str, dict[str, Any]], dict[str, Any]],
    ) -> WireResponse:
        """Decode a request for the operation ``name`` (as the format names it), run
        ``invoke(operation, params)``, encode what it gives or raises."""
        operation = params = None
        try:
            operation = self._operation(name)
            params = self._params(operation.name, body)
            result = invoke(operation.name, params)
        except ServiceError as error:
            return self.error(error, request_id, operation, params)
        payload = self._result(operation.name, result)
        return WireResponse(200, self._headers(request_id, payload), payload,
                            operation.name, params, None)

    def error(
        self,
        error: ServiceError,
        request_id: str,
        operation: OperationModel | None = None,
        params: dict[str, Any] | None = None,
    ) -> WireResponse:
        """Encode an AWS error: 5xx for the model's fault shapes, 4xx otherwise."""
        code = error.code
        document: dict[str, str] = {"__type": self._error_type(code)}
        if error.message is not None:
            document[self.message_member] = error.message
        status = error.status or (500 if code in self._faults else 400)
        payload = self._dump(document)
        return WireResponse(status, self._headers(request_id, payload), payload,
                            operation.name if operation else None, params, code)

    def check_input(self, operation: str, document: dict[str, Any]) -> dict[str, Any]:
        """The request members of a JSON document (blobs in base64), checked against the
        operation's input shape as a request body would be (``ValidationException``)."""
        return self._checkers[operation](document)

    # -- what a format says ---------------------------------------------------------

    @abstractmethod
    def _operation(self, name: str | None) -> OperationModel:
        """The operation a request names (``UnknownOperationException`` if none)."""

    @abstractmethod
    def _params(self, operation: str, body: bytes) -> dict[str, Any]:
        """The checked request members of a body (``SerializationException`` if malformed)."""

    @abstractmethod
    def _result(self, operation: str, result: dict[str, Any]) -> bytes:
        """The body of a successful answer."""

    @abstractmethod
    def _dump(self, document: dict[str, str]) -> bytes:
        """The body of an error."""

    def _error_type(self, code: str) -> str:
        """The ``__type`` of an error: its code."""
        return code

    @staticmethod
    @abstractmethod
    def _headers(request_id: str, payload: bytes) -> dict[str, str]:
        """The headers of an answer."""


class JsonCodec(Codec):
    """The JSON 1.1 wire format of one service model; ``handle`` takes the
    ``X-Amz-Target`` header as the operation's name."""

    def __init__(self, model: ServiceModel, *, message_member: str = "message") -> None:
        super().__init__(model, message_member=message_member)
        self.prefix = model.metadata["targetPrefix"] + "."
        self._targets = {self.prefix + name: op for name, op in self._operations.items()}

    def _operation(self, target: str | None) -> OperationModel:
        operation = self._targets.get(target) if target else None
        if operation is None:
            raise ServiceError("UnknownOperationException", f"Unknown operation {target}"
                               if target else "Missing X-Amz-Target header")
        return operation

    def _params(self, operation: str, body: bytes) -> dict[str, Any]:
        if not body.strip():
            document: Any = {}
        else:
            try:
                document = _decode(body.decode("utf-8"))
            except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
                raise ServiceError("SerializationException", "Malformed JSON body") from None
        return self._checkers[operation](document)

    def _result(self, operation: str, result: dict[str, Any]) -> bytes:
        return _encode(result).encode()

    def _dump(self, document: dict[str, str]) -> bytes:
        return json.dumps(document).encode()

    @staticmethod
    def _headers(request_id: str, payload: bytes) -> dict[str, str]:
        return {
            "x-amzn-RequestId": request_id,
            "Content-Type": CONTENT_TYPE,
            "Content-Length": str(len(payload)),
        }
