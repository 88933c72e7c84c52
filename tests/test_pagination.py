"""Markers are cursors after the last item returned (docs/aws-behaviour.md §13).

AWS's markers are opaque and stay valid while the list changes: a page starts
after the last item of the page before, so a loop that deletes as it goes
deletes everything, and an item added between pages is listed at most once.
Each paginated operation of both services is paged here while its list
changes between pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from helpers import DAY, HOUR
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_cloudhsm_kms import CloudHsmKms

RETIRER = "arn:aws:iam::111122223333:role/retirer"
GRANTEE = "arn:aws:iam::111122223333:role/grantee"


def pages(call: Callable[..., dict[str, Any]], items: str, **params: Any) -> Iterator[list[Any]]:
    """Each page of a KMS listing, following ``NextMarker`` by hand."""
    while True:
        output = call(**params)
        yield output[items]
        if not output["Truncated"]:
            return
        params["Marker"] = output["NextMarker"]


def token_pages(call: Callable[..., dict[str, Any]], items: str,
                **params: Any) -> Iterator[list[Any]]:
    """Each page of a CloudHSM v2 listing, following ``NextToken`` by hand."""
    while True:
        output = call(**params)
        yield output[items]
        if "NextToken" not in output:
            return
        params["NextToken"] = output["NextToken"]


def remove_while_paging(paginator: Any, items: str, name: str, remove: Callable[[Any], object],
                        **params: Any) -> list[str]:
    """Page with a boto3 paginator, 5 items a page, calling ``remove`` on each item as it is
    listed; answer the ``name`` of each item removed, in order."""
    removed = []
    for page in paginator.paginate(**params, PaginationConfig={"PageSize": 5}):
        for item in page[items]:
            remove(item)
            removed.append(item[name])
    return removed


# -- KMS ----------------------------------------------------------------------------------------


def test_list_keys_while_keys_are_deleted_and_created_lists_each_once(
        cloudhsm_kms: CloudHsmKms, kms: Any) -> None:
    made = [kms.create_key()["KeyMetadata"]["KeyId"] for _ in range(9)]
    listed: list[str] = []
    for page in pages(kms.list_keys, "Keys", Limit=2):
        listed += [k["KeyId"] for k in page]
        for key in page:  # deleted at the end of the shortest waiting period
            kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
        cloudhsm_kms.clock.advance(7 * DAY)
        if len(listed) == 4:
            made.append(kms.create_key()["KeyMetadata"]["KeyId"])
    assert listed == made
    assert kms.list_keys()["Keys"] == []


def test_a_paginator_that_deletes_aliases_as_it_goes_deletes_them_all(kms: Any) -> None:
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    names = [f"alias/app-{n:02}" for n in range(12)]
    for name in names:
        kms.create_alias(AliasName=name, TargetKeyId=key_id)
    deleted = remove_while_paging(
        kms.get_paginator("list_aliases"), "Aliases", "AliasName",
        lambda alias: kms.delete_alias(AliasName=alias["AliasName"]), KeyId=key_id)
    assert deleted == names
    assert kms.list_aliases(KeyId=key_id)["Aliases"] == []


def test_a_paginator_that_revokes_grants_as_it_goes_revokes_them_all(
        kms: Any, symmetric_key: dict[str, Any]) -> None:
    key_id = symmetric_key["KeyId"]
    made = [kms.create_grant(KeyId=key_id, GranteePrincipal=GRANTEE,
                             Operations=["Encrypt"])["GrantId"] for _ in range(12)]
    revoked = remove_while_paging(
        kms.get_paginator("list_grants"), "Grants", "GrantId",
        lambda grant: kms.revoke_grant(KeyId=key_id, GrantId=grant["GrantId"]), KeyId=key_id)
    assert revoked == made
    assert kms.list_grants(KeyId=key_id)["Grants"] == []


def test_a_paginator_that_retires_grants_as_it_goes_retires_them_all(
        kms: Any, symmetric_key: dict[str, Any]) -> None:
    key_id = symmetric_key["KeyId"]
    made = [kms.create_grant(KeyId=key_id, GranteePrincipal=GRANTEE, RetiringPrincipal=RETIRER,
                             Operations=["Encrypt"])["GrantId"] for _ in range(12)]
    retired = remove_while_paging(
        kms.get_paginator("list_retirable_grants"), "Grants", "GrantId",
        lambda grant: kms.retire_grant(KeyId=grant["KeyId"], GrantId=grant["GrantId"]),
        RetiringPrincipal=RETIRER)
    assert retired == made
    assert kms.list_retirable_grants(RetiringPrincipal=RETIRER)["Grants"] == []


def test_list_resource_tags_while_tags_are_removed_and_added_lists_each_once(
        kms: Any, symmetric_key: dict[str, Any]) -> None:
    key_id = symmetric_key["KeyId"]
    kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": f"k{n}", "TagValue": "v"} for n in range(9)])
    listed: list[str] = []
    for page in pages(kms.list_resource_tags, "Tags", KeyId=key_id, Limit=2):
        listed += [t["TagKey"] for t in page]
        kms.untag_resource(KeyId=key_id, TagKeys=[t["TagKey"] for t in page])
        if len(listed) == 4:
            kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": "late", "TagValue": "v"}])
    assert listed == [f"k{n}" for n in range(9)] + ["late"]


def test_list_key_rotations_while_the_key_rotates_lists_each_rotation_once(
        cloudhsm_kms: CloudHsmKms, kms: Any, symmetric_key: dict[str, Any]) -> None:
    key_id = symmetric_key["KeyId"]
    for _ in range(4):
        kms.rotate_key_on_demand(KeyId=key_id)
        cloudhsm_kms.clock.advance(HOUR)
    listed: list[str] = []
    for page in pages(kms.list_key_rotations, "Rotations", KeyId=key_id, Limit=1):
        listed += [r["KeyMaterialId"] for r in page]
        if len(listed) == 2:
            kms.rotate_key_on_demand(KeyId=key_id)
            cloudhsm_kms.clock.advance(HOUR)
    every = [r["KeyMaterialId"] for r in kms.list_key_rotations(KeyId=key_id)["Rotations"]]
    assert len(every) == 5
    assert listed == every


def test_list_key_policies_is_one_page_and_its_marker_checked(
        kms: Any, symmetric_key: dict[str, Any]) -> None:
    output = kms.list_key_policies(KeyId=symmetric_key["KeyId"], Limit=1)
    assert (output["PolicyNames"], output["Truncated"]) == (["default"], False)
    with pytest.raises(kms.exceptions.ClientError) as raised:
        kms.list_key_policies(KeyId=symmetric_key["KeyId"], Marker="bogus")
    assert raised.value.response["Error"]["Code"] == "ValidationException"
    assert raised.value.response["Error"]["Message"] == "Invalid marker."


def test_describe_custom_key_stores_while_stores_are_deleted_lists_each_once(
        cloudhsm_kms: CloudHsmKms, kms: Any) -> None:
    made = []
    for n in range(5):
        cluster = cloudhsm_kms.ready_cluster()
        made.append(kms.create_custom_key_store(
            CustomKeyStoreName=f"store-{n}", CloudHsmClusterId=cluster["ClusterId"],
            TrustAnchorCertificate=cloudhsm_kms.cloudhsm().cluster(
                cluster["ClusterId"]).trust_anchor,
            KeyStorePassword="kmsuserPassw0rd1")["CustomKeyStoreId"])
    listed = []
    for page in pages(kms.describe_custom_key_stores, "CustomKeyStores", Limit=2):
        for store in page:
            listed.append(store["CustomKeyStoreId"])
            kms.delete_custom_key_store(CustomKeyStoreId=store["CustomKeyStoreId"])
    assert listed == made
    assert kms.describe_custom_key_stores()["CustomKeyStores"] == []


# -- CloudHSM v2 -----------------------------------------------------------------------------


def test_describe_clusters_while_clusters_are_deleted_lists_each_once(
        cloudhsm_kms: CloudHsmKms, cloudhsmv2: Any) -> None:
    subnets = ["subnet-0a000001", "subnet-0b000002"]
    made = [cloudhsmv2.create_cluster(HsmType="hsm2m.medium", SubnetIds=subnets)["Cluster"][
        "ClusterId"] for _ in range(5)]
    listed = []
    for page in token_pages(cloudhsmv2.describe_clusters, "Clusters", MaxResults=2):
        for cluster in page:
            listed.append(cluster["ClusterId"])
            cloudhsmv2.delete_cluster(ClusterId=cluster["ClusterId"])
        cloudhsm_kms.clock.advance(2 * HOUR)  # DELETED clusters leave the listing
    assert listed == made
    assert cloudhsmv2.describe_clusters()["Clusters"] == []


@pytest.mark.parametrize("ascending", [False, True])
def test_describe_backups_while_backups_are_taken_lists_each_once(
        cloudhsm_kms: CloudHsmKms, cloudhsmv2: Any, cloudhsm_cluster: dict[str, Any],
        ascending: bool) -> None:
    for _ in range(4):
        cloudhsm_kms.clock.advance(DAY)  # a daily backup
    before = [b["BackupId"] for b in cloudhsmv2.describe_backups(
        SortAscending=ascending)["Backups"]]
    listed: list[str] = []
    for page in token_pages(cloudhsmv2.describe_backups, "Backups", MaxResults=2,
                            SortAscending=ascending):
        listed += [b["BackupId"] for b in page]
        cloudhsm_kms.clock.advance(DAY)  # another backup between pages
    assert len(listed) == len(set(listed))
    if ascending:  # the new backups come after the cursor, so they are listed too
        assert listed[:len(before)] == before and len(listed) > len(before)
    else:  # newest first: the new backups come before the cursor
        assert listed == before


def test_list_tags_while_tags_are_removed_lists_each_once(
        cloudhsmv2: Any, cloudhsm_cluster: dict[str, Any]) -> None:
    cluster_id = cloudhsm_cluster["ClusterId"]
    cloudhsmv2.tag_resource(ResourceId=cluster_id,
                            TagList=[{"Key": f"k{n}", "Value": "v"} for n in range(9)])
    listed = []
    for page in token_pages(cloudhsmv2.list_tags, "TagList", ResourceId=cluster_id,
                            MaxResults=2):
        listed += [t["Key"] for t in page]
        cloudhsmv2.untag_resource(ResourceId=cluster_id, TagKeyList=[t["Key"] for t in page])
    assert listed == [f"k{n}" for n in range(9)]


# -- any change between pages --------------------------------------------------------------

changes = st.lists(st.tuples(st.booleans(), st.integers(0, 40)), max_size=6)


@settings(max_examples=40, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.integers(0, 12), limit=st.integers(1, 4), between=st.lists(changes, max_size=8))
def test_whatever_changes_between_pages_each_alias_is_listed_at_most_once_and_none_is_missed(
        kms: Any, symmetric_key: dict[str, Any], start: int, limit: int,
        between: list[list[tuple[bool, int]]]) -> None:
    """Aliases created and deleted between pages: nothing listed twice, and every alias that
    exists from the first page to the last is listed."""
    key_id = symmetric_key["KeyId"]
    for alias in kms.list_aliases(KeyId=key_id)["Aliases"]:
        kms.delete_alias(AliasName=alias["AliasName"])
    made = iter(range(1000))
    live = [f"alias/a{next(made)}" for _ in range(start)]
    for name in live:
        kms.create_alias(AliasName=name, TargetKeyId=key_id)
    throughout = set(live)
    listed: list[str] = []
    for number, page in enumerate(pages(kms.list_aliases, "Aliases", KeyId=key_id, Limit=limit)):
        listed += [a["AliasName"] for a in page]
        for create, pick in between[number] if number < len(between) else ():
            if create:
                live.append(f"alias/a{next(made)}")
                kms.create_alias(AliasName=live[-1], TargetKeyId=key_id)
            elif live:
                gone = live.pop(pick % len(live))
                kms.delete_alias(AliasName=gone)
                throughout.discard(gone)
    assert len(listed) == len(set(listed)), listed
    assert throughout <= set(listed), (throughout - set(listed), listed)
