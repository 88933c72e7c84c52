"""The KMS Developer Guide's AWS CloudHSM key store walk, end to end, through boto3 clients.

Only the steps AWS does outside its APIs use the fake's helpers: ``cluster
activate`` and ``user create`` of the CloudHSM CLI. The customer CA that signs
the cluster CSR is made here with ``cryptography``, as ``openssl`` makes it in
the User Guide.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from fidelity import assert_valid_output
from helpers import cluster_entry, store_state

SUBNETS = ["subnet-0f1e2d3c4b5a60001", "subnet-0f1e2d3c4b5a60002"]
KMSUSER_PASSWORD = "kmsuserGuide7"
NOT_BEFORE = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def customer_ca() -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """``customerCA.key`` and ``customerCA.crt``: a self-signed RSA-2048 root CA."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    certificate = (
        x509.CertificateBuilder().subject_name(_name("customerCA")).issuer_name(_name("customerCA"))
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(NOT_BEFORE).not_valid_after(NOT_BEFORE + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def sign(csr_pem: str, ca_key: rsa.RSAPrivateKey, ca: x509.Certificate) -> str:
    """``openssl x509 -req -in <cluster>_ClusterCsr.csr -CA customerCA.crt ...``."""
    csr = x509.load_pem_x509_csr(csr_pem.encode())
    signed = (
        x509.CertificateBuilder().subject_name(csr.subject).issuer_name(ca.subject)
        .public_key(csr.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(NOT_BEFORE).not_valid_after(NOT_BEFORE + datetime.timedelta(days=3650))
        .sign(ca_key, hashes.SHA256())
    )
    return signed.public_bytes(serialization.Encoding.PEM).decode()


def checked(service: str, response: dict[str, Any], operation: str) -> dict[str, Any]:
    assert_valid_output(service, operation, response)
    return response


def wait_for_connection(cloudhsm_kms: Any, kms: Any, store_id: str) -> None:
    """Poll as the guide says (connecting can take minutes), sleeping on the virtual clock."""
    for _ in range(60):
        state = store_state(kms, store_id)
        if state != "CONNECTING":
            assert state == "CONNECTED"
            return
        cloudhsm_kms.clock.advance(30.0)
    pytest.fail("the key store never connected")


def test_the_developer_guide_walk_from_a_new_cluster_to_a_deleted_key_store(
    cloudhsm_kms, kms_client, cloudhsmv2_client
) -> None:
    kms, hsm = kms_client, cloudhsmv2_client
    # KMS takes its time to connect.
    cloudhsm_kms.settings = cloudhsm_kms.settings.replace(connect_delay=120.0)

    # Create a cluster and its first HSM, initialize and activate it, then add an HSM in a
    # second Availability Zone (an uninitialized cluster holds one HSM).
    created = checked("cloudhsmv2", hsm.create_cluster(HsmType="hsm2m.medium",
                                                       SubnetIds=SUBNETS), "CreateCluster")
    cluster_id = created["Cluster"]["ClusterId"]
    first_zone, second_zone = sorted(created["Cluster"]["SubnetMapping"])[:2]
    checked("cloudhsmv2", hsm.create_hsm(ClusterId=cluster_id, AvailabilityZone=first_zone),
            "CreateHsm")
    csr = cluster_entry(hsm, cluster_id)["Certificates"]["ClusterCsr"]
    ca_key, ca = customer_ca()
    trust_anchor = ca.public_bytes(serialization.Encoding.PEM).decode()
    checked("cloudhsmv2", hsm.initialize_cluster(
        ClusterId=cluster_id, SignedCert=sign(csr, ca_key, ca), TrustAnchor=trust_anchor,
    ), "InitializeCluster")
    assert cluster_entry(hsm, cluster_id)["State"] == "INITIALIZED"
    cloudhsm_kms.cloudhsm().activate_cluster(cluster_id)  # CloudHSM CLI: cluster activate
    cloudhsm_kms.cloudhsm().create_user(cluster_id, "kmsuser", KMSUSER_PASSWORD)  # user create
    checked("cloudhsmv2", hsm.create_hsm(ClusterId=cluster_id, AvailabilityZone=second_zone),
            "CreateHsm")
    cluster = cluster_entry(hsm, cluster_id)
    assert cluster["State"] == "ACTIVE"
    assert len({h["AvailabilityZone"] for h in cluster["Hsms"] if h["State"] == "ACTIVE"}) == 2

    # Create the key store and connect it.
    store_id = checked("kms", kms.create_custom_key_store(
        CustomKeyStoreName="ExampleKeyStore", CloudHsmClusterId=cluster_id,
        TrustAnchorCertificate=trust_anchor, KeyStorePassword=KMSUSER_PASSWORD,
    ), "CreateCustomKeyStore")["CustomKeyStoreId"]
    assert store_state(kms, store_id) == "DISCONNECTED"
    checked("kms", kms.connect_custom_key_store(CustomKeyStoreId=store_id),
            "ConnectCustomKeyStore")
    assert store_state(kms, store_id) == "CONNECTING"
    wait_for_connection(cloudhsm_kms, kms, store_id)

    # Create a KMS key in it and encrypt with it.
    metadata = checked("kms", kms.create_key(
        Origin="AWS_CLOUDHSM", CustomKeyStoreId=store_id, Description="Example key",
    ), "CreateKey")["KeyMetadata"]
    key_id, arn = metadata["KeyId"], metadata["Arn"]
    assert (metadata["CloudHsmClusterId"], metadata["KeyState"]) == (cluster_id, "Enabled")
    blob = checked("kms", kms.encrypt(
        KeyId=key_id, Plaintext=b"guide", EncryptionContext={"step": "encrypt"},
    ), "Encrypt")["CiphertextBlob"]

    # Disconnect: the key is Unavailable and its cryptography is refused.
    checked("kms", kms.disconnect_custom_key_store(CustomKeyStoreId=store_id),
            "DisconnectCustomKeyStore")
    assert store_state(kms, store_id) == "DISCONNECTED"
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Unavailable"
    with pytest.raises(kms.exceptions.KMSInvalidStateException) as refused:
        kms.decrypt(CiphertextBlob=blob, EncryptionContext={"step": "encrypt"})
    assert refused.value.response["Error"]["Message"] == f"{arn} is unavailable."

    # Reconnect and decrypt.
    kms.connect_custom_key_store(CustomKeyStoreId=store_id)
    wait_for_connection(cloudhsm_kms, kms, store_id)
    decrypted = checked("kms", kms.decrypt(
        CiphertextBlob=blob, EncryptionContext={"step": "encrypt"}), "Decrypt")
    assert (decrypted["Plaintext"], decrypted["KeyId"]) == (b"guide", arn)

    # Schedule the key's deletion and let the waiting period end.
    scheduled = checked("kms", kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7),
                        "ScheduleKeyDeletion")
    assert scheduled["KeyState"] == "PendingDeletion"
    cloudhsm_kms.clock.advance(7 * 86_400.0)
    with pytest.raises(ClientError) as gone:
        kms.describe_key(KeyId=key_id)
    assert gone.value.response["Error"]["Code"] == "NotFoundException"
    assert cloudhsm_kms.cloudhsm().cluster(cluster_id).find_keys(arn) == []

    # Disconnect and delete the key store; the cluster stays.
    kms.disconnect_custom_key_store(CustomKeyStoreId=store_id)
    checked("kms", kms.delete_custom_key_store(CustomKeyStoreId=store_id), "DeleteCustomKeyStore")
    listed = checked("kms", kms.describe_custom_key_stores(), "DescribeCustomKeyStores")
    assert listed["CustomKeyStores"] == []
    assert cluster_entry(hsm, cluster_id)["State"] == "ACTIVE"
