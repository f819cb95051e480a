"""The API campaign walk-through (``docs/campaign_walkthrough.py``) runs end to end.

The same :func:`run` writes ``docs/campaign_walkthrough.md``; here it runs on
the demo data and the figures it ends with are checked against what it did.
"""

import importlib.util
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from interactions.demo import DEMO_USERNAME, seed
from tests.api.conftest import token_client

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "campaign_walkthrough.py"


def load_walkthrough():
    spec = importlib.util.spec_from_file_location("campaign_walkthrough", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db
def test_a_campaign_runs_through_the_api_alone():
    seed()
    walkthrough = load_walkthrough()
    client = token_client(get_user_model().objects.get(username=DEMO_USERNAME))

    walk = walkthrough.run(client)

    by_title = {exchange.title: exchange for exchange in walk.exchanges}
    logged = by_title["Log the segment"].answer
    statistics = by_title["The campaign's statistics"].answer
    # Every logged line is a campaign target; plus the one response.
    assert statistics["count"] == logged["entry_count"] + 1
    assert statistics["target_contacts_contacted"] == logged["entry_count"]
    assert statistics["contacts_responded"] == 1
    assert by_title["A range that ends before it starts"].status == 422
    # Every creating request of ours names its resource.
    for title in ("Create the campaign", "A template for the invitation"):
        assert by_title[title].location.startswith("http://testserver/api/v1/")
    # The transcript renders with the follow-up places marked.
    text = walkthrough.render(walk)
    assert text.count("FOLLOW-UP") == 2
