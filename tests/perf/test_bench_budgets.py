"""The benchmark's new budget kind and ceilings (``make bench``, issue #12)."""

import pytest
from django.test import override_settings

from bench import baseline
from bench.harness import Check


def share(value: float, baseline_value: float) -> Check:
    return Check(
        case="8",
        what="list req/s",
        value=value,
        unit="req/s",
        kind="min_share",
        limit=0.5,
        baseline=baseline_value,
    )


def test_throughput_share_is_judged_against_the_baseline():
    assert share(60, 100).passed
    assert share(50, 100).passed
    assert not share(49, 100).passed
    assert share(60, 100).ratio == pytest.approx(0.6)
    assert share(60, 100).budget == "≥ 0.5×"


def test_no_baseline_throughput_fails():
    assert not share(10, 0).passed


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="bench.baseline")
def test_the_ceilings_answer_only_a_signed_in_user(client, admin_user):
    assert client.get(baseline.MINIMAL_PAGE).status_code == 302
    assert client.get(baseline.MINIMAL_API).status_code in (401, 403)

    client.force_login(admin_user)

    page = client.get(baseline.MINIMAL_PAGE)
    assert page.status_code == 200
    assert b"<p>ok</p>" in page.content
    api = client.get(baseline.MINIMAL_API)
    assert api.status_code == 200
    assert api.json() == {"results": []}
