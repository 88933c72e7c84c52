"""The cluster vault KMS relies on: ready clusters, key objects, AES-256-GCM, users and logins."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography import x509
from fidelity import assert_valid_output

from pytest_cloudhsm_kms.clock import VirtualClock
from pytest_cloudhsm_kms.cloudhsm import (
    KMSUSER_PASSWORD,
    CloudHsmService,
    VaultError,
)
from pytest_cloudhsm_kms.cloudhsm.operations import DECLARED, Operation
from pytest_cloudhsm_kms.cloudhsm.service import OPERATIONS
from pytest_cloudhsm_kms.entropy import Entropy
from pytest_cloudhsm_kms.protocol.models import service_model
from pytest_cloudhsm_kms.scope import Scope

LABEL = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
IV = bytes(12)


@pytest.fixture
def service() -> CloudHsmService:
    scope = Scope("111122223333", "us-east-1", VirtualClock(ticking=False), Entropy(7))
    return CloudHsmService(scope)


def reason(call: Any, *args: Any) -> str:
    """The ``VaultError`` reason of a call that must fail."""
    with pytest.raises(VaultError) as info:
        call(*args)
    return info.value.reason


# -- create_ready_cluster -----------------------------------------------------------------------


def test_a_ready_cluster_is_active_initialized_with_two_hsms_in_two_zones_and_a_kmsuser(
    cloudhsm_kms, cloudhsmv2_client
) -> None:
    cluster = cloudhsm_kms.cloudhsm().create_ready_cluster()
    response = cloudhsmv2_client.describe_clusters()
    assert_valid_output("cloudhsmv2", "DescribeClusters", response)
    (entry,) = response["Clusters"]
    assert entry["State"] == "ACTIVE"
    assert [h["State"] for h in entry["Hsms"]] == ["ACTIVE", "ACTIVE"]
    assert {h["AvailabilityZone"] for h in entry["Hsms"]} == {"us-east-1a", "us-east-1b"}
    assert set(entry["SubnetMapping"]) == {"us-east-1a", "us-east-1b"}
    certificate = x509.load_pem_x509_certificate(
        entry["Certificates"]["ClusterCertificate"].encode())
    anchor = x509.load_pem_x509_certificate(cluster.trust_anchor.encode())
    certificate.verify_directly_issued_by(anchor)  # the trust anchor signed it
    anchor.verify_directly_issued_by(anchor)  # and is a self-signed root
    assert cluster.login("kmsuser", KMSUSER_PASSWORD) is None
    assert cloudhsm_kms.cloudhsm().cluster(entry["ClusterId"]) is cluster


def test_the_cloudhsm_cluster_fixture_is_a_ready_cluster(cloudhsm_kms, cloudhsm_cluster) -> None:
    cluster = cloudhsm_kms.cloudhsm().cluster(cloudhsm_cluster["ClusterId"])
    assert cloudhsm_cluster["State"] == "ACTIVE" and len(cluster.active_hsms()) == 2


def test_ready_clusters_are_unrelated_to_each_other(service: CloudHsmService) -> None:
    one, two = service.create_ready_cluster(), service.create_ready_cluster()
    assert one.cluster_certificate != two.cluster_certificate
    assert one.trust_anchor == two.trust_anchor


def test_a_ready_cluster_leaves_no_timer_that_changes_it(service: CloudHsmService) -> None:
    cluster = service.create_ready_cluster()
    before = cluster.describe()
    service.clock.advance(3600)
    assert cluster.describe() == before


def test_a_ready_cluster_takes_hsm_count_and_zones(service: CloudHsmService) -> None:
    cluster = service.create_ready_cluster(
        hsm_count=3, availability_zones=["us-east-1c", "us-east-1d"], kmsuser_password="other123")
    assert [h.availability_zone for h in cluster.active_hsms()] == [
        "us-east-1c", "us-east-1d", "us-east-1c"]
    assert cluster.login("kmsuser", "other123") is None
    assert service.create_ready_cluster(hsm_count=0).active_hsms() == []
    for kwargs in ({"hsm_count": 29}, {"availability_zones": ["us-east-1a", "us-east-1a"]},
                   {"kmsuser_password": "short"}):
        with pytest.raises(ValueError):
            service.create_ready_cluster(**kwargs)


def test_a_ready_cluster_is_built_through_the_operation_handlers_as_setup_calls(
    monkeypatch: pytest.MonkeyPatch, service: CloudHsmService
) -> None:
    seen: list[tuple[str, str]] = []
    for operation in OPERATIONS.values():
        def spy(svc: Any, ctx: Any, params: Any, handler: Any = operation.handler) -> Any:
            seen.append((ctx.operation, ctx.source))
            return handler(svc, ctx, params)
        monkeypatch.setattr(operation, "handler", spy)
    service.create_ready_cluster(hsm_count=2)
    # One HSM until the cluster is initialized (docs/aws-behaviour.md §6.2), then the other.
    assert seen == [("CreateCluster", "setup"), ("CreateHsm", "setup"),
                    ("InitializeCluster", "setup"), ("CreateHsm", "setup")]
    seen.clear()
    service.create_ready_cluster(hsm_count=0)
    assert seen[-1] == ("DeleteHsm", "setup")


def test_every_cloudhsmv2_operation_is_declared_once_with_its_handler() -> None:
    assert set(OPERATIONS) == set(service_model("cloudhsmv2").operation_names)
    assert all(callable(op.handler) and name == op.name for name, op in OPERATIONS.items())


def test_the_dispatch_table_is_the_declarations() -> None:
    assert dict(OPERATIONS) == DECLARED
    with pytest.raises(RuntimeError, match="DescribeClusters is declared twice"):
        Operation("DescribeClusters").handles(DECLARED["DescribeClusters"].handler)
    assert DECLARED["DescribeClusters"] is OPERATIONS["DescribeClusters"]


def test_an_operation_that_runs_in_some_cluster_states_declares_their_refusal() -> None:
    with pytest.raises(ValueError, match="declare 'cluster_state'"):
        Operation("DeleteCluster", cluster_event="delete")
    refusal = DECLARED["DeleteCluster"].error("cluster_state", cluster="cluster-x", state="X")
    assert refusal.message == "Cluster cluster-x cannot be deleted in state X."


def test_the_same_seed_gives_the_same_ids_and_ciphertext() -> None:
    def run() -> tuple[str, bytes]:
        service = CloudHsmService(Scope("111122223333", "us-east-1", VirtualClock(0, ticking=False),
                                        Entropy("seed")))
        cluster = service.create_ready_cluster()
        handle = cluster.create_key(LABEL)
        return cluster.cluster_id, cluster.encrypt(handle, IV, b"data", b"")

    assert run() == run()


# -- key objects and AES-256-GCM ---------------------------------------------------------------


def test_keys_encrypt_and_decrypt_with_aes_256_gcm(service: CloudHsmService) -> None:
    cluster = service.create_ready_cluster()
    handle = cluster.create_key(LABEL)
    assert cluster.has_key(handle) and cluster.find_keys(LABEL) == [handle]
    assert cluster.keys[handle].owner == "kmsuser" and len(cluster.keys[handle].material) == 32
    sealed = cluster.encrypt(handle, IV, b"plaintext", b"context")
    assert len(sealed) == len(b"plaintext") + 16
    assert cluster.decrypt(handle, IV, sealed, b"context") == b"plaintext"
    assert reason(cluster.decrypt, handle, IV, sealed, b"other context") == "DECRYPT_FAILED"
    tampered = bytes([sealed[0] ^ 1]) + sealed[1:]
    assert reason(cluster.decrypt, handle, IV, tampered, b"context") == "DECRYPT_FAILED"
    other = cluster.create_key(LABEL)
    assert other != handle and cluster.find_keys(LABEL) == [handle, other]
    assert reason(cluster.decrypt, other, IV, sealed, b"context") == "DECRYPT_FAILED"


def test_a_deleted_key_is_not_found(service: CloudHsmService) -> None:
    cluster = service.create_ready_cluster()
    handle = cluster.create_key(LABEL)
    cluster.delete_key(handle)
    assert not cluster.has_key(handle) and cluster.find_keys(LABEL) == []
    assert reason(cluster.encrypt, handle, IV, b"x", b"") == "KEY_NOT_FOUND"
    assert reason(cluster.decrypt, handle, IV, b"x" * 17, b"") == "KEY_NOT_FOUND"
    assert reason(cluster.delete_key, handle) == "KEY_NOT_FOUND"


def test_nothing_works_without_an_active_hsm_and_hiding_hsms_is_undone_exactly(
    service: CloudHsmService,
) -> None:
    cluster = service.create_ready_cluster()
    handle = cluster.create_key(LABEL)
    sealed = cluster.encrypt(handle, IV, b"data", b"")
    hidden = dict(cluster.hsms)
    cluster.hsms.clear()
    assert cluster.active_hsms() == [] and not cluster.has_key(handle)
    assert cluster.find_keys(LABEL) == []
    for call, args in [(cluster.create_key, (LABEL,)), (cluster.encrypt, (handle, IV, b"d", b"")),
                       (cluster.decrypt, (handle, IV, sealed, b"")),
                       (cluster.generate_random, (8,)), (cluster.delete_key, (handle,))]:
        assert reason(call, *args) == "NO_ACTIVE_HSM"
    cluster.hsms.update(hidden)
    assert cluster.decrypt(handle, IV, sealed, b"") == b"data"


def test_hiding_a_key_object_is_undone_exactly(service: CloudHsmService) -> None:
    cluster = service.create_ready_cluster()
    handle = cluster.create_key(LABEL)
    sealed = cluster.encrypt(handle, IV, b"data", b"")
    key = cluster.keys.pop(handle)
    assert reason(cluster.decrypt, handle, IV, sealed, b"") == "KEY_NOT_FOUND"
    cluster.keys[handle] = key
    assert cluster.decrypt(handle, IV, sealed, b"") == b"data"


def test_generate_random_gives_n_bytes_from_the_hsms(service: CloudHsmService) -> None:
    cluster = service.create_ready_cluster()
    assert len(cluster.generate_random(1024)) == 1024
    assert cluster.generate_random(16) != cluster.generate_random(16)


def test_key_material_never_leaves_through_the_api(cloudhsm_kms, cloudhsmv2_client) -> None:
    cluster = cloudhsm_kms.cloudhsm().create_ready_cluster()
    material = cluster.keys[cluster.create_key(LABEL)].material
    cloudhsm_kms.clock.advance(86_400)
    text = repr(cloudhsmv2_client.describe_clusters()) + repr(cloudhsmv2_client.describe_backups())
    assert material.hex() not in text and repr(material) not in text
    assert "material" not in repr(cluster.keys)


# -- users and logins -----------------------------------------------------------------------------


def test_login_succeeds_with_the_password_and_opens_a_kms_session(service: CloudHsmService) -> None:
    cluster = service.create_ready_cluster()
    assert cluster.login("kmsuser", KMSUSER_PASSWORD) is None
    assert cluster.users["kmsuser"].kms_session
    cluster.logout("kmsuser")
    assert not cluster.users["kmsuser"].kms_session
    cluster.logout("nobody")  # no error


def test_five_failed_logins_lock_the_user_until_the_password_is_changed(
    service: CloudHsmService,
) -> None:
    cluster = service.create_ready_cluster()
    for attempt in range(1, 6):
        assert cluster.login("kmsuser", "wrong-password") == "INVALID_CREDENTIALS"
        assert cluster.users["kmsuser"].failed_logins == attempt
    assert cluster.users["kmsuser"].locked
    assert cluster.login("kmsuser", KMSUSER_PASSWORD) == "USER_LOCKED_OUT"
    cluster.set_password("kmsuser", "newPassw0rd")
    assert cluster.login("kmsuser", KMSUSER_PASSWORD) == "INVALID_CREDENTIALS"
    assert cluster.login("kmsuser", "newPassw0rd") is None
    assert cluster.users["kmsuser"].failed_logins == 0


def test_login_reports_a_missing_user_and_a_user_logged_in_elsewhere(
    service: CloudHsmService,
) -> None:
    cluster = service.create_ready_cluster()
    assert cluster.login("nobody", "whatever1") == "USER_NOT_FOUND"
    service.log_in_elsewhere(cluster.cluster_id, "kmsuser")
    assert cluster.login("kmsuser", KMSUSER_PASSWORD) == "USER_LOGGED_IN"
    service.log_in_elsewhere(cluster.cluster_id, "kmsuser", logged_in=False)
    assert cluster.login("kmsuser", KMSUSER_PASSWORD) is None
    assert reason(cluster.set_password, "nobody", "password1") == "USER_NOT_FOUND"


def test_user_helpers_create_lock_and_delete_crypto_users(service: CloudHsmService) -> None:
    cluster = service.create_ready_cluster()
    user = service.create_user(cluster.cluster_id, "appuser", "appPassw0rd")
    assert (user.username, user.role) == ("appuser", "CU")
    assert cluster.login("appuser", "appPassw0rd") is None
    service.lock_user(cluster.cluster_id, "appuser")
    assert cluster.login("appuser", "appPassw0rd") == "USER_LOCKED_OUT"
    service.delete_user(cluster.cluster_id, "kmsuser")
    assert cluster.login("kmsuser", KMSUSER_PASSWORD) == "USER_NOT_FOUND"
    assert reason(service.delete_user, cluster.cluster_id, "kmsuser") == "USER_NOT_FOUND"
    with pytest.raises(ValueError):
        service.create_user(cluster.cluster_id, "appuser", "appPassw0rd")
    with pytest.raises(ValueError):
        service.create_user(cluster.cluster_id, "x" * 32, "appPassw0rd")
    with pytest.raises(LookupError):
        service.create_user("cluster-zzzzzzzzzzz", "someone", "appPassw0rd")
    cluster.hsms.clear()
    assert reason(service.create_user, cluster.cluster_id, "late", "appPassw0rd") == (
        "NO_ACTIVE_HSM")


def test_users_and_keys_are_restored_from_backups_without_sessions(
    service: CloudHsmService
) -> None:
    cluster = service.create_ready_cluster(hsm_count=1)
    assert cluster.login("kmsuser", KMSUSER_PASSWORD) is None
    service.replace_hsm(cluster.cluster_id, cluster.active_hsms()[0].hsm_id)
    assert not cluster.users["kmsuser"].kms_session
    assert cluster.login("kmsuser", KMSUSER_PASSWORD) is None


def test_activation_needs_an_initialized_cluster(service: CloudHsmService) -> None:
    cluster = service.create_ready_cluster()
    with pytest.raises(ValueError, match="INITIALIZED"):
        service.activate_cluster(cluster.cluster_id)
    with pytest.raises(LookupError):
        service.activate_cluster("cluster-zzzzzzzzzzz")
