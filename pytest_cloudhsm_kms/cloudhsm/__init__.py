"""The fake AWS CloudHSM v2: clusters, HSMs, backups, users and the key vault."""

from .model import Backup, BackupState, Cluster, ClusterState, Hsm, HsmState
from .network import Subnet
from .service import ADMIN_PASSWORD, KMSUSER_PASSWORD, CloudHsmService
from .vault import CryptoUser, KeyObject, VaultError, VaultSnapshot

__all__ = [
    "ADMIN_PASSWORD",
    "KMSUSER_PASSWORD",
    "Backup",
    "BackupState",
    "CloudHsmService",
    "Cluster",
    "ClusterState",
    "CryptoUser",
    "Hsm",
    "HsmState",
    "KeyObject",
    "Subnet",
    "VaultError",
    "VaultSnapshot",
]
