"""Real X.509 for clusters: the cluster CSR, hardware certificates, the InitializeCluster checks.

RSA key generation is slow, so the process makes two RSA-2048 keys, lazily,
and reuses them: the *HSM key* (the key of every cluster CSR and of the
hardware certificates; CSR subjects differ per cluster) and the *customer CA
key* that signs the cluster certificates of ready-made clusters. Both come from
:func:`~pytest_cloudhsm_kms.rsa_keys.rsa_key`, so they are the same in every
process; with everything else about a certificate fixed (subject, serial
number, validity) and PKCS #1 v1.5 signatures deterministic, so is every PEM.
"""

from __future__ import annotations

import datetime
import functools

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from ..rsa_keys import rsa_key

__all__ = [
    "MAX_TRUST_ANCHOR_CHARS",
    "ca_certificate",
    "check_initialization",
    "cluster_csr",
    "hardware_certificates",
    "ready_cluster_certificate",
]

MAX_TRUST_ANCHOR_CHARS = 5000
"""The User Guide's limit on the trust anchor (the model allows 20000)."""

TRUST_ANCHOR_KEY_SIZES = (2048, 4096)
"""RSA sizes the User Guide allows for the trust anchor."""

_NOT_BEFORE = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
_NOT_AFTER = datetime.datetime(2054, 1, 1, tzinfo=datetime.timezone.utc)
_ORGANIZATION = "pytest-cloudhsm-kms"


def _name(common_name: str, unit: str | None = None) -> x509.Name:
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, _ORGANIZATION),
    ]
    if unit:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


def _pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


def _certificate(
    subject: x509.Name,
    issuer: x509.Name,
    public_key: rsa.RSAPublicKey,
    signing_key: rsa.RSAPrivateKey,
    serial: int,
    *,
    ca: bool,
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(serial)
        .not_valid_before(_NOT_BEFORE)
        .not_valid_after(_NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    return builder.sign(signing_key, hashes.SHA256())


@functools.cache
def _hsm_key() -> rsa.RSAPrivateKey:
    """The one key pair every fake HSM uses (cluster CSRs, hardware certificates)."""
    return rsa_key(2048, "HSM")


@functools.cache
def _customer_ca() -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = rsa_key(2048, "customer CA")
    name = _name("pytest-cloudhsm-kms customer CA")
    return key, _certificate(name, name, key.public_key(), key, 1, ca=True)


@functools.cache
def ca_certificate() -> str:
    """PEM of the self-signed customer CA (``customerCA.crt``) of ready-made clusters."""
    return _pem(_customer_ca()[1])


@functools.cache
def hardware_certificates() -> tuple[str, str, str]:
    """``(HsmCertificate, AwsHardwareCertificate, ManufacturerHardwareCertificate)`` PEMs.

    All certify the HSM key and are signed by it: one key stands for the
    whole hardware chain, which no client can check anyway.
    """
    key = _hsm_key()
    public = key.public_key()
    hardware = _name("HSM hardware", "CloudHSM")
    hsm = _certificate(_name("HSM", "CloudHSM"), hardware, public, key, 2, ca=False)
    aws = _certificate(hardware, _name("AWS CloudHSM root"), public, key, 3, ca=True)
    manufacturer = _certificate(hardware, _name("HSM manufacturer root"), public, key, 4, ca=True)
    return _pem(hsm), _pem(aws), _pem(manufacturer)


@functools.lru_cache(maxsize=256)
def cluster_csr(common_name: str) -> str:
    """A PEM CSR for the HSM key with ``CN=<common_name>`` (the cluster ID); remembered."""
    request = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(_name(common_name, "CloudHSM"))
        .sign(_hsm_key(), hashes.SHA256())
    )
    return request.public_bytes(serialization.Encoding.PEM).decode("ascii")


_READY: dict[int, str] = {}


def ready_cluster_certificate(index: int) -> str:
    """The ``index``-th cluster certificate signed by :func:`ca_certificate`.

    Made once per process and index. A Region's service hands out indexes in
    order, so the ready clusters of one environment all have different
    certificates (unrelated clusters), and a new environment reuses the
    certificates already made (fast).
    """
    pem = _READY.get(index)
    if pem is None:
        ca_key, ca = _customer_ca()
        certificate = _certificate(
            _name(f"ready cluster {index}", "CloudHSM"), ca.subject,
            _hsm_key().public_key(), ca_key, 1000 + index, ca=False,
        )
        pem = _READY[index] = _pem(certificate)
    return pem


def _load(pem: str) -> x509.Certificate | None:
    try:
        return x509.load_pem_x509_certificate(pem.encode("utf-8"))
    except Exception:  # any malformed input is just "not a certificate"
        return None


def _issued_by(certificate: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        certificate.verify_directly_issued_by(issuer)
    except Exception:  # wrong issuer name, bad signature or unsupported key
        return False
    return True


def _is_ca(certificate: x509.Certificate) -> bool:
    """Whether a v3 certificate says it is a CA (a v1 one, without extensions, may sign)."""
    try:
        extensions = certificate.extensions
    except Exception:
        return False
    if len(extensions) == 0:
        return True
    try:
        constraints = extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        return False
    return constraints.ca


def _certifies_hsm_key(certificate: x509.Certificate) -> bool:
    try:
        spki = serialization.PublicFormat.SubjectPublicKeyInfo
        der = serialization.Encoding.DER
        return bool(
            certificate.public_key().public_bytes(der, spki)
            == _hsm_key().public_key().public_bytes(der, spki)
        )
    except Exception:
        return False


@functools.lru_cache(maxsize=64)
def check_initialization(signed_cert: str, trust_anchor: str) -> str | None:
    """Why InitializeCluster must refuse these certificates, or ``None`` if they are right.

    The trust anchor must be a self-signed root CA certificate (RSA 2048 or
    4096, Basic Constraints CA when it has v3 extensions, at most 5000
    characters), and ``SignedCert`` must be signed by it and certify the
    public key of the cluster CSR, which is the HSM key for every cluster.
    The answer depends on the two PEMs only, so it is remembered.
    """
    if len(trust_anchor) > MAX_TRUST_ANCHOR_CHARS:
        return f"TrustAnchor must be at most {MAX_TRUST_ANCHOR_CHARS} characters long."
    anchor = _load(trust_anchor)
    if anchor is None:
        return "TrustAnchor is not a PEM-encoded X.509 certificate."
    signed = _load(signed_cert)
    if signed is None:
        return "SignedCert is not a PEM-encoded X.509 certificate."
    try:
        key = anchor.public_key()
    except Exception:
        key = None
    if not isinstance(key, rsa.RSAPublicKey) or key.key_size not in TRUST_ANCHOR_KEY_SIZES:
        return "TrustAnchor must have an RSA public key of 2048 or 4096 bits."
    if not _issued_by(anchor, anchor):
        return "TrustAnchor must be a self-signed root certificate."
    if not _is_ca(anchor):
        return "TrustAnchor must be a CA certificate: its Basic Constraints extension must set CA."
    if not _issued_by(signed, anchor):
        return "SignedCert is not signed by the TrustAnchor certificate."
    if not _certifies_hsm_key(signed):
        return "SignedCert does not certify the public key of the cluster CSR."
    return None
