"""The PostgreSQL run fails when a ``postgres``-marked test skips.

The guard is a hook in ``tests/conftest.py``. These tests run pytest in a
subprocess over a tiny synthetic test file, once with a PostgreSQL
``DATABASE_URL`` and once with SQLite. The synthetic tests never touch the
database, so no server is needed: the hook only reads the configured vendor.
"""

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import SKIPPED_ON_POSTGRESQL

ROOT = Path(__file__).resolve().parent.parent

SYNTHETIC_TESTS = """
import pytest


@pytest.mark.postgres
def test_skips_in_its_body():
    pytest.skip("needs concurrent writers")


@pytest.mark.postgres
@pytest.mark.skipif(True, reason="skipped by its marker")
def test_skips_by_marker():
    pass


@pytest.mark.postgres
@pytest.mark.xfail(reason="a known gap", strict=True)
def test_expected_failure():
    raise AssertionError


@pytest.mark.postgres
def test_runs():
    pass


def test_unmarked_skip():
    pytest.skip("not PostgreSQL-only")
"""


def run_synthetic(tmp_path: Path, database_url: str) -> subprocess.CompletedProcess:
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nmarkers =\n    postgres: PostgreSQL only\n"
    )
    (tmp_path / "conftest.py").write_text(
        "from tests.conftest import pytest_runtest_makereport  # noqa: F401\n"
    )
    (tmp_path / "test_synthetic.py").write_text(SYNTHETIC_TESTS)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "interactions_crm.settings",
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rfEs", "-q"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_postgres_test_skipped_on_postgresql_fails_the_run(tmp_path):
    # Port 9 (discard) is never contacted: the synthetic tests use no database.
    result = run_synthetic(tmp_path, "postgresql://nobody@127.0.0.1:9/never_used")

    out = result.stdout
    assert result.returncode == 1, out + result.stderr
    assert "FAILED test_synthetic.py::test_skips_in_its_body" in out
    assert "ERROR test_synthetic.py::test_skips_by_marker" in out
    assert f"{SKIPPED_ON_POSTGRESQL} (needs concurrent writers)" in out
    assert f"{SKIPPED_ON_POSTGRESQL} (skipped by its marker)" in out
    # Unmarked skips and expected failures are not the guard's business.
    assert "SKIPPED [1] test_synthetic.py" in out
    assert "1 failed, 1 passed, 1 skipped, 1 xfailed, 1 error" in out


def test_postgres_tests_may_skip_on_sqlite(tmp_path):
    result = run_synthetic(tmp_path, f"sqlite:///{tmp_path / 'unused.sqlite3'}")

    assert result.returncode == 0, result.stdout + result.stderr
    assert SKIPPED_ON_POSTGRESQL not in result.stdout
    assert "1 passed, 3 skipped, 1 xfailed" in result.stdout
