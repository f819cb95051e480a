"""The OpenAPI schema is the contract: it changes only on purpose.

``fixtures/openapi.yaml`` is the schema as ``manage.py spectacular --file``
writes it (first stored from main before the API code was split into
packages). Moving views and serializers between modules must not change one
byte of it: operation ids, component names, descriptions and error responses
are what generated clients and Schemathesis rely on.

When the API changes deliberately, regenerate the fixture with
``.venv/bin/python manage.py spectacular --file tests/api/fixtures/openapi.yaml``
and review the diff.
"""

import difflib
from pathlib import Path

from django.core.management import call_command

FIXTURE = Path(__file__).parent / "fixtures" / "openapi.yaml"


def test_generated_schema_is_identical_to_the_stored_contract(tmp_path: Path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(generated))

    expected = FIXTURE.read_text(encoding="utf-8")
    actual = generated.read_text(encoding="utf-8")
    diff = "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            fromfile="stored contract",
            tofile="generated now",
            n=2,
        )
    )
    assert actual == expected, f"The OpenAPI schema changed:\n{diff[:4000]}"
