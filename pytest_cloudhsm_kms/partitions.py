"""AWS partitions (``aws``, ``aws-cn``, ``aws-us-gov``, the ISO and EUSC ones), as
botocore's ``partitions.json`` lists them.

Every ARN begins ``arn:<partition>:``, the partition of the Region the resource
lives in (docs/aws-behaviour.md §1.1). A Region belongs to the first partition
that names it or whose Region pattern it matches, and to ``aws`` when none
does: the rule of botocore's endpoint resolver, so the fake's ARNs agree with
the endpoints botocore picks for the same Region.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import botocore.loaders

__all__ = ["DEFAULT_PARTITION", "partition_of", "partitions"]

DEFAULT_PARTITION = "aws"


@functools.cache
def partitions() -> tuple[dict[str, Any], ...]:
    """The partitions of the installed botocore, in its order (``aws`` first); read once."""
    data = botocore.loaders.Loader().load_data("partitions")
    return tuple(data["partitions"])


@functools.cache
def partition_of(region: str) -> str:
    """The partition of ``region``: ``aws-cn`` for ``cn-north-1``, ``aws`` if none claims it."""
    for partition in partitions():
        if region in partition.get("regions", {}) or re.match(
            partition.get("regionRegex", "(?!)"), region
        ):
            return str(partition["id"])
    return DEFAULT_PARTITION
