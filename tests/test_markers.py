"""The fault markers, the ``cloudhsm_faults`` matrix and ``--cloudhsm-fault``, as users run them.

Each door takes the same fault names and options as ``cloudhsm_kms.fault()``.
Faults start after fixture setup and end with the test body.
"""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

# Shared by the inner test files: a client that does not retry, and the error code of a call.
HELPERS = """
import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

ONE_ATTEMPT = Config(retries={"total_max_attempts": 1})


def _code_of(call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as error:
        return error.response["Error"]["Code"]
    return None


@pytest.fixture
def code_of():
    # the error code of a call (None: it succeeded)
    return _code_of


@pytest.fixture
def kms(cloudhsm_kms):
    return cloudhsm_kms.client("kms", config=ONE_ATTEMPT)
"""


def test_each_marker_applies_its_fault_to_the_body_only(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(HELPERS)
    pytester.makepyfile(
        test_inner_markers="""
        import boto3
        import pytest

        @pytest.fixture
        def key(cloudhsm_kms, cloudhsm_key, kms, code_of):
            def healthy():  # fixtures see no fault, before the body and after it
                assert cloudhsm_kms.active_faults == []
                store = kms.describe_custom_key_stores()["CustomKeyStores"][0]
                assert store["ConnectionState"] == "CONNECTED"
                assert code_of(kms.encrypt, KeyId=cloudhsm_key["KeyId"], Plaintext=b"x") is None
            kms.create_alias(AliasName="alias/lost", TargetKeyId=cloudhsm_key["KeyId"])
            healthy()
            yield cloudhsm_key
            healthy()

        @pytest.mark.cloudhsm_disconnected
        def test_disconnected(cloudhsm_kms, key, kms, code_of):
            assert cloudhsm_kms.active_faults == ["disconnected"]
            meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
            assert meta["KeyState"] == "Unavailable"
            assert code_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x") == (
                "KMSInvalidStateException")

        @pytest.mark.cloudhsm_disconnected(error_code="NETWORK_ERRORS")
        def test_failed(key, kms):
            store = kms.describe_custom_key_stores()["CustomKeyStores"][0]
            assert store["ConnectionErrorCode"] == "NETWORK_ERRORS"

        @pytest.mark.cloudhsm_empty_cluster()
        def test_empty_cluster(key, kms, cloudhsmv2_client, code_of):
            assert cloudhsmv2_client.describe_clusters()["Clusters"][0]["Hsms"] == []
            assert code_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x") == (
                "KMSInvalidStateException")

        @pytest.mark.cloudhsm_missing_key_material(key_ids="alias/lost")
        def test_missing_key_material(cloudhsm_kms, key, kms, code_of):
            other = cloudhsm_kms.ready_key(custom_key_store_id=key["CustomKeyStoreId"])
            assert code_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x") == (
                "KMSInvalidStateException")
            assert code_of(kms.encrypt, KeyId=other["KeyId"], Plaintext=b"x") is None
            assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"

        @pytest.mark.cloudhsm_throttled(times=1, operations=["Encrypt"])
        def test_throttled(key, kms, code_of):
            assert code_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x") == (
                "ThrottlingException")
            assert code_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x") is None

        @pytest.mark.cloudhsm_throttled
        @pytest.mark.cloudhsm_disconnected
        def test_two_markers_compose(cloudhsm_kms, key):
            assert sorted(cloudhsm_kms.active_faults) == ["disconnected", "throttled"]

        @pytest.mark.cloudhsm_empty_cluster
        def test_a_marker_pulls_in_the_environment():
            # No fixture asked for: the fake answers anyway.
            assert boto3.client("kms", region_name="us-east-1").list_keys()["Keys"] == []

        def test_the_context_manager(cloudhsm_kms, key, kms_client):
            with cloudhsm_kms.fault("throttled", times=2):
                response = kms_client.encrypt(KeyId=key["KeyId"], Plaintext=b"x")
            assert response["ResponseMetadata"]["RetryAttempts"] == 2

        def test_no_marker_no_fault(cloudhsm_kms, key):
            assert cloudhsm_kms.active_faults == []
        """,
        test_inner_module_marker="""
        import pytest

        pytestmark = pytest.mark.cloudhsm_throttled(operations=["Decrypt"])

        @pytest.fixture
        def blob(cloudhsm_key, kms):
            return kms.encrypt(KeyId=cloudhsm_key["KeyId"], Plaintext=b"x")["CiphertextBlob"]

        def test_the_module_marker_applies(cloudhsm_key, kms, blob, code_of):
            assert code_of(kms.encrypt, KeyId=cloudhsm_key["KeyId"], Plaintext=b"x") is None
            assert code_of(kms.decrypt, CiphertextBlob=blob) == "ThrottlingException"
            assert code_of(kms.decrypt, CiphertextBlob=blob) == "ThrottlingException"

        @pytest.mark.cloudhsm_throttled(times=1)
        def test_the_closest_marker_adds_and_overrides_options(cloudhsm_key, kms, blob, code_of):
            assert code_of(kms.encrypt, KeyId=cloudhsm_key["KeyId"], Plaintext=b"x") is None
            assert code_of(kms.decrypt, CiphertextBlob=blob) == "ThrottlingException"
            assert code_of(kms.decrypt, CiphertextBlob=blob) is None

        class TestClass:
            pytestmark = pytest.mark.cloudhsm_throttled(operations=["Encrypt"])

            def test_the_class_marker_overrides_the_module(self, cloudhsm_key, kms, blob, code_of):
                assert code_of(kms.encrypt, KeyId=cloudhsm_key["KeyId"], Plaintext=b"x") == (
                    "ThrottlingException")
                assert code_of(kms.decrypt, CiphertextBlob=blob) is None
        """,
    )
    result = pytester.runpytest("--strict-markers", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=12)
    result.stdout.fnmatch_lines([
        "*= pytest-cloudhsm-kms =*",
        "environments: 12",
        "faults injected: disconnected x3, empty_cluster x2, missing_key_material x1, "
        "throttled x6",
        "kms operations served: Encrypt x*, DescribeCustomKeyStores x*",
        "cloudhsmv2 operations served: DescribeClusters x1",
    ])


def test_misused_markers_are_clear_errors_naming_the_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_inner_misuse="""
        import pytest

        @pytest.mark.cloudhsm_throttled(time=2)
        def test_unknown_option(cloudhsm_key):
            pass

        @pytest.mark.cloudhsm_throttled(cluster_load=1.5)
        def test_bad_value():
            pass

        @pytest.mark.cloudhsm_disconnected("NETWORK_ERRORS")
        def test_positional():
            pass

        @pytest.mark.cloudhsm_disconnected(error_code="NOT_A_CODE")
        def test_bad_error_code():
            pass

        @pytest.mark.cloudhsm_missing_key_material(key_ids=["alias/none"])
        def test_unknown_key(cloudhsm_key):
            pass
        """,
        test_inner_matrix_misuse="""
        import pytest

        @pytest.mark.cloudhsm_faults("disconnected", "nope")
        def test_unknown_fault():
            pass
        """,
        test_inner_matrix_empty="""
        import pytest

        @pytest.mark.cloudhsm_faults()
        def test_no_fault():
            pass
        """,
    )
    result = pytester.runpytest("--continue-on-collection-errors", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1, errors=6)
    # Each error on its own: the inner run may order its tests at random (pytest-randomly).
    for lines in (
        ["test_inner_matrix_misuse.py::test_unknown_fault: @pytest.mark.cloudhsm_faults got "
         "unknown fault 'nope'; it takes fault names: 'none', 'disconnected', 'empty_cluster', "
         "'missing_key_material', 'throttled'"],
        ["*ERROR at setup of test_unknown_option*",
         "test_inner_misuse.py::test_unknown_option: @pytest.mark.cloudhsm_throttled: fault "
         "'throttled' has no option 'time'; it takes rate, after, times, operations, cluster_load"],
        ["*ERROR at setup of test_bad_value*",
         "test_inner_misuse.py::test_bad_value: @pytest.mark.cloudhsm_throttled: fault "
         "'throttled': cluster_load must be a number from 0.0 to 1.0, not 1.5"],
        ["*ERROR at setup of test_positional*",
         "test_inner_misuse.py::test_positional: @pytest.mark.cloudhsm_disconnected takes keyword "
         "options only, got positional ('NETWORK_ERRORS',)"],
        ["*ERROR at setup of test_bad_error_code*",
         "test_inner_misuse.py::test_bad_error_code: *error_code must be None (DISCONNECTED) or a "
         "ConnectionErrorCode*not 'NOT_A_CODE'"],
        ["*_ test_unknown_key _*",
         "test_inner_misuse.py::test_unknown_key: fault 'missing_key_material': key_ids: no KMS "
         "key 'alias/none' in us-east-1"],
    ):
        result.stdout.fnmatch_lines(lines)
    assert "test_no_fault: @pytest.mark.cloudhsm_faults needs at least one fault name" in (
        result.stdout.str())


