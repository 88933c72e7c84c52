"""Key rotation: EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus,
RotateKeyOnDemand and ListKeyRotations, on the virtual clock (docs/aws-behaviour.md §2.4, §3).

Each test states the AWS behaviour it checks, through a real boto3 client; every
successful response is checked against the botocore output shape.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from botocore.config import Config
from helpers import DAY, call, fails, new_key, schedule_deletion

ROTATION_OPERATIONS = ["EnableKeyRotation", "DisableKeyRotation", "GetKeyRotationStatus",
                       "RotateKeyOnDemand", "ListKeyRotations"]


def status(client: Any, key_id: str) -> dict[str, Any]:
    return call(client, "GetKeyRotationStatus", KeyId=key_id)


def rotations(client: Any, key_id: str, **params: Any) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = call(client, "ListKeyRotations", KeyId=key_id,
                                        **params)["Rotations"]
    return listed


def material_id(client: Any, key_id: str) -> str:
    current: str = client.describe_key(KeyId=key_id)["KeyMetadata"]["CurrentKeyMaterialId"]
    return current


def epoch(value: datetime.datetime) -> float:
    return value.timestamp()


@pytest.fixture
def rotating_key(kms_client: Any, symmetric_key: dict[str, Any]) -> str:
    """The ID of a symmetric key with automatic rotation every 90 days, enabled now."""
    key_id: str = symmetric_key["KeyId"]
    kms_client.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=90)
    return key_id


# -- automatic rotation ----------------------------------------------------------------------


def test_automatic_rotation_is_off_for_a_new_key(
    kms_client: Any, symmetric_key: dict[str, Any],
) -> None:
    response = status(kms_client, symmetric_key["KeyId"])

    assert response["KeyRotationEnabled"] is False
    assert response["KeyId"] == symmetric_key["KeyId"]
    assert "NextRotationDate" not in response
    assert "RotationPeriodInDays" not in response


def test_enabling_rotation_schedules_it_365_days_ahead_by_default(
    cloudhsm_kms: Any, kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    before = cloudhsm_kms.clock.now()
    call(kms_client, "EnableKeyRotation", KeyId=symmetric_key["KeyId"])

    response = status(kms_client, symmetric_key["Arn"])
    assert response["KeyRotationEnabled"] is True
    assert response["RotationPeriodInDays"] == 365
    assert epoch(response["NextRotationDate"]) == pytest.approx(before + 365 * DAY, abs=5)


def test_the_rotation_period_may_be_90_to_2560_days(
    cloudhsm_kms: Any, kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    call(kms_client, "EnableKeyRotation", KeyId=symmetric_key["KeyId"], RotationPeriodInDays=90)
    assert status(kms_client, symmetric_key["KeyId"])["RotationPeriodInDays"] == 90

    raw = cloudhsm_kms.client("kms", config=Config(parameter_validation=False))
    for days in (89, 2561):
        message = fails(raw, "EnableKeyRotation", "ValidationException",
                        KeyId=symmetric_key["KeyId"],
                        RotationPeriodInDays=days)
        assert message is not None
        assert "at 'rotationPeriodInDays' failed to satisfy constraint" in message


def test_the_key_rotates_when_the_period_ends_and_old_ciphertext_still_decrypts(
    cloudhsm_kms: Any, kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    before = material_id(kms_client, symmetric_key["KeyId"])
    old_blob = kms_client.encrypt(KeyId=symmetric_key["KeyId"], Plaintext=b"old")["CiphertextBlob"]
    kms_client.enable_key_rotation(KeyId=symmetric_key["KeyId"], RotationPeriodInDays=90)

    cloudhsm_kms.clock.advance(91 * DAY)

    after = material_id(kms_client, symmetric_key["KeyId"])
    assert after != before
    (rotation,) = rotations(kms_client, symmetric_key["KeyId"])
    assert rotation["RotationType"] == "AUTOMATIC"
    assert rotation["KeyId"] == symmetric_key["KeyId"]  # the key ID (docs/aws-behaviour.md §11.5)
    assert rotation["KeyMaterialId"] == after
    assert rotation["KeyMaterialState"] == "CURRENT"
    old = kms_client.decrypt(CiphertextBlob=old_blob)
    assert old["Plaintext"] == b"old"
    assert old["KeyMaterialId"] == before
    new_blob = kms_client.encrypt(KeyId=symmetric_key["KeyId"], Plaintext=b"new")["CiphertextBlob"]
    assert kms_client.decrypt(CiphertextBlob=new_blob)["KeyMaterialId"] == after


def test_rotation_repeats_every_period(
    cloudhsm_kms: Any, kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    kms_client.enable_key_rotation(KeyId=symmetric_key["KeyId"], RotationPeriodInDays=100)
    start = epoch(status(kms_client, symmetric_key["KeyId"])["NextRotationDate"]) - 100 * DAY

    cloudhsm_kms.clock.advance(350 * DAY)

    listed = rotations(kms_client, symmetric_key["KeyId"])
    assert [epoch(r["RotationDate"]) for r in listed] == pytest.approx(
        [start + 100 * DAY, start + 200 * DAY, start + 300 * DAY], abs=1)
    assert [r["KeyMaterialState"] for r in listed] == ["NON_CURRENT", "NON_CURRENT", "CURRENT"]
    assert epoch(status(kms_client, symmetric_key["KeyId"])["NextRotationDate"]) == pytest.approx(
        start + 400 * DAY, abs=1)


def test_changing_the_period_moves_the_next_rotation(
    cloudhsm_kms: Any, kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    kms_client.enable_key_rotation(KeyId=symmetric_key["KeyId"], RotationPeriodInDays=365)
    first = epoch(status(kms_client, symmetric_key["KeyId"])["NextRotationDate"])

    call(kms_client, "EnableKeyRotation", KeyId=symmetric_key["KeyId"], RotationPeriodInDays=180)

    assert epoch(status(kms_client, symmetric_key["KeyId"])["NextRotationDate"]) == pytest.approx(
        first - 185 * DAY, abs=1)
    cloudhsm_kms.clock.advance(181 * DAY)
    assert len(rotations(kms_client, symmetric_key["KeyId"])) == 1


def test_enabling_rotation_twice_rotates_once_per_period(
    cloudhsm_kms: Any, kms_client: Any, rotating_key: str
) -> None:
    kms_client.enable_key_rotation(KeyId=rotating_key, RotationPeriodInDays=90)  # again

    cloudhsm_kms.clock.advance(100 * DAY)

    assert len(rotations(kms_client, rotating_key)) == 1


def test_disabling_rotation_stops_it(
    cloudhsm_kms: Any, kms_client: Any, rotating_key: str
) -> None:
    call(kms_client, "DisableKeyRotation", KeyId=rotating_key)
    cloudhsm_kms.clock.advance(200 * DAY)

    assert status(kms_client, rotating_key)["KeyRotationEnabled"] is False
    assert rotations(kms_client, rotating_key) == []


def test_a_disabled_key_does_not_rotate_until_it_is_enabled_again(
    cloudhsm_kms: Any, kms_client: Any, rotating_key: str
) -> None:
    kms_client.disable_key(KeyId=rotating_key)

    cloudhsm_kms.clock.advance(120 * DAY)
    assert rotations(kms_client, rotating_key) == []
    assert status(kms_client, rotating_key)["KeyRotationEnabled"] is True

    kms_client.enable_key(KeyId=rotating_key)
    cloudhsm_kms.clock.advance(DAY)
    assert len(rotations(kms_client, rotating_key)) == 1


def test_a_key_pending_deletion_reports_rotation_off_until_the_deletion_is_cancelled(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    kms_client.enable_key_rotation(KeyId=symmetric_key["KeyId"])
    schedule_deletion(kms_client, symmetric_key["KeyId"])

    assert status(kms_client, symmetric_key["KeyId"])["KeyRotationEnabled"] is False

    kms_client.cancel_key_deletion(KeyId=symmetric_key["KeyId"])
    assert status(kms_client, symmetric_key["KeyId"])["KeyRotationEnabled"] is True


@pytest.mark.parametrize("operation", ["EnableKeyRotation", "DisableKeyRotation",
                                       "RotateKeyOnDemand"])
def test_rotation_of_a_disabled_or_deleting_key_cannot_change(
    kms_client: Any, symmetric_key: dict[str, Any], operation: str
) -> None:
    kms_client.disable_key(KeyId=symmetric_key["KeyId"])
    assert fails(kms_client, operation, "DisabledException",
                 KeyId=symmetric_key["KeyId"]) == f"{symmetric_key['Arn']} is disabled."

    schedule_deletion(kms_client, symmetric_key["KeyId"])
    fails(kms_client, operation, "KMSInvalidStateException", KeyId=symmetric_key["KeyId"])


@pytest.mark.parametrize("operation", ROTATION_OPERATIONS)
def test_rotation_operations_take_a_key_id_or_arn_only(
    kms_client: Any, symmetric_key: dict[str, Any], operation: str
) -> None:
    kms_client.create_alias(AliasName="alias/orders", TargetKeyId=symmetric_key["KeyId"])

    fails(kms_client, operation, "InvalidArnException", KeyId="alias/orders")
    fails(kms_client, operation, "NotFoundException", KeyId="00000000-0000-4000-8000-000000000000")


@pytest.mark.parametrize("operation", ROTATION_OPERATIONS)
@pytest.mark.parametrize(
    "spec", [{"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"},
             {"KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY"}], ids=["hmac", "ecc"])
def test_only_symmetric_encryption_keys_rotate(
    kms_client: Any, operation: str, spec: dict[str, str]
) -> None:
    other = new_key(kms_client, **spec)

    fails(kms_client, operation, "UnsupportedOperationException", KeyId=other["KeyId"])


@pytest.mark.parametrize("operation", ROTATION_OPERATIONS)
def test_a_cloudhsm_key_store_key_never_rotates(
    kms_client: Any, cloudhsm_key: dict[str, Any], operation: str
) -> None:
    message = fails(kms_client, operation, "UnsupportedOperationException",
                    KeyId=cloudhsm_key["KeyId"])

    assert message == (f"{cloudhsm_key['Arn']} origin is AWS_CLOUDHSM which is not valid for "
                       "this operation.")


# -- on-demand rotation ----------------------------------------------------------------------


def test_rotate_key_on_demand_rotates_and_keeps_the_automatic_schedule(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    kms_client.enable_key_rotation(KeyId=symmetric_key["KeyId"])
    scheduled = status(kms_client, symmetric_key["KeyId"])["NextRotationDate"]
    before = material_id(kms_client, symmetric_key["KeyId"])

    response = call(kms_client, "RotateKeyOnDemand", KeyId=symmetric_key["KeyId"])

    assert response["KeyId"] == symmetric_key["Arn"]  # docs/aws-behaviour.md §11.5
    assert material_id(kms_client, symmetric_key["KeyId"]) != before
    (rotation,) = rotations(kms_client, symmetric_key["KeyId"])
    assert rotation["RotationType"] == "ON_DEMAND"
    assert status(kms_client, symmetric_key["KeyId"])["NextRotationDate"] == scheduled


def test_an_on_demand_rotation_in_progress_is_reported_and_conflicts_with_another(
    cloudhsm_kms: Any, kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    cloudhsm_kms.settings = cloudhsm_kms.settings.replace(on_demand_rotation_delay=60.0)
    kms_client.rotate_key_on_demand(KeyId=symmetric_key["KeyId"])

    assert "OnDemandRotationStartDate" in status(kms_client, symmetric_key["KeyId"])
    fails(kms_client, "RotateKeyOnDemand", "ConflictException", KeyId=symmetric_key["KeyId"])

    cloudhsm_kms.clock.advance(61)
    assert "OnDemandRotationStartDate" not in status(kms_client, symmetric_key["KeyId"])
    assert len(rotations(kms_client, symmetric_key["KeyId"])) == 1


def test_on_demand_rotation_conflicts_with_an_automatic_rotation_about_to_begin(
    cloudhsm_kms: Any, kms_client: Any, rotating_key: str
) -> None:
    # AWS: ConflictException while an automatic rotation is in progress or scheduled to
    # begin within the next 20 minutes (docs/aws-behaviour.md §11.5).
    cloudhsm_kms.clock.advance(90 * DAY - 21 * 60)
    call(kms_client, "RotateKeyOnDemand", KeyId=rotating_key)  # 21 minutes before: allowed

    cloudhsm_kms.clock.advance(2 * 60)  # 19 minutes before
    fails(kms_client, "RotateKeyOnDemand", "ConflictException", KeyId=rotating_key)


def test_a_key_rotates_on_demand_at_most_25_times(
    cloudhsm_kms: Any, kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    cloudhsm_kms.settings = cloudhsm_kms.settings.replace(max_on_demand_rotations=2)
    kms_client.rotate_key_on_demand(KeyId=symmetric_key["KeyId"])
    kms_client.rotate_key_on_demand(KeyId=symmetric_key["KeyId"])

    fails(kms_client, "RotateKeyOnDemand", "LimitExceededException", KeyId=symmetric_key["KeyId"])


# -- ListKeyRotations ------------------------------------------------------------------------


def test_all_key_material_adds_the_first_material(
    kms_client: Any, symmetric_key: dict[str, Any],
) -> None:
    first = material_id(kms_client, symmetric_key["KeyId"])
    kms_client.rotate_key_on_demand(KeyId=symmetric_key["KeyId"])

    listed = rotations(kms_client, symmetric_key["KeyId"], IncludeKeyMaterial="ALL_KEY_MATERIAL")

    assert listed[0]["KeyMaterialId"] == first
    assert listed[0]["KeyMaterialState"] == "NON_CURRENT"
    assert "RotationDate" not in listed[0]
    assert listed[1]["KeyMaterialState"] == "CURRENT"
    only_rotations = rotations(kms_client, symmetric_key["KeyId"],
                               IncludeKeyMaterial="ROTATIONS_ONLY")
    assert len(only_rotations) == 1


def test_list_key_rotations_pages_with_limit_and_marker(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    for _ in range(3):
        kms_client.rotate_key_on_demand(KeyId=symmetric_key["KeyId"])

    first = call(kms_client, "ListKeyRotations", KeyId=symmetric_key["KeyId"], Limit=2)
    second = call(kms_client, "ListKeyRotations", KeyId=symmetric_key["KeyId"],
                  Marker=first["NextMarker"])

    assert first["Truncated"] is True
    assert len(first["Rotations"] + second["Rotations"]) == 3
    fails(kms_client, "ListKeyRotations", "InvalidMarkerException", KeyId=symmetric_key["KeyId"],
          Marker="bogus")


def test_rotations_of_a_key_pending_deletion_can_still_be_listed(
    kms_client: Any, symmetric_key: dict[str, Any]
) -> None:
    kms_client.rotate_key_on_demand(KeyId=symmetric_key["KeyId"])
    schedule_deletion(kms_client, symmetric_key["KeyId"])

    assert len(rotations(kms_client, symmetric_key["KeyId"])) == 1


@pytest.mark.parametrize("operation", ["EnableKeyRotation", "DisableKeyRotation"])
def test_automatic_rotation_of_a_key_pending_import_is_refused_for_its_origin(
    kms_client: Any, operation: str
) -> None:
    # AWS's key state table: [6], the origin error, not the state's (docs/aws-behaviour.md §11.5).
    key = new_key(kms_client, Origin="EXTERNAL")

    message = fails(kms_client, operation, "UnsupportedOperationException", KeyId=key["KeyId"])

    assert message == f"{key['Arn']} origin is EXTERNAL which is not valid for this operation."
