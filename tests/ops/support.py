"""Run the project in a subprocess with exactly the environment a test gives.

Settings are read once per process, so rules about starting up (refusing
without a key, the production switch, database options) are tested in a fresh
interpreter, never by patching an imported settings module.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
PRODUCTION_ENV_FILE = BASE_DIR / "deploy" / "crm.env.example"


def production_env() -> dict[str, str]:
    """The documented production environment (``deploy/crm.env.example``)."""
    env = {}
    for line in PRODUCTION_ENV_FILE.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name] = value
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``python <args>`` in the project directory with only ``env`` (and PATH)."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONDONTWRITEBYTECODE": "1", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run(["manage.py", *args], env)


def settings_in(env: dict[str, str], *names: str) -> dict[str, Any]:
    """The named settings as a process started with ``env`` sees them."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, "
        "default=str))"
    )
    result = run(
        ["-c", code], {"DJANGO_SETTINGS_MODULE": "interactions_crm.settings", **env}
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])
