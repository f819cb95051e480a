"""Production database connections and throttle counters (issue #12, item 4)."""

import pytest
from django.conf import settings

from interactions_crm import settings as project_settings


def test_postgresql_keeps_its_connection_and_checks_it_before_reuse():
    config = project_settings.database("postgresql://crm@db.example:5432/crm")

    assert config["CONN_MAX_AGE"] == project_settings.POSTGRES_CONN_MAX_AGE
    assert config["CONN_MAX_AGE"] > 0
    assert config["CONN_HEALTH_CHECKS"] is True


def test_the_persistent_connection_defaults_to_ten_minutes(monkeypatch):
    monkeypatch.delenv("CONN_MAX_AGE", raising=False)

    assert project_settings.env_int("CONN_MAX_AGE", 600) == 600


@pytest.mark.parametrize("alias", ["default"])
def test_throttle_counters_live_in_a_cache_every_process_shares(alias):
    backend = settings.CACHES[alias]["BACKEND"]

    assert "locmem" not in backend.lower(), backend
    assert "dummy" not in backend.lower(), backend
