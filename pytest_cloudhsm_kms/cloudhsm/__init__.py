"""The fake AWS CloudHSM v2: clusters, HSMs, backups, users and the key vault."""
