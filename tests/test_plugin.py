"""The plugin as users use it: fixtures, ini options and routing, run through pytester."""

from __future__ import annotations

import re

import pytest

pytest_plugins = ["pytester"]


def test_kms_client_round_trips_encrypt_and_decrypt(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_round_trip(kms_client):
            key_id = kms_client.create_key()["KeyMetadata"]["KeyId"]
            blob = kms_client.encrypt(KeyId=key_id, Plaintext=b"secret")["CiphertextBlob"]
            assert kms_client.decrypt(CiphertextBlob=blob)["Plaintext"] == b"secret"
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)


def test_code_under_test_that_makes_its_own_client_is_routed(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        app="""
        import boto3

        def seal(alias, data):
            kms = boto3.client("kms")
            return kms.encrypt(KeyId=alias, Plaintext=data)["CiphertextBlob"]
        """,
        test_app="""
        import app

        def test_app_seals_with_the_fake(kms_client):
            key_id = kms_client.create_key()["KeyMetadata"]["KeyId"]
            kms_client.create_alias(AliasName="alias/app", TargetKeyId=key_id)
            blob = app.seal("alias/app", b"data")
            assert kms_client.decrypt(CiphertextBlob=blob)["KeyId"].endswith(key_id)
        """,
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_a_client_created_at_import_time_is_routed(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3

        # Made while collecting: no credentials yet, so the fake lends its own.
        KMS = boto3.client("kms", region_name="us-east-1")

        def test_module_client(cloudhsm_kms):
            assert KMS.list_keys()["Keys"] == []
            KMS.create_key()
            assert len(cloudhsm_kms.kms().keys) == 1
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_moto_serves_s3_while_the_fake_serves_kms(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3
        from moto import mock_aws

        def test_both(kms_client):
            with mock_aws():
                s3 = boto3.client("s3", region_name="us-east-1")
                s3.create_bucket(Bucket="bucket-1")
                key_id = kms_client.create_key()["KeyMetadata"]["KeyId"]
                blob = kms_client.encrypt(KeyId=key_id, Plaintext=b"x")["CiphertextBlob"]
                s3.put_object(Bucket="bucket-1", Key="k", Body=blob)
                stored = s3.get_object(Bucket="bucket-1", Key="k")["Body"].read()
            assert kms_client.decrypt(CiphertextBlob=stored)["Plaintext"] == b"x"
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_nothing_is_routed_after_the_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3
        import pytest
        from botocore.config import Config
        from botocore.exceptions import EndpointConnectionError

        CONFIG = Config(retries={"total_max_attempts": 1}, connect_timeout=1)
        KMS = boto3.client("kms", region_name="us-east-1", endpoint_url="http://127.0.0.1:9",
                           aws_access_key_id="a", aws_secret_access_key="b", config=CONFIG)

        def test_first(cloudhsm_kms):
            assert KMS.list_keys()["Keys"] == []

        def test_after():
            with pytest.raises(EndpointConnectionError):
                KMS.list_keys()
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_the_suite_runs_under_xdist(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.parametrize("n", range(6))
        def test_isolated(kms_client, n):
            kms_client.create_key()
            assert len(kms_client.list_keys()["Keys"]) == 1
        """
    )
    result = pytester.runpytest_subprocess("-n", "2", "-p", "no:hypothesispytest")
    result.assert_outcomes(passed=6)


def test_ini_options_set_region_and_account(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        """
        [pytest]
        cloudhsm_kms_region = eu-west-2
        cloudhsm_kms_account_id = 444455556666
        """
    )
    pytester.makepyfile(
        """
        import os

        def test_region(kms_client):
            arn = kms_client.create_key()["KeyMetadata"]["Arn"]
            assert arn.startswith("arn:aws:kms:eu-west-2:444455556666:key/")
            assert os.environ["AWS_DEFAULT_REGION"] == "eu-west-2"
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_fixtures_in_a_region_of_another_partition_carry_its_arns(
    pytester: pytest.Pytester,
) -> None:
    # docs/aws-behaviour.md §1.1: a GovCloud Region's ARNs are arn:aws-us-gov:...
    pytester.makeini("[pytest]\ncloudhsm_kms_region = us-gov-west-1\n")
    pytester.makepyfile(
        """
        def test_arns(kms_client, cloudhsmv2_client, cloudhsm_cluster, cloudhsm_key):
            prefix = "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/"
            assert cloudhsm_key["Arn"] == prefix + cloudhsm_key["KeyId"]
            described = kms_client.describe_key(KeyId=cloudhsm_key["Arn"])["KeyMetadata"]
            assert described == cloudhsm_key
            backups = cloudhsmv2_client.describe_backups()["Backups"]
            assert {b["BackupArn"].split(":")[1] for b in backups} == {"aws-us-gov"}
            assert kms_client.create_key()["KeyMetadata"]["Arn"].startswith(prefix)
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)


def test_seed_makes_ids_and_ciphertext_repeatable_whatever_the_order(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini("[pytest]\ncloudhsm_kms_seed = 42\n")
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.parametrize("name", ["a", "b"])
        def test_record(kms_client, name):
            key_id = kms_client.create_key()["KeyMetadata"]["KeyId"]
            blob = kms_client.encrypt(KeyId=key_id, Plaintext=b"p")["CiphertextBlob"]
            print(f"RECORD {name} {key_id} {blob.hex()}")
        """
    )

    def records(*args: str) -> dict[str, str]:
        result = pytester.runpytest("-s", *args)
        assert result.ret == 0
        found = (re.search(r"RECORD (\w) (\S+ \S+)", line) for line in result.outlines)
        return {m.group(1): m.group(2) for m in found if m}

    first = records()
    again = records()
    reversed_order = records("-k", "b") | records("-k", "a")
    assert first == again == reversed_order
    assert first["a"] != first["b"]


def test_internal_errors_fail_the_test_loudly(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_bug(cloudhsm_kms, kms_client, monkeypatch):
            def boom(ctx, params):
                raise RuntimeError("bug")
            monkeypatch.setitem(cloudhsm_kms.kms().handlers, "ListKeys", boom)
            error = None
            try:
                kms_client.list_keys()
            except Exception as exc:
                error = exc
            assert error.response["Error"]["Code"] == "KMSInternalException"
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*internal error*", "*RuntimeError: bug*"])


def test_fixtures_are_documented(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_x(): pass")
    result = pytester.runpytest("--fixtures")
    for name in ("cloudhsm_kms", "cloudhsm_kms_settings", "kms_client", "cloudhsmv2_client",
                 "cloudhsm_cluster", "cloudhsm_key_store", "cloudhsm_key"):
        result.stdout.fnmatch_lines([f"{name}*", "*"])


def test_cloudhsm_cluster_is_an_active_cluster_with_two_hsms_in_two_zones(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        def test_cluster(cloudhsm_cluster, cloudhsmv2_client):
            (listed,) = cloudhsmv2_client.describe_clusters()["Clusters"]
            assert listed["ClusterId"] == cloudhsm_cluster["ClusterId"]
            assert listed["State"] == "ACTIVE"
            hsms = listed["Hsms"]
            assert [h["State"] for h in hsms] == ["ACTIVE", "ACTIVE"]
            assert len({h["AvailabilityZone"] for h in hsms}) == 2
            assert "ClusterCertificate" in listed["Certificates"]
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_resource_fixtures_equal_what_the_client_parses(pytester: pytest.Pytester) -> None:
    """docs/aws-behaviour.md: the fixtures give the describe entries as botocore parses them."""
    pytester.makepyfile(
        """
        import datetime

        def test_equal(cloudhsm_cluster, cloudhsm_key_store, cloudhsm_key, kms_client,
                       cloudhsmv2_client):
            (cluster,) = cloudhsmv2_client.describe_clusters()["Clusters"]
            assert cloudhsm_cluster == cluster
            (store,) = kms_client.describe_custom_key_stores()["CustomKeyStores"]
            assert cloudhsm_key_store == store
            metadata = kms_client.describe_key(KeyId=cloudhsm_key["KeyId"])["KeyMetadata"]
            assert cloudhsm_key == metadata
            for created in (cluster["CreateTimestamp"], store["CreationDate"],
                            metadata["CreationDate"]):
                assert isinstance(created, datetime.datetime)
            assert isinstance(cloudhsm_cluster["Hsms"][0]["HsmId"], str)
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_resource_fixture_values_are_plain_copies(pytester: pytest.Pytester) -> None:
    """A test may change the dict it got; the next describe call is not affected."""
    pytester.makepyfile(
        """
        def test_copy(cloudhsm_key, kms_client):
            cloudhsm_key["Description"] = "changed"
            fresh = kms_client.describe_key(KeyId=cloudhsm_key["KeyId"])["KeyMetadata"]
            assert fresh["Description"] == ""
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_cloudhsm_key_is_an_enabled_key_in_a_connected_store(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_key(cloudhsm_cluster, cloudhsm_key_store, cloudhsm_key, kms_client):
            (store,) = kms_client.describe_custom_key_stores()["CustomKeyStores"]
            assert store == cloudhsm_key_store
            assert store["ConnectionState"] == "CONNECTED"
            assert store["CloudHsmClusterId"] == cloudhsm_cluster["ClusterId"]
            metadata = kms_client.describe_key(KeyId=cloudhsm_key["Arn"])["KeyMetadata"]
            assert metadata["KeyState"] == "Enabled"
            assert metadata["Origin"] == "AWS_CLOUDHSM"
            assert metadata["CustomKeyStoreId"] == store["CustomKeyStoreId"]
            blob = kms_client.encrypt(KeyId=cloudhsm_key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
            assert kms_client.decrypt(CiphertextBlob=blob)["Plaintext"] == b"x"
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)
