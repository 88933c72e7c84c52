"""Real CloudHSM v2 error texts quoted in public (``quoted.py``), as checks: each quote's
answer provoked through a boto3 ``cloudhsmv2`` client, in a scenario of our own, and its
code and exact text checked (``<cluster-id>`` filled in with this run's cluster).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.exceptions import ClientError
from helpers import snake

from .quoted import QUOTED
from .recording import World

SUBNETS = ["subnet-0e358c43", "subnet-f1d6e798"]


@dataclass(frozen=True)
class QuotedCall:
    """A call that provokes the answer a quote shows."""

    source: str
    """A key of ``quoted.QUOTED``."""
    operation: str
    given: Callable[[Any, World], dict[str, Any]]
    """Makes the situation, names ``<cluster-id>``, and returns the request."""


def second_hsm_of_a_new_cluster(client: Any, world: World) -> dict[str, Any]:
    """A new cluster's first HSM is ACTIVE; the second CreateHsm comes before
    InitializeCluster, as the quote's did."""
    cluster_id = client.create_cluster(HsmType="hsm2m.medium",
                                       SubnetIds=SUBNETS)["Cluster"]["ClusterId"]
    world.names["<cluster-id>"] = cluster_id
    client.create_hsm(ClusterId=cluster_id, AvailabilityZone="us-east-1a")
    world.later()
    return {"ClusterId": cluster_id, "AvailabilityZone": "us-east-1b"}


CASES: list[QuotedCall] = [
    QuotedCall("hashicorp/terraform-provider-aws#7437", "CreateHsm", second_hsm_of_a_new_cluster),
]


@pytest.mark.parametrize("case", CASES, ids=[c.source for c in CASES])
def test_quoted_cloudhsm(case: QuotedCall, world: World) -> None:
    quote = QUOTED[case.source]
    assert case.operation == quote.operation
    client = world.environment.client("cloudhsmv2")
    params = case.given(client, world)
    with pytest.raises(ClientError) as raised:
        getattr(client, snake(case.operation))(**params)
    error = raised.value.response["Error"]
    assert (error["Code"], error["Message"]) == (quote.code, world.sub(quote.text))
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400

