"""The one exception the fake's services raise: an AWS error, by code."""

from __future__ import annotations

__all__ = ["ServiceError"]


class ServiceError(Exception):
    """An AWS error answered to the caller.

    ``code`` is the AWS error code (the botocore model's shape name, or an
    unmodeled code such as ``ValidationException``). The wire codec picks the
    HTTP status from the model (5xx for fault shapes) unless ``status`` is given.
    A ``message`` of ``None`` sends no message member, as KMS does for some errors.
    """

    def __init__(self, code: str, message: str | None = "", *, status: int | None = None) -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message
        self.status = status


def validation_error(*problems: str) -> ServiceError:
    """A ``ValidationException`` in AWS's wording, from one or more constraint failures."""
    count = len(problems)
    noun = "error" if count == 1 else "errors"
    return ServiceError(
        "ValidationException", f"{count} validation {noun} detected: " + "; ".join(problems)
    )


def constraint(member: str, rule: str, value: object = None, *, show_value: bool = True) -> str:
    """One clause of a ValidationException: ``Value 'x' at 'member' failed to satisfy ...``."""
    if not show_value:
        shown = "Value"
    elif value is None:
        shown = "Value null"
    else:
        shown = f"Value '{value}'"
    return f"{shown} at '{member}' failed to satisfy constraint: Member must {rule}"
