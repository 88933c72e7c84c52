# ruff: noqa: E501  (the node ids of the recordings, one per line, are long)
"""The recordings of real AWS KMS answers this suite checks the fake against.

Source: LocalStack's AWS-validated KMS parity tests, ``tests/aws/services/kms/`` of
``localstack/localstack`` (Apache License 2.0, copyright LocalStack contributors),
commit ``8b9a79f05846835cf4dff63ab7eefdde9df83783``: the answers are recorded in
``test_kms.snapshot.json``, and the date each test last ran against real AWS in
``test_kms.validation.json``. Only tests with such a date are used, and none marked
``only_localstack`` or ``needs_fixing``. Our cases carry over the recorded facts
(codes, messages, statuses, members); the requests and scenarios are our own.
"""

from __future__ import annotations

__all__ = ["LEFT_OUT", "SOURCES"]

SOURCES: dict[str, str] = {
    "TestKMS::test_all_types_of_key_id_can_be_used_for_encryption": "2024-04-11",
    "TestKMS::test_cant_delete_deleted_key": "2024-04-11",
    "TestKMS::test_cant_use_disabled_or_deleted_keys": "2024-04-11",
    "TestKMS::test_create_alias": "2024-04-11",
    "TestKMS::test_create_grant_with_invalid_key": "2024-04-11",
    "TestKMS::test_create_grant_with_same_name_two_keys": "2024-04-11",
    "TestKMS::test_create_grant_with_valid_key": "2024-04-11",
    "TestKMS::test_create_key": "2025-11-10",
    "TestKMS::test_create_key_with_invalid_tag_key[lowercase_prefix]": "2025-01-22",
    "TestKMS::test_create_key_with_invalid_tag_key[too_long_key]": "2025-01-22",
    "TestKMS::test_create_key_with_invalid_tag_key[uppercase_prefix]": "2025-01-22",
    "TestKMS::test_create_key_with_tag_and_untag": "2025-01-10",
    "TestKMS::test_create_key_with_too_many_tags_raises_error": "2025-01-21",
    "TestKMS::test_create_list_delete_alias": "2024-04-11",
    "TestKMS::test_create_multi_region_key": "2025-11-10",
    "TestKMS::test_derive_shared_secret": "2024-12-25",
    "TestKMS::test_derive_shared_secret_matches_openssl": "2025-11-14",
    "TestKMS::test_describe_and_list_sign_key": "2024-04-11",
    "TestKMS::test_describe_with_alias_arn": "2025-08-05",
    "TestKMS::test_disable_and_enable_key": "2024-04-11",
    "TestKMS::test_encrypt_decrypt[RSA_2048-RSAES_OAEP_SHA_256]": "2024-04-11",
    "TestKMS::test_encrypt_decrypt[SYMMETRIC_DEFAULT-SYMMETRIC_DEFAULT]": "2024-04-11",
    "TestKMS::test_encrypt_decrypt_encryption_context": "2025-09-22",
    "TestKMS::test_encrypt_validate_plaintext_size_per_key_type[RSA_2048-RSAES_OAEP_SHA_1]": "2024-04-11",
    "TestKMS::test_encrypt_validate_plaintext_size_per_key_type[RSA_2048-RSAES_OAEP_SHA_256]": "2024-04-11",
    "TestKMS::test_encrypt_validate_plaintext_size_per_key_type[RSA_3072-RSAES_OAEP_SHA_1]": "2024-04-11",
    "TestKMS::test_encrypt_validate_plaintext_size_per_key_type[RSA_3072-RSAES_OAEP_SHA_256]": "2024-04-11",
    "TestKMS::test_encrypt_validate_plaintext_size_per_key_type[RSA_4096-RSAES_OAEP_SHA_1]": "2024-04-11",
    "TestKMS::test_encrypt_validate_plaintext_size_per_key_type[RSA_4096-RSAES_OAEP_SHA_256]": "2024-04-11",
    "TestKMS::test_error_messaging_for_invalid_keys": "2024-04-11",
    "TestKMS::test_generate_and_verify_mac[HMAC_224-HMAC_SHA_224]": "2024-04-11",
    "TestKMS::test_generate_and_verify_mac[HMAC_256-HMAC_SHA_256]": "2024-04-11",
    "TestKMS::test_generate_and_verify_mac[HMAC_384-HMAC_SHA_384]": "2024-04-11",
    "TestKMS::test_generate_and_verify_mac[HMAC_512-HMAC_SHA_512]": "2024-04-11",
    "TestKMS::test_generate_random[1024]": "2024-04-11",
    "TestKMS::test_generate_random[12]": "2024-04-11",
    "TestKMS::test_generate_random[1]": "2024-04-11",
    "TestKMS::test_generate_random[44]": "2024-04-11",
    "TestKMS::test_generate_random[91]": "2024-04-11",
    "TestKMS::test_generate_random_invalid_number_of_bytes[0]": "2024-04-11",
    "TestKMS::test_generate_random_invalid_number_of_bytes[1025]": "2024-04-11",
    "TestKMS::test_generate_random_invalid_number_of_bytes[None]": "2024-04-11",
    "TestKMS::test_get_key_does_not_exist": "2025-09-08",
    "TestKMS::test_get_key_in_different_region": "2025-11-10",
    "TestKMS::test_get_key_invalid_uuid": "2024-04-11",
    "TestKMS::test_get_parameters_for_import": "2024-04-11",
    "TestKMS::test_get_parameters_for_import_raises_for_non_external_kms_keys": "2025-11-10",
    "TestKMS::test_get_public_key": "2024-04-11",
    "TestKMS::test_get_put_list_key_policies": "2024-04-11",
    "TestKMS::test_hmac_create_key": "2025-11-10",
    "TestKMS::test_hmac_create_key_invalid_operations": "2023-04-13",
    "TestKMS::test_import_key_asymmetric": "2025-11-10",
    "TestKMS::test_import_key_ecc_keys[ECC_NIST_P256]": "2025-08-04",
    "TestKMS::test_import_key_ecc_keys[ECC_NIST_P384]": "2025-08-04",
    "TestKMS::test_import_key_ecc_keys[ECC_NIST_P521]": "2025-08-04",
    "TestKMS::test_import_key_ecc_keys[ECC_SECG_P256K1]": "2025-08-04",
    "TestKMS::test_import_key_hmac_keys[HMAC_224]": "2025-08-04",
    "TestKMS::test_import_key_hmac_keys[HMAC_256]": "2025-08-04",
    "TestKMS::test_import_key_hmac_keys[HMAC_384]": "2025-08-04",
    "TestKMS::test_import_key_hmac_keys[HMAC_512]": "2025-08-04",
    "TestKMS::test_import_key_material_raises_if_there_is_already_key_material_pending": "2025-11-10",
    "TestKMS::test_import_key_rsa_aes_wrap_sha256": "2025-07-22",
    "TestKMS::test_import_key_symmetric": "2025-11-10",
    "TestKMS::test_invalid_generate_mac[HMAC_224-HMAC_SHA_256]": "2024-04-11",
    "TestKMS::test_invalid_generate_mac[HMAC_256-INVALID]": "2024-04-11",
    "TestKMS::test_invalid_key_usage": "2024-04-11",
    "TestKMS::test_invalid_verify_mac[HMAC_256-HMAC_SHA_256-some different important message]": "2024-04-11",
    "TestKMS::test_invalid_verify_mac[HMAC_256-HMAC_SHA_512-some important message]": "2024-04-11",
    "TestKMS::test_invalid_verify_mac[HMAC_256-INVALID-some important message]": "2024-04-11",
    "TestKMS::test_key_enable_rotation_status[180]": "2025-03-02",
    "TestKMS::test_key_enable_rotation_status[90]": "2025-03-02",
    "TestKMS::test_key_rotation_status": "2024-04-11",
    "TestKMS::test_key_rotation_updates_current_key_material_id_for_aws_symmetric_keys": "2025-11-19",
    "TestKMS::test_key_rotations_encryption_decryption": "2026-02-09",
    "TestKMS::test_key_rotations_limits": "2025-04-03",
    "TestKMS::test_key_with_long_tag_value_raises_error": "2025-01-21",
    "TestKMS::test_list_aliases_of_key": "2024-04-11",
    "TestKMS::test_list_grants_with_invalid_key": "2024-04-11",
    "TestKMS::test_list_keys": "2024-04-11",
    "TestKMS::test_non_multi_region_keys_should_not_have_multi_region_properties": "2025-11-10",
    "TestKMS::test_plaintext_size_for_encrypt": "2024-04-11",
    "TestKMS::test_re_encrypt[RSA_2048-RSAES_OAEP_SHA_256]": "2025-06-09",
    "TestKMS::test_re_encrypt[SYMMETRIC_DEFAULT-SYMMETRIC_DEFAULT]": "2025-06-09",
    "TestKMS::test_re_encrypt_incorrect_source_key": "2025-06-09",
    "TestKMS::test_replicate_key": "2025-11-10",
    "TestKMS::test_replicate_replica_key_should_fail": "2025-09-08",
    "TestKMS::test_retire_grant_with_grant_token": "2024-04-11",
    "TestKMS::test_revoke_grant": "2024-04-11",
    "TestKMS::test_rotate_key_on_demand_for_external_keys_decrypts_with_previous_material": "2025-11-12",
    "TestKMS::test_rotate_key_on_demand_modifies_key_material": "2025-03-08",
    "TestKMS::test_rotate_key_on_demand_on_external_key_with_no_key_material[RSA_4096]": "2025-11-05",
    "TestKMS::test_rotate_key_on_demand_on_external_key_with_no_key_material[SYMMETRIC_DEFAULT]": "2025-11-05",
    "TestKMS::test_rotate_key_on_demand_raises_error_given_key_is_disabled": "2025-03-08",
    "TestKMS::test_rotate_key_on_demand_raises_error_given_key_that_does_not_exist": "2025-03-08",
    "TestKMS::test_rotate_key_on_demand_raises_error_given_key_with_imported_key_material": "2025-03-08",
    "TestKMS::test_rotate_key_on_demand_raises_error_given_non_symmetric_key": "2025-03-08",
    "TestKMS::test_rotate_key_on_demand_raises_for_no_pending_key_material": "2025-11-19",
    "TestKMS::test_rotate_key_on_demand_updates_current_key_material_for_external_keys": "2025-11-09",
    "TestKMS::test_rotate_key_on_demand_with_symmetric_key_and_automatic_rotation_disabled": "2025-11-10",
    "TestKMS::test_rotate_key_on_demand_with_symmetric_key_and_automatic_rotation_enabled": "2025-03-12",
    "TestKMS::test_rotate_on_demand_returns_arn_for_key_id": "2025-11-06",
    "TestKMS::test_schedule_and_cancel_key_deletion": "2024-04-11",
    "TestKMS::test_sign_verify[ECC_NIST_P256-ECDSA_SHA_256]": "2024-04-11",
    "TestKMS::test_sign_verify[ECC_NIST_P384-ECDSA_SHA_384]": "2024-04-11",
    "TestKMS::test_sign_verify[ECC_SECG_P256K1-ECDSA_SHA_256]": "2024-04-11",
    "TestKMS::test_sign_verify[RSA_2048-RSASSA_PSS_SHA_256]": "2024-04-11",
    "TestKMS::test_sign_verify[RSA_2048-RSASSA_PSS_SHA_384]": "2024-04-11",
    "TestKMS::test_sign_verify[RSA_2048-RSASSA_PSS_SHA_512]": "2024-04-11",
    "TestKMS::test_sign_verify[RSA_4096-RSASSA_PKCS1_V1_5_SHA_256]": "2024-04-11",
    "TestKMS::test_sign_verify[RSA_4096-RSASSA_PKCS1_V1_5_SHA_512]": "2024-04-11",
    "TestKMS::test_tag_existing_key_and_untag": "2025-01-10",
    "TestKMS::test_tag_existing_key_with_invalid_tag_key": "2025-01-21",
    "TestKMS::test_tag_key_with_duplicate_tag_keys_raises_error": "2025-01-17",
    "TestKMS::test_tag_untag_list_tags": "2024-04-11",
    "TestKMS::test_untag_key_partially": "2025-01-10",
    "TestKMS::test_update_alias": "2024-04-11",
    "TestKMS::test_update_and_add_tags_on_tagged_key": "2025-01-17",
    "TestKMS::test_update_key_description": "2024-04-11",
    "TestKMS::test_verify_salt_length[ECC_NIST_P256-ECDSA_SHA_256]": "2025-04-02",
    "TestKMS::test_verify_salt_length[ECC_NIST_P384-ECDSA_SHA_384]": "2025-04-02",
    "TestKMS::test_verify_salt_length[ECC_SECG_P256K1-ECDSA_SHA_256]": "2025-04-02",
    "TestKMS::test_verify_salt_length[RSA_2048-RSASSA_PSS_SHA_256]": "2025-04-02",
    "TestKMS::test_verify_salt_length[RSA_2048-RSASSA_PSS_SHA_384]": "2025-04-02",
    "TestKMS::test_verify_salt_length[RSA_2048-RSASSA_PSS_SHA_512]": "2025-04-02",
    "TestKMS::test_verify_salt_length[RSA_4096-RSASSA_PKCS1_V1_5_SHA_256]": "2025-04-02",
    "TestKMS::test_verify_salt_length[RSA_4096-RSASSA_PKCS1_V1_5_SHA_512]": "2025-04-02",
    "TestKMSGenerateKeys::test_encryption_context_generate_data_key": "2024-04-11",
    "TestKMSGenerateKeys::test_encryption_context_generate_data_key_pair": "2024-04-11",
    "TestKMSGenerateKeys::test_encryption_context_generate_data_key_pair_without_plaintext": "2024-04-11",
    "TestKMSGenerateKeys::test_encryption_context_generate_data_key_without_plaintext": "2024-04-11",
    "TestKMSGenerateKeys::test_generate_data_key": "2024-04-11",
    "TestKMSGenerateKeys::test_generate_data_key_pair": "2024-04-11",
    "TestKMSGenerateKeys::test_generate_data_key_pair_dry_run": "2025-04-06",
    "TestKMSGenerateKeys::test_generate_data_key_pair_without_plaintext": "2024-04-11",
    "TestKMSGenerateKeys::test_generate_data_key_pair_without_plaintext_dry_run": "2025-04-13",
    "TestKMSGenerateKeys::test_generate_data_key_without_plaintext": "2024-04-11",
}
"""Each validated test (``Class::test[param]``) and the date it last ran against AWS."""

