"""The checks every operation family shares: a key's state, its CloudHSM key store rule and
quota (all driven by the operation's declaration), DryRun, algorithms and pagination."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .. import pagination
from ..context import RequestContext
from ..errors import ServiceError
from .declaration import DECLARED, InCloudHsm, Params, Result
from .model import ALGORITHMS, Key, KeyState

__all__ = [
    "INVALID_MARKER",
    "KeyCheck",
    "check_algorithm_of",
    "dry_run",
    "dry_run_error",
    "origin_error",
    "paginate",
    "state_error",
]


# docs/aws-behaviour.md §3: a disabled key is DisabledException; every other state an
# operation refuses is KMSInvalidStateException.
_STATE_ERRORS = {
    KeyState.DISABLED: ("DisabledException", "is disabled."),
    KeyState.PENDING_DELETION: ("KMSInvalidStateException", "is pending deletion."),
    KeyState.PENDING_REPLICA_DELETION: ("KMSInvalidStateException", "is pending deletion."),
    KeyState.PENDING_IMPORT: ("KMSInvalidStateException", "is pending import."),
    KeyState.UNAVAILABLE: ("KMSInvalidStateException", "is unavailable."),
    KeyState.CREATING: ("KMSInvalidStateException", "is creating."),
    KeyState.ENABLED: ("KMSInvalidStateException", "is enabled."),
    KeyState.UPDATING: ("KMSInvalidStateException", "is updating."),
}


def origin_error(key: Key) -> ServiceError:
    """The error for an operation that refuses the key's origin: a CloudHSM key store key
    (docs/aws-behaviour.md §2.4), or the key of an import or rotation operation (§11.5,
    §11.6) whose origin does not fit. One text, AWS's: recorded for AWS_KMS keys and quoted
    from a real answer for AWS_CLOUDHSM keys (§2.4)."""
    return ServiceError(
        "UnsupportedOperationException",
        f"{key.arn} origin is {key.origin} which is not valid for this operation.",
    )


def state_error(key: Key, state: str | None = None) -> ServiceError:
    """The error for an operation that refuses the key in its (reported) state."""
    code, text = _STATE_ERRORS[state or key.key_state]
    return ServiceError(code, f"{key.arn} {text}")


class KeyCheck:
    """Whether a key may serve the request's operation now, as its declaration says.

    One instance per service; it holds no state, so any family may share it.
    """

    def in_cloudhsm(self, ctx: RequestContext, key: Key) -> Key:
        """The answer AWS gives a CloudHSM key store key for an operation it cannot run."""
        rule = DECLARED[ctx.operation].in_cloudhsm
        if rule == InCloudHsm.ALLOWED or key.origin != "AWS_CLOUDHSM":
            return key
        if rule == InCloudHsm.UNSUPPORTED:
            raise origin_error(key)
        raise ServiceError(
            "InvalidKeyUsageException",
            f"{key.arn} key usage is {key.key_usage} which is not valid for {ctx.operation}.",
        )

    def state(self, ctx: RequestContext, key: Key) -> Key:
        """The key, unless its state is one the operation refuses."""
        declared = DECLARED[ctx.operation]
        state = key.key_state
        if state in declared.key_states:
            return key
        if declared.state_error is not None:
            code, message = declared.state_error
            raise ServiceError(code, message.format(arn=key.arn))
        raise state_error(key, state)

    def usable(self, ctx: RequestContext, key: Key, usage: str) -> Key:
        """A key that may run a cryptographic operation of ``usage`` now.

        In this order: the CloudHSM key store rule, the store's quota, the key state,
        the key usage (docs/aws-behaviour.md §2.4, §3, §5.1); the usage error names the
        operation (recorded, §0.3). The three checks above are inlined: this runs on every
        cryptographic call.
        """
        declared = DECLARED[ctx.operation]
        if declared.in_cloudhsm != InCloudHsm.ALLOWED:
            self.in_cloudhsm(ctx, key)
        store = key.custom_key_store
        if store is not None and declared.counted:
            store.quota.consume(ctx.operation)
        if key.key_state not in declared.key_states:
            self.state(ctx, key)
        if key.key_usage != usage:
            raise ServiceError(
                "InvalidKeyUsageException",
                f"{key.arn} key usage is {key.key_usage} which is not valid for "
                f"{ctx.operation}.",
            )
        return key


def check_algorithm_of(key: Key, algorithm: str) -> None:
    """``InvalidKeyUsageException`` unless the key spec supports ``algorithm`` (AWS's text,
    recorded for MAC algorithms and quoted for Encrypt: docs/aws-behaviour.md §0.3)."""
    _, algorithms = ALGORITHMS[(key.key_spec, key.key_usage)]
    if algorithm not in algorithms:
        raise ServiceError(
            "InvalidKeyUsageException",
            f"Algorithm {algorithm} is incompatible with key spec {key.key_spec}.",
        )


def dry_run_error() -> ServiceError:
    """A DryRun call that would have succeeded (AWS's text: docs/aws-behaviour.md §4.6)."""
    return ServiceError(
        "DryRunOperationException",
        "The request would have succeeded, but the DryRun option is set.",
    )


def dry_run(p: Params) -> None:
    """Answer ``DryRunOperationException`` now if the request is a dry run."""
    if p.get("DryRun"):
        raise dry_run_error()


INVALID_MARKER = "Invalid marker."
"""The text for a ``Marker`` this fake did not issue (docs/aws-behaviour.md §13)."""


def paginate(
    items: Iterable[Any], p: Params, *, default_limit: int, number: Callable[[Any], int],
) -> tuple[list[Any], Result]:
    """One page of ``items`` after ``Marker``, with ``Truncated`` and ``NextMarker``.

    ``number`` gives each item's place in its listing (:mod:`..pagination`), so a
    marker is a cursor after the last item returned; a marker this fake did not
    issue is ``InvalidMarkerException``.
    """
    try:
        taken, marker = pagination.page(items, number, p.get("Marker"),
                                        p.get("Limit", default_limit))
    except pagination.InvalidMarker:
        raise ServiceError("InvalidMarkerException", INVALID_MARKER) from None
    result: Result = {"Truncated": marker is not None}
    if marker is not None:
        result["NextMarker"] = marker
    return taken, result
