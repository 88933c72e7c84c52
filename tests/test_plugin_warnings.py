"""What the plugin says when something is off: a fault that found nothing to act on, an
environment a broken teardown left running. Run through pytester, as users see it."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

FAULT_WARNING = "pytest_cloudhsm_kms.plugin.CloudHsmFaultWarning"


def test_a_fault_marker_that_finds_nothing_to_act_on_warns_naming_the_test_and_fault(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.cloudhsm_disconnected
        def test_no_store(cloudhsm_kms):
            pass

        @pytest.mark.cloudhsm_empty_cluster
        def test_no_cluster():
            pass

        @pytest.mark.cloudhsm_missing_key_material
        def test_no_key(cloudhsm_key_store):
            pass

        @pytest.mark.cloudhsm_throttled(times=1)
        def test_store_made_in_the_body(cloudhsm_kms):
            cloudhsm_kms.ready_key_store()

        @pytest.mark.cloudhsm_disconnected
        def test_with_a_store(cloudhsm_key):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=5, warnings=4)
    result.stdout.fnmatch_lines_random([
        "*CloudHsmFaultWarning: test_*.py::test_no_store: @pytest.mark.cloudhsm_disconnected "
        "found no custom key store to act on when the test body started, so the test ran "
        "without fault 'disconnected'",
        "*test_no_cluster: @pytest.mark.cloudhsm_empty_cluster found no CloudHSM cluster*",
        "*test_no_key: @pytest.mark.cloudhsm_missing_key_material found no key in a CloudHSM "
        "key store*",
        "*test_store_made_in_the_body: @pytest.mark.cloudhsm_throttled found no custom key "
        "store*",
    ])
    assert "test_with_a_store" not in result.stdout.str()


def test_the_fault_warning_can_be_made_an_error_or_ignored(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.cloudhsm_disconnected
        def test_no_store():
            pass
        """
    )
    strict = pytester.runpytest("-p", "no:randomly", "-W", f"error::{FAULT_WARNING}")
    strict.assert_outcomes(failed=1)
    strict.stdout.fnmatch_lines(["*CloudHsmFaultWarning: *test_no_store*"])
    quiet = pytester.runpytest("-p", "no:randomly", "-W", f"ignore::{FAULT_WARNING}")
    quiet.assert_outcomes(passed=1)
    assert "CloudHsmFaultWarning" not in quiet.stdout.str()


def test_a_fault_matrix_run_that_finds_nothing_warns_for_that_run_only(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.cloudhsm_faults("none", "disconnected", "empty_cluster")
        def test_matrix(cloudhsm_cluster):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=3, warnings=1)
    result.stdout.fnmatch_lines([
        "*test_matrix[[]disconnected[]]: @pytest.mark.cloudhsm_faults found no custom key store*"])


_TWO_TESTS = """
def test_one(kms_client):
    kms_client.create_key()

def test_two(cloudhsm_kms):
    pass
"""


@pytest.mark.parametrize(("tests", "fault", "passed", "warning", "summary"), [
    pytest.param(
        _TWO_TESTS, "empty_cluster", 2,
        "*CloudHsmFaultWarning: --cloudhsm-fault empty_cluster found no CloudHSM cluster to act "
        "on in any of the 2 tests that use cloudhsm_kms: they all ran without the fault",
        "--cloudhsm-fault empty_cluster found nothing to act on in 2 of 2 tests (they ran "
        "without it)",
        id="in any test"),
    pytest.param(
        "def test_one(cloudhsm_kms):\n    pass\n", "disconnected", 1,
        "*CloudHsmFaultWarning: --cloudhsm-fault disconnected found no * to act on in the one "
        "test that uses cloudhsm_kms: it ran without the fault",
        "--cloudhsm-fault disconnected found nothing to act on in 1 of 1 test (it ran without it)",
        id="one test is one test"),
])
def test_a_command_line_fault_that_finds_nothing_warns_once_and_says_so_in_the_summary(
    pytester: pytest.Pytester, tests: str, fault: str, passed: int, warning: str, summary: str,
) -> None:
    pytester.makepyfile(tests)
    result = pytester.runpytest("-p", "no:randomly", "--cloudhsm-fault", fault)
    result.assert_outcomes(passed=passed, warnings=1)
    result.stdout.fnmatch_lines([warning, "*pytest-cloudhsm-kms*", summary])


def test_a_ci_matrix_where_some_tests_have_stores_gets_one_summary_line(
    pytester: pytest.Pytester,
) -> None:
    """(Under xdist too: tests/test_markers.py runs the summary with ``-n 2``.)"""
    pytester.makepyfile(
        """
        def test_with_a_store(cloudhsm_key_store):
            pass

        def test_plain_key(kms_client):
            kms_client.create_key()

        def test_another_plain_key(kms_client):
            kms_client.create_key()
        """
    )
    result = pytester.runpytest("-p", "no:randomly", "--cloudhsm-fault", "disconnected")
    result.assert_outcomes(passed=3)
    assert "CloudHsmFaultWarning" not in result.stdout.str()
    result.stdout.fnmatch_lines([
        "--cloudhsm-fault disconnected found nothing to act on in 2 of 3 tests (they ran "
        "without it)"])


# -- a stale environment --------------------------------------------------------------------


BROKEN_TEARDOWN = """
import pytest

class Interrupted(BaseException):
    '''Not an Exception: pytest skips the teardowns after it.'''

@pytest.fixture
def broken_teardown():
    yield
    raise Interrupted("teardown")
"""


def test_an_environment_a_broken_teardown_left_running_is_stopped_before_the_next_test(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(BROKEN_TEARDOWN)
    pytester.makepyfile(
        """
        import time
        import botocore.endpoint
        from pytest_cloudhsm_kms import routing

        def test_first(cloudhsm_key, broken_teardown):
            pass

        def test_without_the_fake():
            assert routing.current() is None
            assert botocore.endpoint.time is time  # the environment's virtual back-off is gone

        def test_fresh(cloudhsm_kms, kms_client, cloudhsm_key):
            assert routing.active() == (cloudhsm_kms,)
            assert len(kms_client.list_keys()["Keys"]) == 1  # only its own key
            assert cloudhsm_kms.kms().keys.get(cloudhsm_key["KeyId"]) is not None
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=3, errors=1, warnings=1)
    result.stdout.fnmatch_lines([
        "*CloudHsmStaleEnvironmentWarning: the cloudhsm_kms environment of "
        "test_*.py::test_first was never torn down (a fixture's teardown raised a "
        "BaseException before it); stopped it before test_*.py::test_without_the_fake",
    ])


def test_an_environment_left_running_by_the_last_test_is_stopped_at_the_end(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(BROKEN_TEARDOWN)
    pytester.makepyfile(
        """
        def test_last(cloudhsm_kms, broken_teardown):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1, errors=1, warnings=1)
    result.stdout.fnmatch_lines(["*CloudHsmStaleEnvironmentWarning*stopped it before the end "
                                 "of the session"])
    from pytest_cloudhsm_kms import routing

    assert routing.active() == ()
