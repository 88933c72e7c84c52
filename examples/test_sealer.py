"""An example suite of resilience tests, for an app whose KMS key lives in a CloudHSM key store.

The same suite runs as is and under each fault of a CI matrix
(``pytest examples --cloudhsm-fault throttled``, see tox.ini): each test
states what the app must do under the faults it is under, its markers' and
the command line's alike.
"""

from __future__ import annotations

import contextlib

import pytest
import sealer

BUSY = "throttled"


def outcome(*faults: str):
    """What the app must do under these faults: work, or fail with a clear error.

    KMS counts a request against the key store quota before anything else, so
    throttling shows first; every other fault makes the key unusable.
    """
    faults_in_effect = set(faults) - {"none"}
    if BUSY in faults_in_effect:
        return pytest.raises(sealer.KmsBusy)
    if faults_in_effect:
        return pytest.raises(sealer.KeyStoreUnavailable)
    return contextlib.nullcontext()


@pytest.fixture
def cli_faults(request) -> list[str]:
    """The faults the CI matrix runs this suite under (``--cloudhsm-fault``)."""
    return request.config.getoption("cloudhsm_fault")


@pytest.fixture
def key_id(cloudhsm_key) -> str:
    return cloudhsm_key["KeyId"]


@pytest.fixture
def sealed(key_id) -> bytes:
    """A record sealed while all is well: faults start after fixture setup."""
    return sealer.seal(key_id, b"sealed earlier")


def encrypt_attempts(cloudhsm_kms) -> list[str | None]:
    return [c.error_code for c in cloudhsm_kms.calls if c.operation == "Encrypt"]


def test_a_sealed_record_opens_again(key_id, cli_faults):
    with outcome(*cli_faults):
        blob = sealer.seal(key_id, b"card 4111")
        assert sealer.unseal(key_id, blob) == b"card 4111"


@pytest.mark.cloudhsm_throttled(times=2)
def test_the_app_rides_out_brief_throttling(cloudhsm_kms, key_id, cli_faults):
    with outcome(*cli_faults):
        sealer.seal(key_id, b"record")
    assert encrypt_attempts(cloudhsm_kms)[:2] == ["ThrottlingException"] * 2


@pytest.mark.cloudhsm_throttled
def test_sustained_throttling_is_reported_as_busy(cloudhsm_kms, key_id, cli_faults):
    with outcome(BUSY, *cli_faults):
        sealer.seal(key_id, b"record")
    assert encrypt_attempts(cloudhsm_kms) == ["ThrottlingException"] * sealer.ATTEMPTS


@pytest.mark.cloudhsm_disconnected
def test_a_disconnected_key_store_is_reported_clearly(key_id, cli_faults):
    with outcome("disconnected", *cli_faults) as caught:
        sealer.seal(key_id, b"record")
    if caught.type is sealer.KeyStoreUnavailable:
        assert (caught.value.key_state, caught.value.connection_state) == (
            "Unavailable", "DISCONNECTED")
        assert "is DISCONNECTED" in str(caught.value)


@pytest.mark.cloudhsm_disconnected(error_code="NETWORK_ERRORS")
def test_a_failed_connection_names_its_error_code(key_id, cli_faults):
    with outcome("disconnected", *cli_faults) as caught:
        sealer.seal(key_id, b"record")
    # --cloudhsm-fault applies after the markers: its plain disconnection would win.
    if caught.type is sealer.KeyStoreUnavailable and "disconnected" not in cli_faults:
        assert caught.value.connection_error_code == "NETWORK_ERRORS"
        assert "is FAILED (NETWORK_ERRORS)" in str(caught.value)


@pytest.mark.cloudhsm_faults("empty_cluster", "missing_key_material")
def test_cluster_trouble_is_reported_clearly(cloudhsm_fault, key_id, sealed, cli_faults):
    with outcome(cloudhsm_fault, *cli_faults) as caught:
        sealer.unseal(key_id, sealed)
    if caught.type is sealer.KeyStoreUnavailable and "disconnected" not in cli_faults:
        # The key and its store look fine: the trouble is in the cluster.
        assert (caught.value.key_state, caught.value.connection_state) == (
            "Enabled", "CONNECTED")
        assert "CloudHSM cluster" in str(caught.value)


def test_the_app_recovers_once_the_key_store_is_back(cloudhsm_kms, key_id, cli_faults):
    with cloudhsm_kms.fault("disconnected"), outcome("disconnected", *cli_faults):
        sealer.seal(key_id, b"record")
    with outcome(*cli_faults):
        sealer.seal(key_id, b"record")
