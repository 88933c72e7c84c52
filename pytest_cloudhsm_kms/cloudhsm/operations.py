"""How a CloudHSM v2 operation is declared, and the request checks operations share.

Each operation is one :class:`Operation`, declared next to its handler in its
family's module (``cluster_operations``, ``backup_operations``,
``resource_operations``), with the facts the fake follows: the cluster states
it runs in and the backup states it accepts (given directly, or as the event
of the state table it starts), and its own error texts (``messages=``), which
its handler raises by name: ``raise declared_error(ctx, "hsm_limit", limit=28)``.
:meth:`Operation.handles` records the operation in :data:`DECLARED`, from
which the service's dispatch table is made: a declaration and its handler are
all an operation needs.

The texts several operations share stay here (not found, tags, filters,
pagination, retention) and in :mod:`.network` (subnets and addresses).

A handler is ``handler(service, ctx, p)``, as a KMS handler is ``(self, ctx, p)``:
the :class:`~pytest_cloudhsm_kms.cloudhsm.service.CloudHsmService` of the
account and Region, the explicit
:class:`~pytest_cloudhsm_kms.context.RequestContext`, and the request members
as botocore sends them. It returns the members of the output shape or raises
:class:`~pytest_cloudhsm_kms.errors.ServiceError`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .. import pagination
from ..context import Params, Result
from ..errors import ServiceError
from .model import BACKUP_TRANSITIONS, CLUSTER_TRANSITIONS, Backup, Cluster, ClusterState

if TYPE_CHECKING:
    from ..context import RequestContext
    from .service import CloudHsmService

__all__ = [
    "ARN",
    "DECLARED",
    "INVALID",
    "NOT_FOUND",
    "Message",
    "Operation",
    "Params",
    "Result",
    "check_values",
    "declared_error",
    "filters",
    "find_backup",
    "find_cluster",
    "new_tags",
    "paginate",
]

Handler = Callable[["CloudHsmService", "RequestContext", Params], Result]

Message = tuple[str, str]
"""An operation's own AWS error: (error code, text with ``{field}`` placeholders)."""

INVALID = "CloudHsmInvalidRequestException"
NOT_FOUND = "CloudHsmResourceNotFoundException"
TAG_ERROR = "CloudHsmTagException"

ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):cloudhsm:(?P<region>[^:]+):(?P<account>\d{12}):"
    r"(?P<kind>backup|cluster|hsm)/(?P<id>[A-Za-z0-9-]+)"
)
"""A CloudHSM ARN: ``arn:<partition>:cloudhsm:<region>:<account>:<backup|cluster|hsm>/<id>``.
Any partition matches; a service names its own resources only in its Region's
(docs/aws-behaviour.md §1.1)."""

MAX_TAGS = 50
"""Tags per resource, a fixed AWS limit (``docs/aws-behaviour.md §6.4``: TagList 1-50)."""
MIN_RETENTION_DAYS, MAX_RETENTION_DAYS = 7, 379
"""The bounds of ``BackupRetentionPolicy`` (``docs/aws-behaviour.md §6.6``), fixed by AWS."""


@dataclass(eq=False)
class Operation:
    """One CloudHSM v2 operation: its name, its handler, the states it accepts, its errors.

    ``cluster_event``: the event of ``CLUSTER_TRANSITIONS`` the operation
    starts; the cluster states it runs in are those with that event.
    ``cluster_states``: the states, for an operation that changes no cluster
    state; an operation with either declares the message ``cluster_state``
    for a cluster in another state (``{cluster}`` and ``{state}`` are filled
    in). ``backup_event`` and ``backup_states`` say the same of the backup it
    acts on. ``messages``: its own errors by name.
    """

    name: str
    cluster_event: str | None = None
    cluster_states: frozenset[str] = frozenset()
    backup_event: str | None = None
    backup_states: frozenset[str] = frozenset()
    messages: Mapping[str, Message] = field(default_factory=dict)
    handler: Handler = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.cluster_event is not None:
            self.cluster_states = _states_with(CLUSTER_TRANSITIONS, self.cluster_event)
        if self.backup_event is not None:
            self.backup_states = _states_with(BACKUP_TRANSITIONS, self.backup_event)
        if self.cluster_states and "cluster_state" not in self.messages:
            raise ValueError(f"{self.name} runs in some cluster states: declare 'cluster_state'")
        self.messages = MappingProxyType(dict(self.messages))

    def handles(self, handler: Handler) -> Handler:
        """Decorator: ``handler`` serves this operation, which is now in :data:`DECLARED`."""
        if self.name in DECLARED:
            raise RuntimeError(f"CloudHSM v2 operation {self.name} is declared twice")
        self.handler = handler
        DECLARED[self.name] = self
        return handler

    def error(self, name: str, /, **fields: object) -> ServiceError:
        """The declared error ``name``, its text filled in with ``fields``."""
        code, text = self.messages[name]
        return ServiceError(code, text.format(**fields))

    def check_cluster(self, cluster: Cluster) -> None:
        """Refuse a cluster in a state the operation does not run in."""
        if cluster.state not in self.cluster_states:
            raise self.error("cluster_state", cluster=cluster.cluster_id, state=cluster.state)

    def find_backup(self, backups: dict[str, Backup], backup_id: str) -> Backup:
        """The backup the operation acts on: found, and in a state it accepts."""
        backup = find_backup(backups, backup_id)
        self.check_backup(backup)
        return backup

    def check_backup(self, backup: Backup) -> None:
        """Refuse a backup in a state the operation does not accept."""
        if backup.state not in self.backup_states:
            allowed = " or ".join(sorted(self.backup_states))
            raise ServiceError(
                INVALID, f"Backup {backup.backup_id} is in state {backup.state}; {self.name} "
                         f"needs a backup in state {allowed}.",
            )


