"""HMAC KMS keys: GenerateMac and VerifyMac (RFC 2104 HMAC with ``hmac`` from the stdlib).

An ``HMAC_<n>`` key holds an n-bit secret and takes only the ``HMAC_SHA_<n>``
algorithm; any other is ``InvalidKeyUsageException``. A MAC that does not verify
is ``KMSInvalidMacException``, never ``MacValid: false``.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from ..errors import ServiceError
from .base import OperationsBase, dry_run
from .keys import Key, MacMaterial

__all__ = ["MAC_KEY_BYTES", "MacOperations"]

MAC_KEY_BYTES = {"HMAC_224": 28, "HMAC_256": 32, "HMAC_384": 48, "HMAC_512": 64}
"""The secret length of each HMAC key spec."""

_DIGESTS = {
    "HMAC_SHA_224": hashlib.sha224, "HMAC_SHA_256": hashlib.sha256,
    "HMAC_SHA_384": hashlib.sha384, "HMAC_SHA_512": hashlib.sha512,
}


class MacOperations(OperationsBase):
    """The HMAC operations of :class:`~.service.KmsService` (a mixin)."""

    def GenerateMac(self, p: dict[str, Any]) -> dict[str, Any]:
        key, algorithm = self._mac_key(p)
        dry_run(p)
        return {"Mac": _mac(key, algorithm, p["Message"]), "MacAlgorithm": algorithm,
                "KeyId": key.arn}

    def VerifyMac(self, p: dict[str, Any]) -> dict[str, Any]:
        key, algorithm = self._mac_key(p)
        dry_run(p)
        if not hmac.compare_digest(_mac(key, algorithm, p["Message"]), p["Mac"]):
            raise ServiceError("KMSInvalidMacException", None)
        return {"KeyId": key.arn, "MacValid": True, "MacAlgorithm": algorithm}

    def _mac_key(self, p: dict[str, Any]) -> tuple[Key, str]:
        key = self._crypto_key(p["KeyId"], "GENERATE_VERIFY_MAC")
        algorithm: str = p["MacAlgorithm"]
        self._check_algorithm_of(key, algorithm, "MacAlgorithms")
        return key, algorithm


def _mac(key: Key, algorithm: str, message: bytes) -> bytes:
    material = key.material
    assert isinstance(material, MacMaterial) and material.secret is not None
    return hmac.new(material.secret, message, _DIGESTS[algorithm]).digest()
