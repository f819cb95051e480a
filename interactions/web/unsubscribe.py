"""The public unsubscribe page of marketing e-mail (DOMAIN §12, RFC 8058).

No login. GET only shows a confirmation page — a link scanner following the
link changes nothing. POST records the opt-out: from that page's button, or
straight from a mail client's one-click unsubscribe (``List-Unsubscribe-Post:
List-Unsubscribe=One-Click``), which sends no CSRF token; this view alone is
exempt from the CSRF check, and it can do nothing but opt out the contact
its signed token names. Requests are rate limited per client address.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from interactions.models import OptOutMethod, OutboxMessage
from interactions.services.outbox.consent import message_for_token, record_opt_out

ONE_CLICK_BODY = "List-Unsubscribe=One-Click"


def _limited(request: HttpRequest) -> bool:
    """Count this request for its client address; True above the minute's limit."""
    key = f"unsubscribe-rate:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, timeout=60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=60)
        count = 1
    return count > settings.CRM_UNSUBSCRIBE_RATE_PER_MINUTE


def _language(message: OutboxMessage | None, request: HttpRequest) -> str:
    """The page speaks the language of the e-mail, else the browser's."""
    known = {code for code, _name in settings.LANGUAGES}
    code = (message.entry.language if message is not None else "").lower()
    return code if code in known else translation.get_language_from_request(request)


def _masked(address: str) -> str:
    """``k***@example.com``: enough to recognise, not to harvest."""
    local, _at, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: confirm page (no change). POST: record the opt-out."""
    if _limited(request):
        return render(request, "interactions/unsubscribe/limited.html", status=429)
    message = message_for_token(token)
    with translation.override(_language(message, request)):
        if message is None:
            return render(request, "interactions/unsubscribe/invalid.html", status=404)
        context = {"address": _masked(message.recipient)}
        if request.method == "GET":
            return render(request, "interactions/unsubscribe/confirm.html", context)
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        record_opt_out(
            contact=message.entry.contact,
            method=OptOutMethod.ONE_CLICK if one_click else OptOutMethod.LINK,
            message_id=message.message_id,
        )
        return render(request, "interactions/unsubscribe/done.html", context)
