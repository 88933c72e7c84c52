"""What the operation mixins of :class:`~.service.KmsService` share.

Each mixin (grants, policies, rotation, asymmetric keys, HMAC keys, imports,
multi-Region keys) inherits :class:`OperationsBase`, which declares the parts of
the service it uses and holds the checks they have in common.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from itertools import islice
from typing import TYPE_CHECKING, Any

from ..errors import ServiceError
from .keys import KeyState

if TYPE_CHECKING:
    from ..clock import VirtualClock
    from ..entropy import Entropy
    from .keys import Key

__all__ = ["OperationsBase", "dry_run", "dry_run_error", "paginate", "state_error"]

Params = dict[str, Any]
_MARKER_DIGITS = 9  # positions past any real listing are not markers this fake issued
Result = dict[str, Any]

# docs/aws-behaviour.md §3: a disabled key is DisabledException; every other state that cannot
# run cryptography is KMSInvalidStateException.
_STATE_ERRORS = {
    KeyState.DISABLED: ("DisabledException", "is disabled."),
    KeyState.PENDING_DELETION: ("KMSInvalidStateException", "is pending deletion."),
    KeyState.PENDING_REPLICA_DELETION: ("KMSInvalidStateException", "is pending deletion."),
    KeyState.PENDING_IMPORT: ("KMSInvalidStateException", "is pending import."),
    KeyState.UNAVAILABLE: ("KMSInvalidStateException", "is unavailable."),
    KeyState.CREATING: ("KMSInvalidStateException", "is creating."),
}


def state_error(key: Key) -> ServiceError | None:
    """The error a cryptographic operation answers for the key's state, if any."""
    state = key.key_state
    if state == KeyState.ENABLED or state == KeyState.UPDATING:
        return None
    code, text = _STATE_ERRORS[state]
    return ServiceError(code, f"{key.arn} {text}")


def dry_run_error() -> ServiceError:
    """A DryRun call that would have succeeded (message UNCONFIRMED)."""
    return ServiceError(
        "DryRunOperationException",
        "The request would have succeeded, but the DryRun option is set.",
    )


def dry_run(p: Params) -> None:
    """Answer ``DryRunOperationException`` now if the request is a dry run."""
    if p.get("DryRun"):
        raise dry_run_error()


def paginate(items: Iterable[Any], p: Params, *, default_limit: int) -> tuple[list[Any], Result]:
    """One page of ``items`` after ``Marker``, with ``Truncated`` and ``NextMarker``.

    A marker is the base64 of the next item's position; anything else is
    ``InvalidMarkerException``.
    """
    start = 0
    marker = p.get("Marker")
    if marker is not None:
        try:
            raw = base64.b64decode(marker, validate=True)
        except (binascii.Error, ValueError):
            raw = b""
        if not raw.isdigit() or len(raw) > _MARKER_DIGITS:
            raise ServiceError("InvalidMarkerException", "Invalid marker.")
        start = int(raw)
    limit: int = p.get("Limit", default_limit)
    page = list(islice(items, start, start + limit + 1))
    result: Result = {"Truncated": len(page) > limit}
    if result["Truncated"]:
        del page[limit:]
        result["NextMarker"] = base64.b64encode(str(start + limit).encode()).decode()
    return page, result


class OperationsBase:
    """The service parts the operation mixins use, and their shared checks."""

    account_id: str
    region: str
    clock: VirtualClock
    entropy: Entropy
    keys: dict[str, Key]
    _operation: str
    _arn_prefix: str

    if TYPE_CHECKING:
        def key(self, key_id: str) -> Key: ...
        def key_by_id_or_arn(self, key_id: str) -> Key: ...
        def _admit(self, key: Key) -> Key: ...
        def _refuse_cloudhsm_key(self, operation: str, params: Params) -> None: ...

    def _crypto_key(self, key_id: str, usage: str) -> Key:
        """A key that may run a cryptographic operation of ``usage`` now.

        A CloudHSM key store key first gets the answer AWS gives it for this
        operation (docs/aws-behaviour.md §2.4), then the state, then the key usage is checked.
        """
        self._refuse_cloudhsm_key(self._operation, {"KeyId": key_id})
        key = self._admit(self.key(key_id))
        error = state_error(key)
        if error is not None:
            raise error
        if key.key_usage != usage:
            raise ServiceError(
                "InvalidKeyUsageException",
                f"{key.arn} key usage is {key.key_usage} which is not valid for "
                f"{self._operation}.",
            )
        return key

    @staticmethod
    def _check_algorithm_of(key: Key, algorithm: str, member: str) -> None:
        """``InvalidKeyUsageException`` unless the key spec supports ``algorithm``."""
        from .keys import ALGORITHMS

        _, algorithms = ALGORITHMS[(key.key_spec, key.key_usage)]
        if algorithm not in algorithms:
            raise ServiceError(
                "InvalidKeyUsageException",
                f"Algorithm {algorithm} is incompatible with key spec {key.key_spec}. "
                f"Valid {member}: {', '.join(algorithms)}.",
            )


