"""Settings: one object of timings and limits, set by the ini option or a fixture override."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from pytest_cloudhsm_kms import CloudHsmKms, Settings

pytest_plugins = ["pytester"]

README = Path(__file__).parent.parent / "README.md"

# A test file that reports what its environment's CloudHSM does with the settings.
DELAY_TEST = """
def test_delay(cloudhsm_kms, cloudhsm_kms_settings, cloudhsmv2_client):
    assert cloudhsm_kms.settings is cloudhsm_kms_settings
    cluster = cloudhsmv2_client.create_cluster(
        HsmType="hsm2m.medium", SubnetIds=["subnet-0a1b2c3d4e5f60001"])["Cluster"]
    cloudhsm_kms.clock.advance(299)
    state = cloudhsmv2_client.describe_clusters()["Clusters"][0]["State"]
    print("STATE", state, float(cloudhsm_kms_settings.create_cluster_delay))
"""


# -- Settings.from_lines -----------------------------------------------------------------------


def test_from_lines_reads_name_value_lines_over_the_defaults() -> None:
    settings = Settings.from_lines(
        ["", "# a comment", "connect_delay = 60", "max_hsms_per_cluster=3", "backup_interval = 1e3"]
    )
    assert settings == Settings(connect_delay=60.0, max_hsms_per_cluster=3, backup_interval=1000.0)
    assert isinstance(settings.max_hsms_per_cluster, int)
    assert Settings.from_lines(["delete_hsm_delay = 5"], base=settings).connect_delay == 60.0


@pytest.mark.parametrize("line, fragment", [
    ("conect_delay = 60", "is not 'name = value' with a name among: connect_delay"),
    ("connect_delay", "is not 'name = value'"),
    ("connect_delay = soon", "could not convert"),
    ("max_keys = 2.5", "invalid literal for int()"),
    ("create_hsm_delay = -1", "must not be negative"),
    ("create_hsm_delay = nan", "must be a number"),
    ("backup_interval = 0", "must be positive"),
])
def test_from_lines_names_the_bad_line(line: str, fragment: str) -> None:
    with pytest.raises(ValueError) as info:
        Settings.from_lines(["connect_delay = 1", line])
    assert f"cloudhsm_kms_settings: {line!r}" in str(info.value)
    assert fragment in str(info.value)


# -- the ini option and the fixture --------------------------------------------------------------


def test_the_ini_option_sets_the_settings_of_every_environment(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ncloudhsm_kms_settings =\n    create_cluster_delay = 300\n"
                     "    # the default backup period is a day\n")
    pytester.makepyfile(DELAY_TEST)
    result = pytester.runpytest("-s", "-p", "no:randomly")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*STATE CREATE_IN_PROGRESS 300.0*"])


def test_without_the_ini_option_the_settings_are_the_defaults(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(DELAY_TEST.replace("test_delay(", "test_default(") + """
def test_defaults(cloudhsm_kms_settings):
    from pytest_cloudhsm_kms import Settings
    assert cloudhsm_kms_settings == Settings()
""")
    result = pytester.runpytest("-s", "-p", "no:randomly")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*STATE UNINITIALIZED 0.0*"])


def test_a_bad_ini_line_is_a_usage_error_naming_it(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ncloudhsm_kms_settings =\n    create_hsm_delay = -5\n")
    pytester.makepyfile("def test_x(): pass")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*cloudhsm_kms_settings: 'create_hsm_delay = -5'*negative*"])


def test_an_override_that_gives_no_settings_fails_the_test_naming_the_fixture(
    pytester: pytest.Pytester,
) -> None:
    # A plausible slip: returning the changes instead of cloudhsm_kms_settings.replace(...).
    pytester.makeconftest("""
import pytest

@pytest.fixture
def cloudhsm_kms_settings():
    return {"connect_delay": 60}
