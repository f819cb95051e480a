"""The application side of a drill: its environment, manage.py, gunicorn, workers."""

import json
import os
import secrets
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from processes import Supervisor, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def environment(
    *, database_url: str, work_dir: Path, production: bool, **extra: str
) -> dict[str, str]:
    """The drill's processes' whole environment (nothing leaks in from outside).

    ``production``: the documented production environment
    (deploy/crm.env.example), behind a proxy that says HTTPS.
    """
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "CRM_LOCAL_DIR": str(work_dir / "local"),
        # No mail leaves a drill.
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }
    if production:
        env |= {"PRODUCTION": "1", "NUM_PROXIES": "1"}
    return env | extra


def env_int(name: str, default: int) -> int:
    """A size of the drill from the caller's environment."""
    return int(os.environ.get(name) or default)


def python(env: dict[str, str], *args: str) -> str:
    """``python <args>`` in the project directory with ``env``; its output."""
    result = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:2])} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def manage(env: dict[str, str], *args: str) -> str:
    return python(env, "manage.py", *args)


def prepare_data(env: dict[str, str], *, contacts: int, entries: int) -> dict[str, Any]:
    """Migrate, fill the database (prepare_data.py); what the load needs."""
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "createcachetable", "-v", "0")
    admin_password = secrets.token_urlsafe(16)
    output = python(
        env,
        str(Path(__file__).with_name("prepare_data.py")),
        str(contacts),
        str(entries),
        admin_password,
    )
    data: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    data["admin_password"] = admin_password
    return data


@dataclass
class App:
    """The application processes of a drill."""

    supervisor: Supervisor
    env: dict[str, str]
    workers: list[str] = field(default_factory=list)

    def start_web(self, name: str, port: int, *, workers: int) -> None:
        """A gunicorn (master + ``workers`` sync workers) on 127.0.0.1:``port``."""
        process = self.supervisor.start(
            name,
            [
                str(VENV_BIN / "gunicorn"),
                "interactions_crm.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--timeout",
                "90",
                "--graceful-timeout",
                "5",
            ],
            env=self.env,
            cwd=ROOT,
        )
        wait_for_port(port, timeout=60, process=process)

    def start_worker(self, name: str) -> None:
        """A task worker whose worker id is ``name``."""
        self.supervisor.start(
            name,
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--worker-id",
                name,
                "--interval",
                "0.5",
                "--no-startup-delay",
            ],
            env=self.env,
            cwd=ROOT,
        )
        self.workers.append(name)
