"""A trade-show campaign run through the REST API alone — and its transcript.

``python docs/campaign_walkthrough.py`` builds a fresh SQLite database with the
demo company (``seed_demo``), runs every request below in-process through the
whole stack (authentication, permissions, services, the database) as the demo
user, and writes what was sent and answered to
``docs/campaign_walkthrough.md``. ``tests/statistics/test_campaign_walkthrough.py``
runs the same :func:`run` and checks every status code, so the transcript
cannot rot: re-run the script after an API change and commit the output.

Dates in the demo data are relative to today, so entry numbers, dates and
segment numbers in the transcript change from run to run.
"""

import datetime as dt
import json
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "campaign_walkthrough.md"


@dataclass
class Exchange:
    """One request and its answer, with the prose that introduces it."""

    title: str
    text: str
    method: str
    path: str
    body: Any
    status: int
    location: str
    answer: Any


@dataclass
class Walkthrough:
    """Sends requests with ``client`` and records them; refuses a surprise."""

    client: Any
    base: str = "/api/v1"
    exchanges: list[Exchange] = field(default_factory=list)

    def call(
        self,
        title: str,
        text: str,
        method: str,
        path: str,
        body: Any = None,
        *,
        expect: int,
        query: dict[str, str] | None = None,
    ) -> Any:
        url = f"{self.base}{path}"
        send = getattr(self.client, method.lower())
        if method == "GET":
            response = send(url, query or {})
            if query:
                url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
        else:
            response = send(url, body, format="json")
        answer = response.json() if response.content else None
        if response.status_code != expect:
            raise AssertionError(
                f"{method} {url}: expected {expect}, got {response.status_code}: "
                f"{answer}"
            )
        self.exchanges.append(
            Exchange(
                title=title,
                text=text,
                method=method,
                path=url.removeprefix(self.base),
                body=body,
                status=response.status_code,
                location=response.headers.get("Location", ""),
                answer=answer,
            )
        )
        return answer


def _all_rows(client: Any, url: str) -> list[dict[str, Any]]:
    """Every row of a keyset-paged list (following ``next``)."""
    rows: list[dict[str, Any]] = []
    next_url: str | None = url
    while next_url:
        page = client.get(next_url).json()
        rows += page["results"]
        next_url = page.get("next")
    return rows


