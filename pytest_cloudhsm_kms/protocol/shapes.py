"""Decode and check request members against the botocore model.

botocore checks only required members, Python types and minimums before it
sends. The service checks the rest, so this module compiles each operation's
input shape once into a checker that converts wire values (base64 blobs) and
reports, in AWS's wording:

* ``SerializationException`` for a JSON value of the wrong type;
* ``ValidationException`` for missing required members, lengths, ranges,
  enums and patterns (values of ``sensitive`` members are left out).
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
import sys
from collections.abc import Callable
from math import isfinite
from typing import Any

from botocore.model import OperationModel, Shape

from ..errors import ServiceError, constraint, validation_error

__all__ = ["input_checker", "served_pattern"]

Problems = list[str]
Checker = Callable[[Any, str, Problems], Any]

_JSON_TYPE = {
    dict: "Start of structure or map",
    list: "Start of list",
    str: "STRING_VALUE",
    int: "NUMBER_VALUE",
    float: "NUMBER_VALUE",
    bool: "BOOLEAN_VALUE",
}


def _serialization_error(value: object, expected: str) -> ServiceError:
    found = _JSON_TYPE.get(type(value), "Unexpected value")
    return ServiceError("SerializationException", f"{found} can not be converted to {expected}")


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


# The CloudHSM v2 model's ARN patterns name only the aws and aws-us-gov partitions and
# older Region name forms, yet every partition serves ARNs of its own Regions
# (docs/aws-behaviour.md §6.1): any partition and Region name match, and a message still
# quotes the model's pattern.
_WIDER = (
    ("arn:aws(-(us-gov))?:", "arn:aws[a-z-]*:"),
    ("([a-z]{2}(-(gov|isob|iso))?-(east|west|north|south|central){1,2}-[0-9]{1})",
     "([a-z]+(-[a-z]+)+-[0-9]+)"),
)


def served_pattern(pattern: str) -> str:
    """The pattern the fake holds values to for a pattern of the model (the
    CloudHSM v2 ARN patterns widened to every partition and Region name)."""
    for model, any_arn in _WIDER:
        pattern = pattern.replace(model, any_arn)
    return pattern


def _pattern(shape: Shape) -> tuple[re.Pattern[str], str] | None:
    """The shape's pattern, compiled, and its text as the model gives it."""
    raw = shape.metadata.get("pattern")
    if raw is None:
        return None
    try:
        return re.compile(served_pattern(raw)), raw
    except re.error:  # a Java-only construct: leave the pattern to the domain
        return None


def _bounds(shape: Shape) -> tuple[int, int]:
    """The length (or value) range a shape allows; checked inline, as a chained comparison."""
    low = shape.metadata.get("min")
    high = shape.metadata.get("max")
    return (-sys.maxsize if low is None else low, sys.maxsize if high is None else high)


def _length_checks(shape: Shape) -> Callable[[Any, int, str, Problems], None]:
    """Report a length outside the shape's range."""
    low = shape.metadata.get("min")
    high = shape.metadata.get("max")
    show = not shape.metadata.get("sensitive") and shape.type_name == "string"

    def check(value: Any, length: int, path: str, problems: Problems) -> None:
        if low is not None and length < low:
            problems.append(
                constraint(path, f"have length greater than or equal to {low}", value,
                           show_value=show)
            )
        elif high is not None and length > high:
            problems.append(
                constraint(path, f"have length less than or equal to {high}", value,
                           show_value=show)
            )

    return check


def _compile(shape: Shape) -> Checker:
    kind = shape.type_name
    if kind == "structure":
        return _compile_structure(shape)
    if kind == "list":
        return _compile_list(shape)
    if kind == "map":
        return _compile_map(shape)
    if kind == "string":
        return _compile_string(shape)
    if kind == "blob":
        return _compile_blob(shape)
    if kind in ("integer", "long"):
        return _compile_integer(shape)
    if kind == "boolean":
        return _check_boolean
    if kind in ("double", "float", "timestamp"):
        return _check_number
    return lambda value, path, problems: value


def _compile_structure(shape: Shape) -> Checker:
    members = {name: (_camel(name), _compile(member)) for name, member in shape.members.items()}
    return _structure_checker(members, tuple(shape.required_members))


def _structure_checker(
    members: dict[str, tuple[str, Checker]], required: tuple[str, ...]
) -> Checker:
    """Check a JSON object: its modelled members by their checkers (wire name first)."""
    required_set = frozenset(required)

    def check(value: Any, path: str, problems: Problems) -> Any:
        if not isinstance(value, dict):
            raise _serialization_error(value, "a structure")
        out = {}
        prefix = f"{path}." if path else ""
        for name, item in value.items():
            entry = members.get(name)
            if entry is None or item is None:
                continue  # AWS JSON services ignore members they do not model
            out[name] = entry[1](item, prefix + entry[0], problems)
        if not required_set.issubset(out):  # in the model's order, as AWS lists them
            problems.extend(constraint(prefix + _camel(name), "not be null")
                            for name in required if name not in out)
        return out

    return check


