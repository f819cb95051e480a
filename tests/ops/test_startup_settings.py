"""What the settings do at start-up: the production switch, keys, connections.

Each test starts a fresh interpreter with exactly the environment it names
(tests/ops/support.py).
"""

import importlib.util
import secrets
import stat

import pytest

from tests.ops.support import manage, production_env, settings_in

POSTGRES_URL = "postgresql://crm:pw@db.internal:5432/crm"


@pytest.fixture
def production(tmp_path) -> dict[str, str]:
    """The documented production environment with a real random key."""
    return {
        **production_env(),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "CACHE_DIR": str(tmp_path / "cache"),
    }


def test_production_refuses_to_start_without_a_secret_key(production):
    del production["SECRET_KEY"]

    result = manage("check", env=production)

    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr


def test_production_refuses_to_start_with_debug(production):
    result = manage("check", env={**production, "DEBUG": "1"})

    assert result.returncode != 0
    assert "ImproperlyConfigured: DEBUG is on with PRODUCTION=1" in result.stderr


def test_check_deploy_finds_nothing_in_the_documented_environment(production):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_switch_turns_on_https_only(production, tmp_path):
    names = (
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_PROXY_SSL_HEADER",
        "STATIC_MANIFEST",
    )

    on = settings_in(production, *names)
    off = settings_in({"CRM_LOCAL_DIR": str(tmp_path)}, *names)

    assert on == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "STATIC_MANIFEST": True,
    }
    assert off == {
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_PROXY_SSL_HEADER": None,
        "STATIC_MANIFEST": False,
    }


def test_a_checkout_without_a_key_makes_its_own_once(tmp_path):
    env = {"CRM_LOCAL_DIR": str(tmp_path / "local")}

    first = settings_in(env, "SECRET_KEY")["SECRET_KEY"]
    second = settings_in(env, "SECRET_KEY")["SECRET_KEY"]

    key_file = tmp_path / "local" / "secret_key"
    assert first == second == key_file.read_text()
    assert len(first) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # Never committed: the directory ignores itself.
    assert (tmp_path / "local" / ".gitignore").read_text() == "*\n"


def test_postgresql_keeps_a_checked_connection_per_process(tmp_path):
    databases = settings_in(
        {"DATABASE_URL": POSTGRES_URL, "CRM_LOCAL_DIR": str(tmp_path)}, "DATABASES"
    )["DATABASES"]

    assert databases["default"]["CONN_MAX_AGE"] == 600
    assert databases["default"]["CONN_HEALTH_CHECKS"] is True
    assert "pool" not in databases["default"]["OPTIONS"]


def test_sqlite_connections_are_not_kept(tmp_path):
    databases = settings_in({"CRM_LOCAL_DIR": str(tmp_path)}, "DATABASES")["DATABASES"]

    assert databases["default"]["CONN_MAX_AGE"] == 0


def test_connection_pool_is_sized_by_the_environment(tmp_path):
    env = {
        "DATABASE_URL": POSTGRES_URL,
        "DATABASE_POOL_MAX_SIZE": "8",
        "DATABASE_POOL_MIN_SIZE": "2",
        "CRM_LOCAL_DIR": str(tmp_path),
    }
    if importlib.util.find_spec("psycopg_pool") is None:
        result = manage("check", env=env)
        assert result.returncode != 0
        assert "psycopg_pool is not installed" in result.stderr
        return

    databases = settings_in(env, "DATABASES")["DATABASES"]

    assert databases["default"]["OPTIONS"]["pool"] == {
        "min_size": 2,
        "max_size": 8,
        "timeout": 10,
    }
    assert databases["default"]["CONN_MAX_AGE"] == 0


def test_replica_url_turns_on_replica_reads(tmp_path):
    replica_url = "postgresql://crm:pw@db-replica.internal:5432/crm"
    env = {
        "DATABASE_URL": POSTGRES_URL,
        "DATABASE_REPLICA_URL": replica_url,
        "CRM_LOCAL_DIR": str(tmp_path),
    }

    with_replica = settings_in(env, "DATABASES", "CRM_READ_REPLICA")
    without = settings_in({"CRM_LOCAL_DIR": str(tmp_path)}, "CRM_READ_REPLICA")

    assert with_replica["CRM_READ_REPLICA"] is True
    assert with_replica["DATABASES"]["replica"]["HOST"] == "db-replica.internal"
    assert with_replica["DATABASES"]["replica"]["TEST"]["MIRROR"] == "default"
    assert without["CRM_READ_REPLICA"] is False


@pytest.mark.parametrize(
    ("env", "backend"),
    [
        ({}, "django.core.cache.backends.filebased.FileBasedCache"),
        (
            {"CACHE_BACKEND": "database"},
            "django.core.cache.backends.db.DatabaseCache",
        ),
    ],
)
def test_the_cache_is_shared_by_processes(tmp_path, env, backend):
    caches = settings_in({"CRM_LOCAL_DIR": str(tmp_path), **env}, "CACHES")["CACHES"]

    assert caches["default"]["BACKEND"] == backend


def test_redis_url_moves_the_cache_to_redis(tmp_path):
    env = {"REDIS_URL": "redis://127.0.0.1:6379/0", "CRM_LOCAL_DIR": str(tmp_path)}
    if importlib.util.find_spec("redis") is None:
        result = manage("check", env=env)
        assert result.returncode != 0
        assert "the redis package is not installed" in result.stderr
        return

    caches = settings_in(env, "CACHES")["CACHES"]

    assert caches["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert caches["default"]["LOCATION"] == "redis://127.0.0.1:6379/0"


def test_an_unknown_cache_backend_is_refused(tmp_path):
    result = manage(
        "check", env={"CACHE_BACKEND": "memcached", "CRM_LOCAL_DIR": str(tmp_path)}
    )

    assert result.returncode != 0
    assert "CACHE_BACKEND must be file, database or redis" in result.stderr
