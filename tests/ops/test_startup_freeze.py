"""A web process loads its URLconf and freezes its startup objects
(``interactions_crm.platform.startup``): the collector's full passes then
skip the ~120,000 objects that live as long as the process."""

import pytest

from tests.ops.support import run


@pytest.mark.parametrize("entry", ["interactions_crm.wsgi", "interactions_crm.asgi"])
def test_the_entry_points_load_the_urlconf_and_freeze_what_startup_made(entry):
    code = (
        "import gc, sys; "
        "assert gc.get_freeze_count() == 0; "
        f"import {entry}; "
        "print(gc.get_freeze_count(), "
        "'interactions.api.entries.views' in sys.modules)"
    )
    result = run(["-c", code], {"DJANGO_SETTINGS_MODULE": "interactions_crm.settings"})

    assert result.returncode == 0, result.stderr
    frozen, views_loaded = result.stdout.split()
    assert int(frozen) > 50_000
    assert views_loaded == "True"
