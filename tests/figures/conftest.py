"""The API client for the API path (the recount helpers: tests/figures_recount.py)."""

from tests.api.conftest import (  # noqa: F401
    _fresh_throttle_counters,
    integrator_api,
)
