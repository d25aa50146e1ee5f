"""The unlink settings reach the service, and a wrong one stops start-up naming the variable."""

from __future__ import annotations

from datetime import timedelta

import pytest

from integration.app import UnlinkPolicy, bootstrap
from integration.errors import ConfigError
from integration.settings import load_settings


def test_expiry_and_the_two_person_rule_come_from_the_settings() -> None:
    settings = load_settings(
        database_url="sqlite://", xerobot_unlink_expiry_minutes="5", xerobot_unlink_two_person="true"
    )
    service = bootstrap.build_service(settings)
    try:
        assert service.unlinks.policy == UnlinkPolicy(timedelta(minutes=5), two_person=True)
    finally:
        service.close()


def test_by_default_a_request_waits_thirty_minutes_and_one_approver_suffices() -> None:
    service = bootstrap.build_service(load_settings(database_url="sqlite://"))
    try:
        assert service.unlinks.policy == UnlinkPolicy(timedelta(minutes=30), two_person=False)
    finally:
        service.close()


def test_an_expiry_of_zero_minutes_is_refused_naming_the_variable() -> None:
    with pytest.raises(ConfigError) as wrong:
        load_settings(xerobot_unlink_expiry_minutes="0")
    assert wrong.value.variable == "XEROBOT_UNLINK_EXPIRY_MINUTES"
