"""CloudHSM v2 operations on backups: DescribeBackups, DeleteBackup, RestoreBackup,
ModifyBackupAttributes and CopyBackupToRegion.

How backups are taken, kept and purged is :mod:`.backups`. DescribeBackups'
``Shared`` lists only backups other accounts share through RAM, which the
fake does not model, so it lists nothing (docs/aws-behaviour.md §6.4).
**Choices where AWS documents nothing:** DescribeBackups lists the newest
first unless ``SortAscending``; everything is one page when ``MaxResults`` is
absent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..pagination import numbering
from .model import BackupState, answered_time
from .operations import (
    INVALID,
    Operation,
    Params,
    Result,
    check_values,
    declared_error,
    filters,
    new_tags,
    paginate,
)

if TYPE_CHECKING:
    from ..context import RequestContext
    from .service import CloudHsmService

__all__: list[str] = []  # each declaration registers itself (operations.DECLARED)

_READY = frozenset({BackupState.READY})
_BACKUP_FILTERS: dict[str, frozenset[str] | None] = {
    "backupIds": None,
    "sourceBackupIds": None,
    "clusterIds": None,
    "states": frozenset(v for k, v in vars(BackupState).items() if k.isupper()),
    "neverExpires": None,  # true or false in any case, checked below
}
"""DescribeBackups filters, with the values of those that have a set of values."""


DESCRIBE_BACKUPS = Operation("DescribeBackups")


@DESCRIBE_BACKUPS.handles
def describe_backups(service: CloudHsmService, ctx: RequestContext, p: Params) -> Result:
    given = filters(p.get("Filters"), _BACKUP_FILTERS)
    never = given.get("neverExpires")
    never_expires: set[bool] | None = None
    if never is not None:
        check_values("neverExpires", [v.lower() for v in never], frozenset({"true", "false"}))
        never_expires = {v.lower() == "true" for v in never}
    ids, sources = given.get("backupIds"), given.get("sourceBackupIds")
    clusters, states = given.get("clusterIds"), given.get("states")
    backups = [] if p.get("Shared") else [
        b for b in service.backups.values()
        if (ids is None or b.backup_id in ids)
        and (sources is None or b.source_backup in sources)
        and (clusters is None or b.cluster_id in clusters)
        and (states is None or b.state in states)
        and (never_expires is None or b.never_expires in never_expires)
    ]
    ascending = bool(p.get("SortAscending"))
    if not ascending:
        backups.reverse()
    numbers = numbering(service, "backups").number(service.backups)
    page, result = paginate(backups, p, lambda b: numbers[b.backup_id], descending=not ascending)
    result["Backups"] = [b.describe(listed=True) for b in page]
    return result


DELETE_BACKUP = Operation("DeleteBackup", backup_event="delete")


@DELETE_BACKUP.handles
def delete_backup(service: CloudHsmService, ctx: RequestContext, p: Params) -> Result:
    backup = DELETE_BACKUP.find_backup(service.backups, p["BackupId"])
    service.catalog.delete(backup)
    return {"Backup": backup.describe()}


RESTORE_BACKUP = Operation("RestoreBackup", backup_event="restore")


@RESTORE_BACKUP.handles
def restore_backup(service: CloudHsmService, ctx: RequestContext, p: Params) -> Result:
    backup = RESTORE_BACKUP.find_backup(service.backups, p["BackupId"])
    service.catalog.restore(backup)
    return {"Backup": backup.describe()}


MODIFY_BACKUP_ATTRIBUTES = Operation("ModifyBackupAttributes", backup_states=_READY)


@MODIFY_BACKUP_ATTRIBUTES.handles
def modify_backup_attributes(
    service: CloudHsmService, ctx: RequestContext, p: Params
) -> Result:
    backup = MODIFY_BACKUP_ATTRIBUTES.find_backup(service.backups, p["BackupId"])
    backup.never_expires = p["NeverExpires"]
    return {"Backup": backup.describe()}


COPY_BACKUP_TO_REGION = Operation(
    "CopyBackupToRegion", backup_states=_READY,
    messages={
        "same_region": (INVALID, "The destination Region must differ from the source Region "
                                 "{region}."),
    },
)


@COPY_BACKUP_TO_REGION.handles
def copy_backup_to_region(service: CloudHsmService, ctx: RequestContext, p: Params) -> Result:
    backup = COPY_BACKUP_TO_REGION.find_backup(service.backups, p["BackupId"])
    destination = p["DestinationRegion"]
    if destination == service.region:
        raise declared_error(ctx, "same_region", region=service.region)
    # Without a TagList the copy takes the source's tags (docs/aws-behaviour.md §6.9).
    tags = new_tags(p["TagList"]) if "TagList" in p else dict(backup.tags)
    copy = service.peer(destination).catalog.receive_copy(backup, service.region, tags)
    return {
        "DestinationBackup": {
            "CreateTimestamp": answered_time(copy.create_timestamp),
            "SourceRegion": service.region,
            "SourceBackup": backup.backup_id,
            "SourceCluster": backup.cluster_id,
        }
    }

