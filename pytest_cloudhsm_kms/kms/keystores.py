"""Custom key stores of type ``AWS_CLOUDHSM`` and their connection state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["ConnectionState", "CustomKeyStore"]


class ConnectionState:
    """The ``ConnectionState`` values of the KMS API."""

    CONNECTED = "CONNECTED"
    CONNECTING = "CONNECTING"
    FAILED = "FAILED"
    DISCONNECTED = "DISCONNECTED"
    DISCONNECTING = "DISCONNECTING"


@dataclass(eq=False)
class CustomKeyStore:
    """A custom key store. A new one is ``DISCONNECTED`` until ConnectCustomKeyStore."""

    custom_key_store_id: str
    custom_key_store_name: str
    cloud_hsm_cluster_id: str
    trust_anchor_certificate: str
    key_store_password: str
    creation_date: float
    connection_state: str = ConnectionState.DISCONNECTED
    connection_error_code: str | None = None
    custom_key_store_type: str = "AWS_CLOUDHSM"

    @property
    def connected(self) -> bool:
        """Whether its keys are available."""
        return self.connection_state == ConnectionState.CONNECTED

    def entry(self) -> dict[str, Any]:
        """The ``CustomKeyStoresListEntry`` of DescribeCustomKeyStores."""
        entry: dict[str, Any] = {
            "CustomKeyStoreId": self.custom_key_store_id,
            "CustomKeyStoreName": self.custom_key_store_name,
            "CloudHsmClusterId": self.cloud_hsm_cluster_id,
            "TrustAnchorCertificate": self.trust_anchor_certificate,
            "ConnectionState": self.connection_state,
            "CreationDate": self.creation_date,
            "CustomKeyStoreType": self.custom_key_store_type,
        }
        if self.connection_state == ConnectionState.FAILED and self.connection_error_code:
            entry["ConnectionErrorCode"] = self.connection_error_code
        return entry
