"""CloudHSM v2 operations on any resource: tags (TagResource, UntagResource, ListTags) and
resource policies (Get/Put/DeleteResourcePolicy).

Resource policies belong to backups, and only a ``READY`` backup takes one
(PutResourcePolicy in the API Reference, docs/aws-behaviour.md §6.4).

**Choices where AWS documents nothing:** a resource ID starting ``backup-``
names a backup, any other a cluster; refusing a resource policy is
``CloudHsmInvalidRequestException``; ListTags of an untagged resource gives
``TagList: []`` (the model's minimum is 1) and everything in one page when
``MaxResults`` is absent.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ..errors import ServiceError
from ..pagination import numbering
from .model import Backup, BackupState, tag_list
from .operations import (
    ARN,
    INVALID,
    MAX_TAGS,
    NOT_FOUND,
    Operation,
    Params,
    Result,
    check_tag_key,
    declared_error,
    find_backup,
    find_cluster,
    new_tags,
    paginate,
)

if TYPE_CHECKING:
    from ..context import RequestContext
    from .service import CloudHsmService

__all__: list[str] = []  # each declaration registers itself (operations.DECLARED)


def _tags_of(service: CloudHsmService, resource_id: str) -> dict[str, str]:
    if resource_id.startswith("backup-"):
        return find_backup(service.backups, resource_id).tags
    return find_cluster(service.clusters, resource_id).tags


# -- tags ------------------------------------------------------------------------------------

TAG_RESOURCE = Operation(
    "TagResource",
    messages={
        "tag_limit": ("CloudHsmResourceLimitExceededException",
                      "A resource can have at most {limit} tags; {resource} would have {count}."),
    },
)


@TAG_RESOURCE.handles
def tag_resource(service: CloudHsmService, ctx: RequestContext, p: Params) -> Result:
    tags = _tags_of(service, p["ResourceId"])
    new = new_tags(p["TagList"])
    count = len(set(tags) | set(new))
    if count > MAX_TAGS:
        raise declared_error(ctx, "tag_limit", limit=MAX_TAGS, resource=p["ResourceId"],
                             count=count)
    tags.update(new)
    return {}


UNTAG_RESOURCE = Operation("UntagResource")


@UNTAG_RESOURCE.handles
def untag_resource(service: CloudHsmService, ctx: RequestContext, p: Params) -> Result:
    tags = _tags_of(service, p["ResourceId"])
    for key in p["TagKeyList"]:
        check_tag_key(key)
    for key in p["TagKeyList"]:
        tags.pop(key, None)
    return {}


LIST_TAGS = Operation("ListTags")


@LIST_TAGS.handles
def list_tags(service: CloudHsmService, ctx: RequestContext, p: Params) -> Result:
    resource_id = p["ResourceId"]
    tags = _tags_of(service, resource_id)
    numbers = numbering(service, f"tags of {resource_id}").number(tags)
    page, result = paginate(tag_list(tags), p, lambda tag: numbers[tag["Key"]])
    result["TagList"] = page
    return result


# -- resource policies -------------------------------------------------------------------------


def _policy_backup(service: CloudHsmService, arn: str | None) -> Backup:
    """The backup ``ResourceArn`` names; its refusals are shared by the three policy operations."""
    if arn is None:
        raise ServiceError(INVALID, "ResourceArn is required.")
    match = ARN.fullmatch(arn)
    if match is None:
        raise ServiceError(INVALID, f"{arn} is not a CloudHSM ARN.")
    if (match["partition"] != service.scope.partition or match["account"] != service.account_id
            or match["region"] != service.region):  # docs/aws-behaviour.md §1.1
        raise ServiceError(NOT_FOUND, f"Resource {arn} not found.")
    if match["kind"] != "backup":
        raise ServiceError(INVALID, "Resource policies can only be attached to backups.")
    return find_backup(service.backups, match["id"])


GET_RESOURCE_POLICY = Operation("GetResourcePolicy")


@GET_RESOURCE_POLICY.handles
def get_resource_policy(service: CloudHsmService, ctx: RequestContext, p: Params) -> Result:
    backup = _policy_backup(service, p.get("ResourceArn"))
    return {} if backup.resource_policy is None else {"Policy": backup.resource_policy}


PUT_RESOURCE_POLICY = Operation(
    "PutResourcePolicy",
    messages={
        "policy_required": (INVALID, "Policy is required."),
        "invalid_policy": (INVALID, "Policy is not a valid JSON policy document."),
        "backup_not_ready": (INVALID, "Backup {backup} is {state}; only a READY backup can "
                                      "take a resource policy."),
    },
)


@PUT_RESOURCE_POLICY.handles
def put_resource_policy(service: CloudHsmService, ctx: RequestContext, p: Params) -> Result:
    backup = _policy_backup(service, p.get("ResourceArn"))
    policy = p.get("Policy")
    if policy is None:
        raise declared_error(ctx, "policy_required")
    if not _is_policy_document(policy):
        raise declared_error(ctx, "invalid_policy")
    if backup.state != BackupState.READY:  # docs/aws-behaviour.md §6.4
        raise declared_error(ctx, "backup_not_ready", backup=backup.backup_id, state=backup.state)
    backup.resource_policy = policy
    return {"ResourceArn": backup.backup_arn, "Policy": policy}


def _is_policy_document(policy: str) -> bool:
    """Whether ``policy`` is a JSON object with a ``Statement``."""
    try:
        document = json.loads(policy)
    except (ValueError, RecursionError):  # nested too deep for any policy document
        return False
    return isinstance(document, dict) and "Statement" in document


DELETE_RESOURCE_POLICY = Operation("DeleteResourcePolicy")


@DELETE_RESOURCE_POLICY.handles
def delete_resource_policy(
    service: CloudHsmService, ctx: RequestContext, p: Params
) -> Result:
    backup = _policy_backup(service, p.get("ResourceArn"))
    result: Result = {"ResourceArn": backup.backup_arn}
    if backup.resource_policy is not None:
        result["Policy"] = backup.resource_policy
    backup.resource_policy = None
    return result