def run(client: Any, today: dt.date | None = None) -> Walkthrough:
    """The campaign, step by step; ``client`` is an authenticated ``APIClient``.

    Needs the demo data (``seed_demo``): salesperson ``KH``, group ``EMAIL``,
    job responsibility ``PURCHASE``, business relation ``PROS``, template
    ``CALL-IN``.
    """
    today = today or dt.datetime.now(dt.UTC).date()
    walk = Walkthrough(client)
    campaign = walk.call(
        "Create the campaign",
        "The number comes from the campaign number series; `Location` names "
        "the new resource (every `201` carries it).",
        "POST",
        "/campaigns/",
        {
            "description": "Trade show Lillestrøm",
            "starting_date": str(today),
            "ending_date": str(today + dt.timedelta(days=30)),
            "salesperson": "KH",
            "status": "active",
        },
        expect=201,
    )
    no = campaign["no"]
    walk.call(
        "A template for the invitation",
        "Entries made with it belong to the campaign and count as campaign targets.",
        "POST",
        "/interaction-templates/",
        {
            "code": "TRADESHOW",
            "group": "EMAIL",
            "description": "Trade show invitation",
            "unit_cost": "2.50",
            "unit_duration": "5",
            "information_flow": "outbound",
            "initiated_by": "us",
            "campaign": no,
            "campaign_target": True,
        },
        expect=201,
    )
    walk.call(
        "Its content without a language",
        "What the template sends per language (`interaction-templates/{code}/"
        "contents/{language}/`); the content without a language is `-` in URLs.",
        "POST",
        "/interaction-templates/TRADESHOW/contents/",
        {
            "language": "",
            "subject": "Meet us at the trade show",
            "body": "Dear {{ contact.name }},\n\nvisit our stand.\n\n"
            "{{ salesperson.name }}",
        },
        expect=201,
    )
    walk.call(
        "… and in Norwegian",
        "Contacts whose language is NOR get this one.",
        "POST",
        "/interaction-templates/TRADESHOW/contents/",
        {
            "language": "NOR",
            "subject": "Møt oss på messen",
            "body": "Hei {{ contact.name }},\n\nbesøk standen vår.\n\n"
            "{{ salesperson.name }}",
        },
        expect=201,
    )
    segment = walk.call(
        "A segment for the campaign",
        "The header takes its defaults from the template; the campaign and "
        "target are set on it.",
        "POST",
        "/segments/",
        {
            "description": "Trade show invitations",
            "template": "TRADESHOW",
            "campaign": no,
            "campaign_target": True,
        },
        expect=201,
    )
    segment_no = segment["no"]
    added = walk.call(
        "Add the purchasers",
        "Every person responsible for purchasing. The answer counts by reason: "
        "added, already in the segment, skipped for “exclude from segment” and "
        "skipped for privacy blocked (never added; both named).",
        "POST",
        f"/segments/{segment_no}/add-contacts/",
        {"criteria": {"contact_type": "person", "job_responsibility": "PURCHASE"}},
        expect=200,
    )
    walk.call(
        "Leave out the prospects",
        "Business relations belong to the persons' companies: a person matches "
        "through its company (DOMAIN §5).",
        "POST",
        f"/segments/{segment_no}/reduce-contacts/",
        {"criteria": {"business_relation": "PROS"}},
        expect=200,
    )
    walk.call(
        "Save the criteria",
        "The segment's criteria actions, in order, under a code, to replay on "
        "another segment (`reuse-criteria`).",
        "POST",
        f"/segments/{segment_no}/save-criteria/",
        {"code": "BUYERS", "description": "Purchasers, no prospects"},
        expect=201,
    )
    blocked = walk.call(
        "Privacy-blocked contacts",
        "They are never added to a segment (DOMAIN §5): none of them is among "
        "the lines.",
        "GET",
        "/contacts/",
        query={"privacy_blocked": "true"},
        expect=200,
    )
    blocked_nos = {contact["no"] for contact in blocked["results"]}
    lines = walk.call(
        "The segment's lines",
        "Who will be logged.",
        "GET",
        f"/segments/{segment_no}/lines/",
        expect=200,
    )
    rows = _all_rows(walk.client, f"{walk.base}/segments/{segment_no}/lines/")
    assert not {line["contact"] for line in rows} & blocked_nos, "blocked added"
    assert added["privacy_blocked"]["count"] == len(
        set(added["privacy_blocked"]["contacts"])
    )
    logged = walk.call(
        "Log the segment",
        "One entry per line, all or nothing; with a follow-up segment holding "
        "the same contacts. The answer names the logged segment, its entries "
        "and the follow-up segment.",
        "POST",
        f"/segments/{segment_no}/log/",
        {"send": False, "follow_up": True},
        expect=201,
    )
    follow_up_no = logged["follow_up_segment"]["no"]
    follow_up = walk.call(
        "The follow-up segment",
        "“Follow-up on segment …”, with the same contacts, ready for the next mailing.",
        "GET",
        f"/segments/{follow_up_no}/",
        expect=200,
    )
    walk.call(
        "Reusing criteria asks first",
        "The follow-up segment already has lines: reusing saved criteria would "
        "replace them, so it is refused with what would be replaced, until "
        '`"replace": true` confirms it.',
        "POST",
        f"/segments/{follow_up_no}/reuse-criteria/",
        {"code": "BUYERS"},
        expect=400,
    )
    responder = next(
        line["contact"]
        for line in lines["results"]
        if line["contact"] not in blocked_nos
    )
    walk.call(
        "A contact responds",
        "An inbound call recorded against the campaign as its response.",
        "POST",
        "/interactions/",
        {
            "contact": responder,
            "template": "CALL-IN",
            "salesperson": "KH",
            "campaign": no,
            "campaign_response": True,
            "description": "Will visit the stand",
        },
        expect=201,
    )
    walk.call(
        "The campaign's statistics",
        "Number, cost and duration of its entries, the target contacts "
        "contacted and the contacts that responded; canceled and postponed "
        "entries do not count.",
        "GET",
        f"/campaigns/{no}/statistics/",
        expect=200,
    )
    walk.call(
        "… over a date range",
        "`date_from` and `date_to` (both included, either optional).",
        "GET",
        f"/campaigns/{no}/statistics/",
        query={"date_from": str(today), "date_to": str(today)},
        expect=200,
    )
    walk.call(
        "A range that ends before it starts",
        "is refused on the field.",
        "GET",
        f"/campaigns/{no}/statistics/",
        query={"date_from": str(today), "date_to": str(today - dt.timedelta(days=1))},
        expect=422,
    )
    walk.call(
        "The template's statistics",
        "The same figures for templates, interaction groups and salespeople.",
        "GET",
        "/interaction-templates/TRADESHOW/statistics/",
        expect=200,
    )
    walk.call(
        "The salesperson's statistics",
        "",
        "GET",
        "/salespeople/KH/statistics/",
        query={"date_from": str(today)},
        expect=200,
    )
    assert logged["segment_no"] == segment_no
    assert follow_up["line_count"] == logged["entry_count"]
    return walk


