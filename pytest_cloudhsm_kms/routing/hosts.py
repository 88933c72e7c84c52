"""The host names of KMS and CloudHSM v2 endpoints, in every form AWS serves them.

``<service>[-fips].<region>.<suffix>``, where the suffix is any partition's
DNS suffix or dual-stack suffix (``amazonaws.com``, ``amazonaws.com.cn``,
``api.aws``, ``api.amazonwebservices.com.cn``, the ISO partitions', ...), as
botocore's ``partitions.json`` lists them; and interface VPC endpoints,
``vpce-<id>[-<zone>].<service>.<region>.vpce.<suffix>``. Host names are
case-insensitive and may end in a dot (a fully qualified name).
"""

from __future__ import annotations

import functools
import re

from ..partitions import partitions

__all__ = ["SERVICES", "host_pattern", "service_url"]

# The first label of an endpoint host -> the fake's service name.
SERVICES = ("kms", "cloudhsmv2")


@functools.cache
def _suffixes() -> tuple[str, ...]:
    """Every partition's DNS suffixes, longest first (so ``.com.cn`` wins over ``.com``)."""
    found = {"amazonaws.com", "amazonaws.com.cn", "api.aws"}  # should the data lack a field
    for partition in partitions():
        outputs = partition.get("outputs", {})
        found.update(outputs[k] for k in ("dnsSuffix", "dualStackDnsSuffix") if outputs.get(k))
    return tuple(sorted(found, key=len, reverse=True))


@functools.cache
def host_pattern() -> re.Pattern[str]:
    """A host name of a KMS or CloudHSM v2 endpoint: group ``service``, group ``region``."""
    suffixes = "|".join(re.escape(s) for s in _suffixes())
    return re.compile(
        rf"(?:vpce-[a-z0-9-]+\.)?(?P<service>{'|'.join(SERVICES)})(?:-fips)?"
        rf"\.(?P<region>[a-z0-9-]+)\.(?:vpce\.)?(?:{suffixes})\.?",
        re.IGNORECASE,
    )


@functools.cache
def service_url() -> re.Pattern[str]:
    """A URL whose host is a KMS or CloudHSM v2 endpoint (any scheme port and path)."""
    return re.compile(
        rf"https?://(?:[^@/?#]*@)?{host_pattern().pattern}(?::\d+)?(?:[/?#]|$)",
        re.IGNORECASE,
    )
