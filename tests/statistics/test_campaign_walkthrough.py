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
    # Save criteria, the follow-up segment, reuse asking first (issue #9).
    assert by_title["Save the criteria"].status == 201
    assert by_title["Save the criteria"].location.startswith("http://testserver/")
    follow_up = logged["follow_up_segment"]
    assert by_title["The follow-up segment"].answer["no"] == follow_up["no"]
    assert "replace" in by_title["Reusing criteria asks first"].answer
    # The transcript is complete (no place left to fill) and shows the figures.
    text = walkthrough.render(walk)
    assert "FOLLOW-UP" not in text
    assert "To come" not in text
    for figure in ("target_contacts_contacted", "contacts_responded"):
        assert f'"{figure}": {statistics[figure]}' in text