def test_cloudhsm_faults_runs_the_test_once_per_fault_with_the_names_as_ids(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(HELPERS)
    pytester.makepyfile(
        test_inner_matrix="""
        import pytest

        EXPECTED = {"none": None, "disconnected": "KMSInvalidStateException",
                    "throttled": "ThrottlingException"}

        @pytest.mark.cloudhsm_faults("disconnected", "throttled", "none")
        def test_app(cloudhsm_fault, cloudhsm_kms, cloudhsm_key, kms, code_of):
            assert cloudhsm_kms.active_faults == ([] if cloudhsm_fault == "none"
                                                  else [cloudhsm_fault])
            code = code_of(kms.encrypt, KeyId=cloudhsm_key["KeyId"], Plaintext=b"x")
            assert code == EXPECTED[cloudhsm_fault]

        @pytest.mark.cloudhsm_faults("empty_cluster")
        @pytest.mark.parametrize("n", [1, 2])
        def test_alone(cloudhsm_fault, n):
            assert cloudhsm_fault == "empty_cluster"

        def test_outside_the_matrix(cloudhsm_fault):
            assert cloudhsm_fault == "none"
        """,
    )
    result = pytester.runpytest("-v", "--strict-markers", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=6)
    result.stdout.fnmatch_lines_random([
        "*test_app[[]disconnected] PASSED*",
        "*test_app[[]throttled] PASSED*",
        "*test_app[[]none] PASSED*",
        "*test_alone[[]empty_cluster-1] PASSED*",
        "*test_alone[[]empty_cluster-2] PASSED*",
        "faults injected: disconnected x1, empty_cluster x2, throttled x1",
    ])


def test_the_command_line_fault_applies_to_every_test_that_uses_the_environment(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_inner_cli="""
        import pytest

        def test_uses_it(request, cloudhsm_kms, cloudhsm_key):
            assert request.config.getoption("cloudhsm_fault") == ["disconnected", "throttled"]
            assert cloudhsm_kms.active_faults == ["disconnected", "throttled"]

        @pytest.mark.cloudhsm_missing_key_material
        def test_with_a_marker(cloudhsm_kms):
            assert cloudhsm_kms.active_faults == [
                "missing_key_material", "disconnected", "throttled"]

        def test_does_not_use_it():
            pass
        """,
    )
    result = pytester.runpytest(
        "--cloudhsm-fault", "disconnected", "--cloudhsm-fault=throttled", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines([
        "environments: 2",
        "faults injected: disconnected x2, missing_key_material x1, throttled x2",
    ])

    result = pytester.runpytest("--cloudhsm-fault", "disconnectd", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([
        "ERROR: --cloudhsm-fault 'disconnectd' is not a known fault; known faults: "
        "disconnected, empty_cluster, missing_key_material, throttled",
    ])


def test_the_summary_shows_only_when_the_plugin_was_used(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_plain(): pass")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert "pytest-cloudhsm-kms" not in result.stdout.str()


def test_help_and_markers_explain_the_faults(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines([
        "fake AWS KMS with CloudHSM key stores:",
        "  --cloudhsm-fault=NAME",
        "*Apply the fault NAME, with its default options, to every*",
    ])
    text = " ".join(result.stdout.str().split())
    for name in ("disconnected, empty_cluster, missing_key_material, throttled",
                 "Repeat the option to combine faults", "cloudhsm_kms_region",
                 "cloudhsm_kms_seed"):
        assert name in text

    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines_random([
        "@pytest.mark.cloudhsm_disconnected(error_code=None): from after fixture setup to the "
        "end of the test body, the custom key stores are DISCONNECTED, or FAILED*",
        "@pytest.mark.cloudhsm_empty_cluster(): *no HSM*INSUFFICIENT_CLOUDHSM_HSMS*",
        "@pytest.mark.cloudhsm_missing_key_material(key_ids=None): *KeyState is unchanged*",
        "@pytest.mark.cloudhsm_throttled(rate=None, after=0, times=None, operations=None, "
        "cluster_load=0.0): *ThrottlingException (HTTP 400)*",
        "@pytest.mark.cloudhsm_faults(*names): run the test once per named fault*",
    ])

    pytester.makepyfile("def test_x(): pass")
    result = pytester.runpytest("--fixtures")
    result.stdout.fnmatch_lines([
        "cloudhsm_fault -- *",
        "    The fault this run of a ``@pytest.mark.cloudhsm_faults(...)`` test is under",
    ])


def test_faults_markers_and_the_summary_under_xdist(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_inner_parallel="""
        import pytest

        @pytest.mark.cloudhsm_faults("disconnected", "throttled", "none")
        def test_matrix(cloudhsm_fault, cloudhsm_kms, cloudhsm_key):
            assert cloudhsm_kms.active_faults == (
                [] if cloudhsm_fault == "none" else [cloudhsm_fault]) + ["missing_key_material"]

        @pytest.mark.cloudhsm_empty_cluster
        @pytest.mark.parametrize("n", range(3))
        def test_marker(cloudhsm_kms, n):
            assert cloudhsm_kms.active_faults == ["empty_cluster", "missing_key_material"]
        """,
    )
    result = pytester.runpytest_subprocess(
        "-n", "2", "-p", "no:hypothesispytest", "-p", "no:cacheprovider", "--strict-markers",
        "--cloudhsm-fault", "missing_key_material")
    result.assert_outcomes(passed=6)
    result.stdout.fnmatch_lines([
        "*= pytest-cloudhsm-kms =*",
        "environments: 6",
        "faults injected: disconnected x1, empty_cluster x3, missing_key_material x6, "
        "throttled x1",
        "--cloudhsm-fault missing_key_material found nothing to act on in 3 of 6 tests (they "
        "ran without it)",
    ])