""")
    pytester.makepyfile("def test_x(kms_client):\n    kms_client.create_key()\n")
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([
        "*test_x*the cloudhsm_kms_settings fixture gave {'connect_delay': 60}, "
        "not a pytest_cloudhsm_kms.Settings*"])
    result.stdout.no_fnmatch_line("*internal error*")
    result.stdout.no_fnmatch_line("*Traceback*")


@pytest.mark.parametrize("settings", [{"connect_delay": 60}, "connect_delay = 60", 60])
def test_an_environment_takes_only_settings(settings: object) -> None:
    with pytest.raises(TypeError, match=r"settings must be a pytest_cloudhsm_kms\.Settings"):
        CloudHsmKms(settings=settings)  # type: ignore[arg-type]
    environment = CloudHsmKms()
    with pytest.raises(TypeError, match=r"settings must be a pytest_cloudhsm_kms\.Settings"):
        environment.settings = settings  # type: ignore[assignment]
    assert environment.settings == Settings()


def test_overriding_the_fixture_changes_the_settings_of_some_tests(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini("[pytest]\ncloudhsm_kms_settings = max_hsms_per_cluster = 5\n")
    slow = pytester.mkpydir("slow")
    (slow / "conftest.py").write_text(
        "import pytest\n\n"
        "@pytest.fixture\n"
        "def cloudhsm_kms_settings(cloudhsm_kms_settings):\n"
        "    return cloudhsm_kms_settings.replace(create_cluster_delay=300)\n"
    )
    (slow / "test_slow.py").write_text(DELAY_TEST)
    pytester.makepyfile(test_fast=DELAY_TEST + """

import pytest
from pytest_cloudhsm_kms import Settings

@pytest.mark.parametrize("cloudhsm_kms_settings", [Settings(create_cluster_delay=600)])
def test_parametrized(cloudhsm_kms, cloudhsm_kms_settings):
    assert cloudhsm_kms.settings.create_cluster_delay == 600
    assert cloudhsm_kms.cloudhsm().settings is cloudhsm_kms_settings
""")
    result = pytester.runpytest("-s", "-p", "no:randomly", "-v")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["*test_slow.py::test_delay STATE CREATE_IN_PROGRESS 300.0*"])
    result.stdout.fnmatch_lines(["*test_fast.py::test_delay STATE UNINITIALIZED 0.0*"])


def test_a_cluster_limit_from_the_settings_reaches_the_wire(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ncloudhsm_kms_settings = max_hsms_per_cluster = 2\n")
    pytester.makepyfile("""
from botocore.exceptions import ClientError
import pytest

def test_limit(cloudhsm_cluster, cloudhsmv2_client):
    with pytest.raises(ClientError) as info:
        cloudhsmv2_client.create_hsm(ClusterId=cloudhsm_cluster["ClusterId"],
                                     AvailabilityZone="us-east-1a")
    assert "at most 2 HSMs" in info.value.response["Error"]["Message"]
""")
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)


def test_new_settings_mid_test_reach_both_services_of_every_region(
    cloudhsm_kms, cloudhsmv2_client
) -> None:
    kms, cloudhsm = cloudhsm_kms.kms(), cloudhsm_kms.cloudhsm()  # made before the change
    other_region = cloudhsm_kms.cloudhsm("eu-west-1")
    cloudhsm_kms.settings = cloudhsm_kms.settings.replace(create_cluster_delay=300)
    for service in (kms, cloudhsm, other_region):
        assert service.settings is cloudhsm_kms.settings
    cloudhsmv2_client.create_cluster(HsmType="hsm2m.medium",
                                     SubnetIds=["subnet-0a1b2c3d4e5f60001"])
    cloudhsm_kms.clock.advance(299)
    assert cloudhsmv2_client.describe_clusters()["Clusters"][0]["State"] == "CREATE_IN_PROGRESS"
    cloudhsm_kms.clock.advance(1)
    assert cloudhsmv2_client.describe_clusters()["Clusters"][0]["State"] == "UNINITIALIZED"


# -- the README -----------------------------------------------------------------------------------


def test_the_readme_lists_every_setting_with_its_default() -> None:
    section = README.read_text().split("## Settings", 1)[1].split("\n## ", 1)[0]
    rows = dict(re.findall(r"^\| `(\w+)` \| `([^`]+)` \|", section, re.MULTILINE))
    assert {f.name: repr(f.default) for f in dataclasses.fields(Settings)} == rows
