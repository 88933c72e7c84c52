from __future__ import annotations

from typing import Any

import pytest

from pytest_cloudhsm_kms import CloudHsmKms

from .recording import World


@pytest.fixture
def world(cloudhsm_kms: CloudHsmKms, kms: Any) -> World:
    """An empty account in the fake, and the table of this run's IDs and ARNs."""
    return World(cloudhsm_kms, kms)
