"""A seed repeats a test's world in another process too: RSA key pairs and cluster
certificates included (OAEP ciphertexts are randomized, by AWS too)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_cloudhsm_kms import rsa_keys

pytest_plugins = ["pytester"]

DUMP = """
import json, os

def test_dump(kms_client, cloudhsmv2_client, cloudhsm_cluster):
    rsa = kms_client.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
    symmetric = kms_client.create_key()["KeyMetadata"]["KeyId"]
    pair = kms_client.generate_data_key_pair_without_plaintext(
        KeyId=symmetric, KeyPairSpec="RSA_2048")
    blob = kms_client.encrypt(KeyId=rsa["KeyId"], Plaintext=b"x",
                              EncryptionAlgorithm="RSAES_OAEP_SHA_256")["CiphertextBlob"]
    cluster = cloudhsmv2_client.describe_clusters()["Clusters"][0]
    hsm = cloudhsmv2_client.create_cluster(
        HsmType="hsm2m.medium", SubnetIds=["subnet-0123456789abcdef0"])["Cluster"]
    with open(os.environ["SEEDED_DUMP"], "w") as out:
        json.dump({
            "rsa key": rsa["KeyId"],
            "rsa public key": kms_client.get_public_key(KeyId=rsa["KeyId"])["PublicKey"].hex(),
            "data key pair public key": pair["PublicKey"].hex(),
            "cluster": cluster["ClusterId"],
            "certificates": cluster["Certificates"],
            "new cluster": hsm["ClusterId"],
            "oaep ciphertext": blob.hex(),
        }, out, sort_keys=True)
"""


def _run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, name: str) -> dict[str, str]:
    dump = pytester.path / f"{name}.json"
    monkeypatch.setenv("SEEDED_DUMP", str(dump))
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    answer: dict[str, str] = json.loads(Path(dump).read_text())
    return answer


def test_a_seed_repeats_rsa_keys_and_certificates_in_another_process(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytester.makeini("[pytest]\ncloudhsm_kms_seed = 7\n")
    pytester.makepyfile(test_dump=DUMP)
    first, second = _run(pytester, monkeypatch, "first"), _run(pytester, monkeypatch, "second")
    oaep = first.pop("oaep ciphertext"), second.pop("oaep ciphertext")
    assert first == second
    assert oaep[0] != oaep[1]  # RSAES-OAEP pads with fresh randomness (docs/aws-behaviour.md §4)
    assert set(first["certificates"]) >= {"HsmCertificate", "ClusterCertificate"}


def test_the_recorded_prime_positions_are_where_the_search_finds_the_primes() -> None:
    """Recorded positions only save time: each is where the full search finds its prime,
    so a recorded key is the key the search derives."""
    for (bits, label), positions in rsa_keys._POSITIONS.items():
        if bits == 2048:
            assert rsa_keys.prime_positions(bits, label) == positions, label
        else:  # a full search of larger primes takes seconds each: OpenSSL vouches instead
            assert rsa_keys._derive(bits, label, positions)[1] == positions, label
    key = rsa_keys.rsa_key(2048, "HSM").private_numbers()
    assert key.p * key.q == key.public_numbers.n
    assert key.public_numbers.e == 65537
