"""Every KMS operation this fake answers, and the lists derived from their declarations.

Importing this module imports every operation family, so :data:`OPERATIONS` is
complete. Each list below is computed from the ``@operation(...)`` declarations
next to the handlers (:mod:`.declaration`); none is written by hand.
"""

from __future__ import annotations

from types import MappingProxyType

from . import (  # noqa: F401  (imported for their declarations)
    aliases,
    asymmetric,
    crypto,
    grants,
    imports,
    keys,
    keystores,
    macs,
    multiregion,
    policies,
    rotation,
    usage,
)
from .declaration import ALL_KINDS, DECLARED, InCloudHsm, Operation, TokenCheck, grant_operations

__all__ = [
    "COUNTED_OPERATIONS",
    "DRY_RUN_OPERATIONS",
    "GRANT_OPERATIONS",
    "GRANT_TOKEN_OPERATIONS",
    "NOT_IN_CLOUDHSM",
    "OPERATIONS",
    "RECIPIENT_OPERATIONS",
    "TRACKED_OPERATIONS",
    "WRONG_USAGE_IN_CLOUDHSM",
]

OPERATIONS: MappingProxyType[str, Operation] = MappingProxyType(dict(sorted(DECLARED.items())))
"""Every declared operation by name, in alphabetical order."""

COUNTED_OPERATIONS = frozenset(op.name for op in OPERATIONS.values() if op.counted)
"""The operations the CloudHSM key store request quota counts (docs/aws-behaviour.md §5.1)."""
TRACKED_OPERATIONS = frozenset(op.name for op in OPERATIONS.values() if op.tracked)
"""The operations GetKeyLastUsage reports (the ``KeyLastUsageData.Operation`` enum)."""
DRY_RUN_OPERATIONS = frozenset(op.name for op in OPERATIONS.values() if op.dry_run)
RECIPIENT_OPERATIONS = frozenset(op.name for op in OPERATIONS.values() if op.recipient)
GRANT_TOKEN_OPERATIONS = frozenset(
    op.name for op in OPERATIONS.values() if op.grant_tokens != TokenCheck.NONE)
NOT_IN_CLOUDHSM = frozenset(
    op.name for op in OPERATIONS.values() if op.in_cloudhsm == InCloudHsm.UNSUPPORTED)
"""What a CloudHSM key store key answers with UnsupportedOperationException."""
WRONG_USAGE_IN_CLOUDHSM = frozenset(
    op.name for op in OPERATIONS.values() if op.in_cloudhsm == InCloudHsm.WRONG_KEY_USAGE)
"""What a CloudHSM key store key answers with InvalidKeyUsageException."""
GRANT_OPERATIONS: MappingProxyType[str, frozenset[str]] = MappingProxyType(
    {kind: grant_operations(kind) for kind in sorted(ALL_KINDS)})
"""The grant operations each kind of key supports (KMS Developer Guide, "Grant operations")."""