DECLARED: dict[str, Operation] = {}
"""Every operation with a handler, by name, filled as the family modules are imported."""


def declared_error(ctx: RequestContext, name: str, /, **fields: object) -> ServiceError:
    """The error ``name`` that the operation of ``ctx`` declares (``messages=``)."""
    return DECLARED[ctx.operation].error(name, **fields)


def _states_with(table: dict[tuple[str, str], str], event: str) -> frozenset[str]:
    return frozenset(state for state, on in table if on == event)


# -- lookups -------------------------------------------------------------------------------


def find_cluster(clusters: dict[str, Cluster], cluster_id: str) -> Cluster:
    """A cluster by ID; a DELETED one (still listed by DescribeClusters) is not found."""
    cluster = clusters.get(cluster_id)
    if cluster is None or cluster.state == ClusterState.DELETED:
        raise ServiceError(NOT_FOUND, f"Cluster {cluster_id} not found.")
    return cluster


def find_backup(backups: dict[str, Backup], backup_id: str) -> Backup:
    """A backup by ID, in any state."""
    backup = backups.get(backup_id)
    if backup is None:
        raise ServiceError(NOT_FOUND, f"Backup {backup_id} not found.")
    return backup


# -- request members -----------------------------------------------------------------------


def retention_days(policy: dict[str, str] | None, default: int) -> int:
    """The days of a ``BackupRetentionPolicy`` (``default`` without one)."""
    if policy is None:
        return default
    if policy.get("Type") != "DAYS" or "Value" not in policy:
        raise ServiceError(INVALID, "BackupRetentionPolicy needs Type DAYS and a Value in days.")
    value = policy["Value"]
    days = int(value) if value.isdigit() else -1  # the codec has checked [0-9]+ already
    if not MIN_RETENTION_DAYS <= days <= MAX_RETENTION_DAYS:
        raise ServiceError(
            INVALID, f"BackupRetentionPolicy Value must be {MIN_RETENTION_DAYS} to "
                     f"{MAX_RETENTION_DAYS} days, not {policy['Value']}.",
        )
    return days


def check_tag_key(key: str) -> None:
    """Refuse the reserved ``aws:`` prefix."""
    if key.lower().startswith("aws:"):
        raise ServiceError(TAG_ERROR, f"Tag key {key} uses the reserved prefix aws:.")


def new_tags(entries: list[dict[str, str]] | None) -> dict[str, str]:
    """A ``TagList`` as a dict; reserved or repeated keys are refused."""
    tags: dict[str, str] = {}
    for tag in entries or ():
        key = tag["Key"]
        check_tag_key(key)
        if key in tags:
            raise ServiceError(TAG_ERROR, f"Tag key {key} appears more than once.")
        tags[key] = tag["Value"]
    return tags


def filters(
    given: dict[str, list[str]] | None, allowed: dict[str, frozenset[str] | None]
) -> dict[str, list[str]]:
    """The ``Filters`` of a Describe call, refusing unknown filter names and, for a
    filter with a set of values (``allowed[name]`` not ``None``), unknown values."""
    given = given or {}
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        raise ServiceError(
            INVALID,
            f"Invalid filter {unknown[0]}; valid filters are {', '.join(sorted(allowed))}.",
        )
    for name, values in allowed.items():
        if values is not None and name in given:
            check_values(name, given[name], values)
    return given


def check_values(name: str, values: list[str], allowed: frozenset[str]) -> None:
    """Refuse a filter value outside ``allowed``."""
    for value in values:
        if value not in allowed:
            raise ServiceError(
                INVALID, f"Invalid value {value} for filter {name}; valid values are "
                         f"{', '.join(sorted(allowed))}.",
            )


def paginate(
    items: list[Any], p: Params, number: Callable[[Any], int], *, descending: bool = False,
) -> tuple[list[Any], Result]:
    """One page of ``items`` after ``NextToken``, and the next token.

    ``number`` gives each item's place in its listing (:mod:`..pagination`), so a
    token is a cursor after the last item returned. Without ``MaxResults``
    everything is one page.
    """
    try:
        taken, token = pagination.page(items, number, p.get("NextToken"), p.get("MaxResults"),
                                       descending=descending)
    except pagination.InvalidMarker:
        raise ServiceError(INVALID, "The NextToken is not valid.") from None
    return taken, {} if token is None else {"NextToken": token}