LEFT_OUT: dict[str, str] = {
    "TestKMS::test_rotate_key_on_demand_raises_error_given_key_with_imported_key_material":
        "superseded: recorded 2025-03-08, when RotateKeyOnDemand refused EXTERNAL keys "
        "('origin is EXTERNAL which is not valid for this operation'); since AWS added "
        "on-demand rotation of imported key material (recorded 2025-11-09 and 2025-11-19 by "
        "the tests on external keys, which this suite checks), the same request answers "
        "'No available key material pending rotation' (docs/aws-behaviour.md §9)",
    "TestKMS::test_tag_untag_list_tags":
        "what it asked is not in the test code at the recorded commit (replaced by the "
        "tagging tests this suite uses), and it recorded no answer",
    "TestKMS::test_verify_salt_length[*]":
        "nothing recorded: the test checks AWS's signatures with a local library; "
        "test_kms_asymmetric.py checks the same for the fake's",
    "TestKMS::test_sign_verify[ECC_NIST_P256-ECDSA_SHA_384]":
        "not validated against AWS (no date in the validation file)",
    "TestKMS::test_sign_verify[ECC_SECG_P256K1-ECDSA_SHA_512]":
        "not validated against AWS (no date in the validation file)",
    "TestKMS::test_symmetric_encrypt_offline_decrypt_online[*]":
        "not validated against AWS (no date in the validation file)",
    "TestKMS::test_re_encrypt_invalid_destination_key":
        "not validated against AWS (no date in the validation file)",
    "TestKMS::test_retire_grant_with_grant_id_and_key_id":
        "not validated against AWS (no date in the validation file)",
    "TestKMS::test_create_key_custom_*, TestKMS::test_create_custom_key_asymmetric, "
    "TestKMS::test_list_retirable_grants":
        "only_localstack: LocalStack's own extensions, never run against AWS",
    "TestKMSMultiAccounts::test_cross_accounts_access":
        "needs_fixing, and cross-account access with IAM policy evaluation, which the "
        "fake does not model (one account per environment)",
}
"""Recordings this suite does not use, and why."""
