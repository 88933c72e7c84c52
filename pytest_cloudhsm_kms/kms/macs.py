"""HMAC KMS keys: GenerateMac and VerifyMac (RFC 2104 HMAC with ``hmac`` from the stdlib).

An ``HMAC_<n>`` key holds an n-bit secret and takes only the ``HMAC_SHA_<n>``
algorithm; any other is ``InvalidKeyUsageException``. A MAC that does not verify
is ``KMSInvalidMacException``, never ``MacValid: false``.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from ..context import RequestContext
from .checks import check_algorithm_of, dry_run
from .declaration import InCloudHsm, crypto_operation, declared_error
from .family import Family
from .model import Key, MacMaterial

__all__ = ["MAC_KEY_BYTES", "Macs"]

MAC_KEY_BYTES = {"HMAC_224": 28, "HMAC_256": 32, "HMAC_384": 48, "HMAC_512": 64}
"""The secret length of each HMAC key spec."""

_DIGESTS = {
    "HMAC_SHA_224": hashlib.sha224, "HMAC_SHA_256": hashlib.sha256,
    "HMAC_SHA_384": hashlib.sha384, "HMAC_SHA_512": hashlib.sha512,
}

_mac_operation = functools.partial(
    crypto_operation, counted=True, tracked=True, dry_run=True,
    in_cloudhsm=InCloudHsm.WRONG_KEY_USAGE, grant_kinds={"GENERATE_VERIFY_MAC"})


@dataclass(eq=False)
class Macs(Family):
    """The HMAC operations of one account and Region."""

    @_mac_operation()
    def GenerateMac(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        key, algorithm = self._mac_key(ctx, p)
        dry_run(p)
        return {"Mac": _mac(key, algorithm, p["Message"]), "MacAlgorithm": algorithm,
                "KeyId": key.arn}

    @_mac_operation(messages={
        "invalid_mac": ("KMSInvalidMacException", None),  # recorded, docs/aws-behaviour.md §11.2
    })
    def VerifyMac(self, ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
        key, algorithm = self._mac_key(ctx, p)
        dry_run(p)
        if not hmac.compare_digest(_mac(key, algorithm, p["Message"]), p["Mac"]):
            raise declared_error(ctx, "invalid_mac")
        return {"KeyId": key.arn, "MacValid": True, "MacAlgorithm": algorithm}

    def _mac_key(self, ctx: RequestContext, p: dict[str, Any]) -> tuple[Key, str]:
        key = self.check.usable(ctx, self.registry.key(p["KeyId"]), "GENERATE_VERIFY_MAC")
        algorithm: str = p["MacAlgorithm"]
        check_algorithm_of(key, algorithm)
        return key, algorithm


def _mac(key: Key, algorithm: str, message: bytes) -> bytes:
    material = key.material
    assert isinstance(material, MacMaterial) and material.secret is not None
    return hmac.new(material.secret, message, _DIGESTS[algorithm]).digest()
