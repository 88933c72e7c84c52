"""Both services run an operation named by a request context or by its name.

``KmsService.call`` and ``CloudHsmService.call`` take ``(request, params)``: a
``RequestContext`` (what scenario helpers pass, ``source="setup"``) or an
operation name (a client's request, with a fresh context). The context's own
operation decides what runs, never a context left from an earlier call.
"""

from __future__ import annotations

import pytest

from pytest_cloudhsm_kms import CloudHsmKms, RequestContext, ServiceError
from pytest_cloudhsm_kms.cloudhsm.service import CloudHsmService


def _cloudhsm_context(service: CloudHsmService, operation: str) -> RequestContext:
    return RequestContext(operation, service.region, service.account_id, service.clock,
                          source="setup")


def test_kms_runs_an_operation_named_by_its_name_or_its_context() -> None:
    with CloudHsmKms() as aws:
        kms = aws.kms()
        by_name = kms.call("CreateKey", {})["KeyMetadata"]["KeyId"]
        by_context = kms.call(kms.context("CreateKey", source="setup"), {})["KeyMetadata"]
        listed = {entry["KeyId"] for entry in kms.call(kms.context("ListKeys"), {})["Keys"]}
        assert listed == {by_name, by_context["KeyId"]}
        assert kms.call("ListKeys", {}) == kms.call(kms.context("ListKeys"), {})


def test_a_kms_context_s_grant_tokens_are_checked_and_not_kept_for_the_next_call() -> None:
    # docs/aws-behaviour.md §11.3: a token the fake never issued is InvalidGrantTokenException.
    with CloudHsmKms() as aws:
        kms = aws.kms()
        key_id = kms.call("CreateKey", {})["KeyMetadata"]["KeyId"]
        params = {"KeyId": key_id, "Plaintext": b"x"}
        with pytest.raises(ServiceError) as refused:
            kms.call(kms.context("Encrypt", {"GrantTokens": ["not-issued"]}), params)
        assert refused.value.code == "InvalidGrantTokenException"
        assert kms.call("Encrypt", params)["KeyId"].endswith(key_id)


def test_the_kms_context_s_operation_runs_not_the_last_one_named() -> None:
    with CloudHsmKms() as aws:
        kms = aws.kms()
        kms.call("ListKeys", {})  # the name's context is made and kept for the next ListKeys
        answer = kms.call(kms.context("ListAliases"), {})
        assert "Aliases" in answer and "Keys" not in answer


def test_cloudhsm_runs_an_operation_named_by_its_name_or_its_context() -> None:
    with CloudHsmKms() as aws:
        service = aws.cloudhsm()
        cluster = service.create_ready_cluster(hsm_count=1)
        by_name = service.call("DescribeClusters", {})
        by_context = service.call(_cloudhsm_context(service, "DescribeClusters"), {})
        assert by_name == by_context
        assert [c["ClusterId"] for c in by_name["Clusters"]] == [cluster.cluster_id]


def test_cloudhsm_still_takes_the_context_as_a_keyword() -> None:
    with CloudHsmKms() as aws:
        service = aws.cloudhsm()
        service.create_ready_cluster(hsm_count=1)
        context = _cloudhsm_context(service, "DescribeBackups")
        assert (service.call("DescribeBackups", {}, context=context)
                == service.call(context, {}))


def test_the_cloudhsm_context_s_operation_decides_what_runs() -> None:
    # DeleteCluster refuses a cluster that still has HSMs, in its own words
    # (docs/aws-behaviour.md §6.4): only DeleteCluster's handler and messages answer so.
    with CloudHsmKms() as aws:
        service = aws.cloudhsm()
        cluster_id = service.create_ready_cluster(hsm_count=1).cluster_id
        service.call("DescribeClusters", {})
        with pytest.raises(ServiceError) as refused:
            service.call(_cloudhsm_context(service, "DeleteCluster"), {"ClusterId": cluster_id})
        assert refused.value.code == "CloudHsmInvalidRequestException"
        assert refused.value.message == (
            f"Cluster {cluster_id} still has 1 HSM(s); delete all HSMs before deleting the "
            "cluster.")
        assert [c["ClusterId"] for c in service.call("DescribeClusters", {})["Clusters"]] == [
            cluster_id]


def test_a_cloudhsm_name_that_disagrees_with_its_keyword_context_is_refused() -> None:
    with CloudHsmKms() as aws:
        service = aws.cloudhsm()
        context = _cloudhsm_context(service, "DeleteCluster")
        with pytest.raises(ValueError, match="given a context of DeleteCluster"):
            service.call("DescribeClusters", {}, context=context)


@pytest.mark.parametrize("by_context", [False, True], ids=["name", "context"])
def test_an_operation_neither_service_serves_is_an_aws_error(by_context: bool) -> None:
    with CloudHsmKms() as aws:
        kms, cloudhsm = aws.kms(), aws.cloudhsm()
        kms_request = kms.context("TranslateKey") if by_context else "TranslateKey"
        hsm_request = (_cloudhsm_context(cloudhsm, "ResizeCluster") if by_context
                       else "ResizeCluster")
        with pytest.raises(ServiceError) as kms_error:
            kms.call(kms_request, {})
        with pytest.raises(ServiceError) as hsm_error:
            cloudhsm.call(hsm_request, {})
        assert kms_error.value.code == "UnsupportedOperationException"
        assert hsm_error.value.code == "CloudHsmInvalidRequestException"