def _compile_list(shape: Shape) -> Checker:
    item_check = _compile(shape.member)
    length = _length_checks(shape)

    def check(value: Any, path: str, problems: Problems) -> Any:
        if not isinstance(value, list):
            raise _serialization_error(value, "a list")
        length(value, len(value), path, problems)
        return [item_check(item, f"{path}.{i}.member", problems)
                for i, item in enumerate(value, 1)]

    return check


def _compile_map(shape: Shape) -> Checker:
    key_check = _compile(shape.key)
    value_check = _compile(shape.value)
    length = _length_checks(shape)

    def check(value: Any, path: str, problems: Problems) -> Any:
        if not isinstance(value, dict):
            raise _serialization_error(value, "a map")
        length(value, len(value), path, problems)
        return {key_check(k, f"{path}.key", problems): value_check(v, f"{path}.value", problems)
                for k, v in value.items()}

    return check


# The order in which AWS lists an enum's values in a ValidationException, where a
# recording shows it and it lists the same values as the model (docs/aws-behaviour.md
# §7.4); other enums are listed in the model's order.
AWS_ENUM_ORDER: dict[str, tuple[str, ...]] = {
    "MacAlgorithmSpec": ("HMAC_SHA_384", "HMAC_SHA_256", "HMAC_SHA_224", "HMAC_SHA_512"),
}


def _enum_values(shape: Shape) -> list[str] | None:
    enum: list[str] | None = shape.metadata.get("enum")
    recorded = AWS_ENUM_ORDER.get(shape.name)
    if enum is not None and recorded is not None and set(recorded) == set(enum):
        return list(recorded)
    return enum


def _compile_string(shape: Shape) -> Checker:
    length = _length_checks(shape)
    low, high = _bounds(shape)
    enum = _enum_values(shape)
    enum_set = frozenset(enum or ())
    pattern, pattern_text = _pattern(shape) or (None, "")
    show = not shape.metadata.get("sensitive")

    def check(value: Any, path: str, problems: Problems) -> Any:
        if not isinstance(value, str):
            raise _serialization_error(value, "String")
        if enum_set and value not in enum_set:
            problems.append(
                constraint(path, f"satisfy enum value set: [{', '.join(enum or ())}]", value,
                           show_value=show)
            )
            return value
        if not low <= len(value) <= high:
            length(value, len(value), path, problems)
        if pattern is not None and pattern.fullmatch(value) is None:
            problems.append(
                constraint(path, f"satisfy regular expression pattern: {pattern_text}", value,
                           show_value=show)
            )
        return value

    return check


def _base64(value: str, path: str) -> bytes:
    """The bytes of a base64 member: only the alphabet, then padding, is read."""
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ServiceError("SerializationException", f"Invalid base64 value at '{path}'") from None


def _compile_blob(shape: Shape) -> Checker:
    length = _length_checks(shape)
    low, high = _bounds(shape)

    def check(value: Any, path: str, problems: Problems) -> Any:
        if not isinstance(value, str):
            raise _serialization_error(value, "a Blob")
        try:  # canonical base64, checked in C; anything else gets the full rule
            data = _strict_base64(value)
        except (binascii.Error, ValueError):
            data = _base64(value, path)
        if not low <= len(data) <= high:
            length(data, len(data), path, problems)
        return data

    return check


if sys.version_info >= (3, 11):
    _strict_base64: Callable[[str], bytes] = functools.partial(
        binascii.a2b_base64, strict_mode=True)
else:  # pragma: no cover - Python 3.10: no strict mode
    def _strict_base64(value: str) -> bytes:
        raise ValueError("no strict mode")


# The service reads ``integer`` members as 32-bit and ``long`` members as 64-bit numbers.
_INTEGER_BITS = {"integer": 31, "long": 63}


def _compile_integer(shape: Shape) -> Checker:
    low = shape.metadata.get("min")
    high = shape.metadata.get("max")
    bound = 1 << _INTEGER_BITS[shape.type_name]
    expected = "an Integer" if shape.type_name == "integer" else "a Long"

    def check(value: Any, path: str, problems: Problems) -> Any:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not -bound <= value < bound:
            raise _serialization_error(value, expected)
        if low is not None and value < low:
            problems.append(constraint(path, f"have value greater than or equal to {low}", value))
        elif high is not None and value > high:
            problems.append(constraint(path, f"have value less than or equal to {high}", value))
        return value

    return check


def _check_boolean(value: Any, path: str, problems: Problems) -> Any:
    if not isinstance(value, bool):
        raise _serialization_error(value, "a Boolean")
    return value


def _check_number(value: Any, path: str, problems: Problems) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not isfinite(value):
        raise _serialization_error(value, "a Number")
    return value


def input_checker(operation: OperationModel) -> Callable[[Any], dict[str, Any]]:
    """Return ``check(body) -> params`` for one operation, compiled once."""
    shape = operation.input_shape
    # An operation without input members still takes a JSON object (and ignores its members).
    structure = _compile(shape) if shape is not None else _structure_checker({}, ())

    def check(body: Any) -> dict[str, Any]:
        problems: Problems = []
        params: dict[str, Any] = structure(body, "", problems)
        if problems:
            raise validation_error(*problems)
        return params

    return check

