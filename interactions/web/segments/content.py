"""The segment's content per language: ``/segments/<no>/contents/`` (DOMAIN §5).

NAV's "Segment Interaction Languages": choosing a template copies its
subject and body per language onto the segment, where they are edited for
this mailing without touching the template. Each line is sent the content of
its language (else of the segment's default language) when the segment is
logged. The page lists every language as a form and offers to add one; each
form saves one language through
:func:`~interactions.services.segments.header.set_segment_content`.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from interactions.models import Segment
from interactions.services.segments.header import set_segment_content
from interactions.web.base import CHANGE_SEGMENT, StaffRequest, StaffView
from interactions.web.segments.forms import SegmentContentForm
from interactions.web.segments.worksheet import segment_or_404
from interactions_crm.platform.forms import add_service_errors

#: The prefix of the "add a language" form.
NEW = "new"


def _prefix(index: int) -> str:
    return f"content-{index}"


class SegmentContentView(StaffView):
    """Edit the segment's subject and body per language (one form per language).

    POST carries ``form`` (which form was sent: a language's index or
    ``new``); a valid form is saved and the user returns to this page, an
    invalid one is shown again with its errors (status 400).
    """

    permission_required = CHANGE_SEGMENT
    http_method_names = ["get", "post", "head", "options"]

    def forms(
        self, segment: Segment, bound: tuple[str, SegmentContentForm] | None = None
    ) -> tuple[list[SegmentContentForm], SegmentContentForm]:
        """One form per existing language, and the "add a language" form."""
        forms = [
            SegmentContentForm(
                prefix=_prefix(index),
                initial={
                    "language": content.language,
                    "subject": content.subject,
                    "body": content.body,
                },
            )
            for index, content in enumerate(segment.contents.order_by("language"))
        ]
        new = SegmentContentForm(prefix=NEW, new=True)
        if bound is not None:
            key, form = bound
            if key == NEW:
                new = form
            else:
                forms[int(key)] = form
        return forms, new

    def render_page(
        self,
        segment: Segment,
        bound: tuple[str, SegmentContentForm] | None = None,
        status: int = 200,
    ) -> HttpResponse:
        forms, new = self.forms(segment, bound)
        context: dict[str, Any] = {"segment": segment, "forms": forms, "new": new}
        return render(
            self.request, "interactions/segment_contents.html", context, status=status
        )

    def get(self, request: StaffRequest, no: str) -> HttpResponse:
        return self.render_page(segment_or_404(no))

    def post(self, request: StaffRequest, no: str) -> HttpResponse:
        segment = segment_or_404(no)
        key = request.POST.get("form", "")
        count = segment.contents.count()
        if key != NEW and not (key.isdigit() and int(key) < count):
            messages.error(request, _("The content to save was not named."))
            return self.render_page(segment, status=400)
        prefix = NEW if key == NEW else _prefix(int(key))
        form = SegmentContentForm(request.POST, prefix=prefix, new=key == NEW)
        if form.is_valid():
            language = form.cleaned_data["language"]
            exists = segment.contents.filter(language=language).exists()
            if key == NEW and exists:
                form.add_error(
                    "language",
                    _("The segment already has content in language “%(code)s”.")
                    % {"code": language or "—"},
                )
            elif key != NEW and not exists:
                # The hidden language was changed or the content removed.
                form.add_error(
                    None,
                    _(
                        "The segment has no content in language “%(code)s”; "
                        "add it as a new language."
                    )
                    % {"code": language or "—"},
                )
            else:
                try:
                    set_segment_content(
                        actor=request.user,
                        segment=segment,
                        language=language,
                        subject=form.cleaned_data["subject"],
                        body=form.cleaned_data["body"],
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(
                        request,
                        _(
                            "The content in language “%(code)s” has been saved for "
                            "this segment (the template is unchanged)."
                        )
                        % {"code": language or "—"},
                    )
                    return redirect("interactions:segment-contents", no=segment.no)
        return self.render_page(segment, (key, form), status=400)
