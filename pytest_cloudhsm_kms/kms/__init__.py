"""The fake AWS KMS: keys, aliases, custom key stores, ciphertext."""
