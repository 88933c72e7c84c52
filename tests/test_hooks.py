"""The hooks a conftest.py implements: seed the environment, inject errors, register faults."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

CONFTEST = """
import pytest
from pytest_cloudhsm_kms import ServiceError


def pytest_cloudhsm_kms_setup(environment):
    # Seeds every environment, before any fault starts.
    assert environment.active_faults == []
    key = environment.ready_key(description="seeded")
    environment.kms().CreateAlias({"AliasName": "alias/seeded", "TargetKeyId": key["KeyId"]})


def pytest_cloudhsm_kms_error(environment, service, operation, params):
    if operation == "GenerateRandom" and params.get("NumberOfBytes") == 13:
        earlier = [c for c in environment.calls if c.operation == "GenerateRandom"]
        if len(earlier) < 2:  # the first two attempts: a transient 503, which botocore retries
            return ServiceError("ServiceUnavailableException", "try again", status=503)
    if operation == "ListAliases":
        return ServiceError("AccessDeniedException", "not for you")
    if service == "cloudhsmv2" and operation == "DescribeBackups":
        return ServiceError("CloudHsmInternalFailureException", "HSM trouble")  # a 500
    return None


class SlowNetwork:
    # Every request takes `latency` virtual seconds.

    def __init__(self, latency=1.0):
        if latency < 0:
            raise ValueError(f"latency must be >= 0, not {latency!r}")
        self.latency = latency
        self._remove = None

    def apply(self, environment):
        def delay(service, operation, params):
            environment.clock.advance(self.latency)
        self._remove = environment.add_interceptor(delay)

    def lift(self, environment):
        self._remove()


def pytest_cloudhsm_kms_faults():
    return {"slow_network": SlowNetwork}


@pytest.fixture
def elapsed(cloudhsm_kms, kms_client):
    # Virtual seconds one ListKeys call takes.
    def measure():
        start = cloudhsm_kms.clock.now()
        kms_client.list_keys()
        return cloudhsm_kms.clock.now() - start
    return measure
"""


def test_a_conftest_seeds_injects_errors_and_registers_faults(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(
        test_inner_hooks="""
        import pytest
        import botocore.session
        from botocore.exceptions import ClientError

        def test_setup_seeds_the_environment(kms_client):
            meta = kms_client.describe_key(KeyId="alias/seeded")["KeyMetadata"]
            assert (meta["Origin"], meta["KeyState"]) == ("AWS_CLOUDHSM", "Enabled")
            with pytest.raises(ClientError, match="NotFoundException"):
                kms_client.describe_key(KeyId="alias/sub")  # seeded only below sub/

        @pytest.mark.cloudhsm_disconnected
        def test_faults_reach_what_setup_made(kms_client):
            meta = kms_client.describe_key(KeyId="alias/seeded")["KeyMetadata"]
            assert meta["KeyState"] == "Unavailable"

        def test_an_injected_503_is_retried(cloudhsm_kms, kms_client):
            response = kms_client.generate_random(NumberOfBytes=13)
            assert response["ResponseMetadata"]["RetryAttempts"] == 2
            assert [(c.status, c.error_code) for c in cloudhsm_kms.calls] == [
                (503, "ServiceUnavailableException")] * 2 + [(200, None)]
            assert len(kms_client.generate_random(NumberOfBytes=8)["Plaintext"]) == 8

        def test_an_injected_client_error_is_not_retried(kms_client):
            with pytest.raises(ClientError) as caught:
                kms_client.list_aliases()
            response = caught.value.response
            assert response["Error"] == {"Code": "AccessDeniedException", "Message": "not for you"}
            assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
            assert response["ResponseMetadata"]["RetryAttempts"] == 0

        def test_a_modeled_fault_gets_its_5xx(cloudhsmv2_client):
            with pytest.raises(ClientError) as caught:
                cloudhsmv2_client.describe_backups()
            response = caught.value.response
            assert response["ResponseMetadata"]["HTTPStatusCode"] == 500
            # botocore's default mode: standard (3 attempts); legacy (5) before botocore 1.44
            mode = botocore.session.get_session().get_config_variable("retry_mode")
            assert response["ResponseMetadata"]["RetryAttempts"] == (2 if mode == "standard" else 4)
            assert isinstance(caught.value,
                              cloudhsmv2_client.exceptions.CloudHsmInternalFailureException)

        @pytest.mark.cloudhsm_faults("slow_network", "none")
        def test_a_registered_fault_in_the_matrix(cloudhsm_fault, elapsed):
            assert (elapsed() >= 1.0) == (cloudhsm_fault == "slow_network")

        def test_a_registered_fault_as_a_context_manager(cloudhsm_kms, elapsed):
            with cloudhsm_kms.fault("slow_network", latency=60) as fault:
                assert elapsed() >= 60
                assert cloudhsm_kms.active_faults == ["slow_network"]
            assert fault.latency == 60
            assert elapsed() < 60
            with pytest.raises(TypeError, match="fault 'slow_network' has no option 'delay'; "
                                                "it takes latency"):
                cloudhsm_kms.fault("slow_network", delay=1).__enter__()
            with pytest.raises(ValueError, match="fault 'slow_network': latency must be >= 0"):
                cloudhsm_kms.fault("slow_network", latency=-1).__enter__()

        def test_cli(request, cloudhsm_kms, elapsed):
            on = request.config.getoption("cloudhsm_fault") == ["slow_network"]
            assert cloudhsm_kms.active_faults == (["slow_network"] if on else [])
            assert (elapsed() >= 1.0) == on
        """,
    )
    pytester.mkpydir("sub")
    pytester.path.joinpath("sub", "conftest.py").write_text(
        "def pytest_cloudhsm_kms_setup(environment):\n"
        "    key = environment.ready_key()\n"
        "    alias = {'AliasName': 'alias/sub', 'TargetKeyId': key['KeyId']}\n"
        "    environment.kms().CreateAlias(alias)\n"
    )
    pytester.path.joinpath("sub", "test_inner_sub.py").write_text(
        "def test_a_conftest_seeds_its_own_folder(kms_client):\n"
        "    for alias in ('alias/seeded', 'alias/sub'):\n"
        "        kms_client.describe_key(KeyId=alias)\n"
    )
    result = pytester.runpytest("--strict-markers", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=10)
    result.stdout.fnmatch_lines(["faults injected: disconnected x1, slow_network x2"])

    result = pytester.runpytest("--cloudhsm-fault", "slow_network", "-k", "test_cli",
                                "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["faults injected: slow_network x1"])


def test_the_error_hook_must_answer_a_service_error(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        def pytest_cloudhsm_kms_error(environment, service, operation, params):
            return {"Code": "Oops"}
        """
    )
    pytester.makepyfile(
        test_inner_bad_hook="""
        def test_list_keys(kms_client):
            try:
                kms_client.list_keys()
            except Exception as error:
                assert error.response["Error"]["Code"] == "KMSInternalException"
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines([
        "*TypeError: an interceptor answered ListKeys with {'Code': 'Oops'}; it must return a "
        "pytest_cloudhsm_kms.ServiceError or None",
    ])
