"""Grants: what AWS's documentation shows ListGrants and ListRetirableGrants answering.

No LocalStack recording shows a grant entry, so each case's source is a real output
printed by AWS's documentation (``documented.py`` names the file and version): the
Developer Guide's ListGrants output and the AWS CLI's list-grants and
list-retirable-grants examples. The grants are ours, made as the pages describe;
identifying values (grant IDs, dates) are checked by their form, the rest as printed.
Every printed grant is dated in whole seconds (docs/aws-behaviour.md §11.3). The
unnamed ones print ``Name: ""``, which the model forbids; the fake leaves the member
out (a Choice, §11.3), so those cases do not check it (``NO_NAME``).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest

from .recording import ARN, UNSHOWN, Case, Shape, World, case_ids, check

GRANT_ID = Shape("grant ID (64 hex digits)",
                 lambda v: isinstance(v, str) and re.fullmatch(r"[0-9a-f]{64}", v) is not None)
SECONDS = Shape("date in whole seconds (the outputs' 1572216195.0)",
                lambda v: isinstance(v, datetime.datetime) and v.microsecond == 0)
NO_NAME = UNSHOWN  # AWS prints "" for a grant made without a name; the model forbids it
ROOT = "arn:<partition>:iam::111111111111:root"
USER = "arn:<partition>:iam::111111111111:user/exampleUser"
ADMIN_ROLE = "arn:<partition>:iam::111111111111:role/adminRole"
ADMIN_USER = "arn:<partition>:iam::111111111111:user/ExampleAdmin"
SERVICE = "dynamodb.<region>.amazonaws.com"
IT_ONLY = {"EncryptionContextSubset": {"Department": "IT"}}
DYNAMODB_CONTEXT = {"EncryptionContextSubset": {
    "aws:dynamodb:subscriberId": "111111111111", "aws:dynamodb:tableName": "Services"}}
DYNAMODB_OPERATIONS = ["Decrypt", "Encrypt", "GenerateDataKey", "ReEncryptFrom", "ReEncryptTo",
                       "RetireGrant", "DescribeKey"]


def _grant(world: World, key: str = "<key-id:1>", **request: Any) -> None:
    world.kms.create_grant(KeyId=world.names[key], **world.sub(request))


def unnamed_decrypt_grant(world: World) -> None:
    """kdg/grant-view: Decrypt for a user, retired by a role, for one department."""
    world.key()
    _grant(world, GranteePrincipal=USER, RetiringPrincipal=ADMIN_ROLE, Operations=["Decrypt"],
           Constraints=IT_ONLY)


def named_service_grant(world: World) -> None:
    """cli/list-grants: the grant DynamoDB makes, named, for a service principal."""
    world.key()
    _grant(world, Name="8276b9a6-6cf0-46f1-b2f0-7993a7f8c89a", GranteePrincipal=SERVICE,
           RetiringPrincipal=SERVICE, Operations=DYNAMODB_OPERATIONS,
           Constraints=DYNAMODB_CONTEXT)


def two_retirable_grants(world: World) -> None:
    """cli/list-retirable-grants: one unnamed grant on each of two keys, retired by one user."""
    for key, operation in (("<key-id:1>", "Encrypt"), ("<key-id:2>", "Decrypt")):
        world.key(key)
        _grant(world, key, GranteePrincipal=USER, RetiringPrincipal=ADMIN_USER,
               Operations=[operation], Constraints=IT_ONLY)


def _entry(key: str = "<key-id:1>", **members: Any) -> dict[str, Any]:
    return {"KeyId": ARN.replace("<key-id:1>", key), "GrantId": GRANT_ID, "CreationDate": SECONDS,
            "IssuingAccount": ROOT, **members}


CASES: list[Case] = [
    Case("kdg/grant-view", "list-grants", "ListGrants", {"KeyId": "<key-id:1>"},
         unnamed_decrypt_grant, answer={"Grants": [_entry(
             Name=NO_NAME, GranteePrincipal=USER, RetiringPrincipal=ADMIN_ROLE,
             Operations=["Decrypt"], Constraints=IT_ONLY)], "Truncated": False}),
    Case("cli/list-grants", "list-grants", "ListGrants", {"KeyId": "<key-id:1>"},
         named_service_grant, answer={"Grants": [_entry(
             Name="8276b9a6-6cf0-46f1-b2f0-7993a7f8c89a", GranteePrincipal=SERVICE,
             RetiringPrincipal=SERVICE, Operations=DYNAMODB_OPERATIONS,
             Constraints=DYNAMODB_CONTEXT)], "Truncated": False}),
    Case("cli/list-retirable-grants", "list-retirable-grants", "ListRetirableGrants",
         {"RetiringPrincipal": ADMIN_USER}, two_retirable_grants, answer={"Grants": [
             _entry(key, Name=NO_NAME, GranteePrincipal=USER, RetiringPrincipal=ADMIN_USER,
                    Operations=[operation], Constraints=IT_ONLY)
             for key, operation in (("<key-id:1>", "Encrypt"), ("<key-id:2>", "Decrypt"))],
             "Truncated": False}),
]


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_documented(case: Case, world: World) -> None:
    check(case, world)