def _shorten(answer: Any, keys: int = 14) -> Any:
    """Lists show three rows of five fields, objects their first ``keys`` fields."""
    if isinstance(answer, dict) and isinstance(answer.get("results"), list):
        rows = [_shorten(row, keys=5) for row in answer["results"]]
        if len(rows) > 3:
            rows = [*rows[:3], f"… {len(rows) - 3} more"]
        return {**answer, "results": rows}
    if isinstance(answer, dict) and len(answer) > keys:
        return {**dict(list(answer.items())[:keys]), "…": "…"}
    return answer


def render(walk: Walkthrough) -> str:
    """The transcript as Markdown (``docs/campaign_walkthrough.md``)."""
    parts = [
        "# Campaign walk-through (generated)",
        "",
        "Written by `python docs/campaign_walkthrough.py` on a fresh database "
        "with the demo data — do not edit by hand; re-run it. Requests are "
        "relative to `/api/v1`, sent as the demo user with "
        "`Authorization: Token …` and `Content-Type: application/json`. "
        "Lists show three rows of five fields, objects their first 14 fields.",
        "",
    ]
    for number, exchange in enumerate(walk.exchanges, start=1):
        parts += [f"## {number}. {exchange.title}", ""]
        if exchange.text:
            parts += [exchange.text, ""]
        parts.append("```http")
        parts.append(f"{exchange.method} {exchange.path}")
        if exchange.body is not None:
            parts.append(json.dumps(exchange.body, ensure_ascii=False, indent=2))
        parts += ["```", "", "```http", f"HTTP {exchange.status}"]
        if exchange.location:
            parts.append(f"Location: {exchange.location}")
        if exchange.answer is not None:
            parts.append(
                json.dumps(_shorten(exchange.answer), ensure_ascii=False, indent=2)
            )
        parts += ["```", ""]
    return "\n".join(parts)


def main() -> None:
    """Fresh database, demo data, the walk-through, the transcript."""
    sys.path.insert(0, str(ROOT))
    database = Path(tempfile.mkdtemp()) / "walkthrough.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interactions_crm.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test.utils import setup_test_environment
    from rest_framework.test import APIClient

    from interactions.demo import DEMO_USERNAME
    from interactions_crm.platform.api.auth import issue_token

    setup_test_environment()  # ALLOWED_HOSTS for the in-process client
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    user = get_user_model().objects.get(username=DEMO_USERNAME)
    token = issue_token(actor=None, user=user, name="walk-through")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    OUTPUT.write_text(render(run(client)), encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
