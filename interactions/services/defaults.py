"""The values a new interaction gets by default (DOMAIN §4.1) and its content.

:func:`interaction_defaults` is the single source of defaults for every
creation path: the wizard, documents and segment lines (whose SQL mirror,
:mod:`interactions.services.segments.lines`, a property test keeps equal to
it). :func:`render_content` merges a template's content with plain values.
"""

import datetime as dt
from typing import Any

from django.utils import timezone

from contacts.models import Contact, CorrespondenceType, Salesperson
from interactions.models import (
    ENTRY_TEMPLATE_FIELDS,
    Campaign,
    InteractionTemplate,
    TemplateContent,
)
from interactions.services.merge import merge, merge_context
from interactions_crm.platform.actors import Actor, user_or_none


def select_content(
    template: InteractionTemplate, language: str
) -> TemplateContent | None:
    """The template's content in ``language``, else in its default language.

    ``None`` when the template has no content in either (DOMAIN §2).
    """
    contents = {
        content.language: content
        for content in template.contents.filter(
            language__in={language, template.language}
        ).select_related("attachment")
    }
    return contents.get(language) or contents.get(template.language)


def round_up_to_minute(moment: dt.datetime) -> dt.time:
    """``moment``'s time of day rounded up to the next whole minute (NAV rule).

    A moment in the last minute of the day stays at 23:59 rather than wrapping
    to 00:00, so that the time never lies before the entry's date starts.
    """
    floor = moment.replace(second=0, microsecond=0)
    if floor == moment:
        return floor.time()
    rounded = floor + dt.timedelta(minutes=1)
    if rounded.date() != moment.date():
        return floor.time()
    return rounded.time()


def usable_salesperson(salesperson: Salesperson | None) -> Salesperson | None:
    """A salesperson that may be proposed as a default (not blocked)."""
    return salesperson if salesperson is not None and not salesperson.blocked else None


def actor_salesperson(actor: Actor) -> Salesperson | None:
    """The salesperson linked to the acting user, if any (OneToOne reverse)."""
    user = user_or_none(actor)
    if user is None:
        return None
    # The reverse accessor raises RelatedObjectDoesNotExist (an AttributeError).
    salesperson = getattr(user, "salesperson", None)
    return salesperson if isinstance(salesperson, Salesperson) else None


def proposed_salesperson(actor: Actor) -> Salesperson | None:
    """The acting user's own salesperson, unless blocked (a default, §4.1)."""
    return usable_salesperson(actor_salesperson(actor))


def default_correspondence_type(
    *,
    contact: Contact,
    template: InteractionTemplate,
    override: str | None = None,
    send: bool = False,
) -> str:
    """DOMAIN §4.1 correspondence type precedence, with the e-mail fallback.

    ``override`` (a segment's "ignore contact correspondence type" type, or a
    value the user chose) wins when it is not ``None``; else the template's
    default when the template ignores the contact's preference or the contact
    has none; else the contact's preference. E-mail falls back to blank when
    the contact has no e-mail address — unless the user asked to send, which
    :func:`~interactions.services.creation.create_interaction` then refuses
    with a message.
    """
    if override is not None:
        value = override
    elif template.ignore_contact_correspondence_type or not contact.correspondence_type:
        value = template.correspondence_type
    else:
        value = contact.correspondence_type
    if value == CorrespondenceType.EMAIL and not contact.email and not send:
        return CorrespondenceType.BLANK
    return value


def default_language(*, contact: Contact, template: InteractionTemplate) -> str:
    """The contact's language if the template has content in it, else the default."""
    if (
        contact.language
        and template.contents.filter(language=contact.language).exists()
    ):
        return contact.language
    return template.language


def interaction_defaults(
    *,
    contact: Contact,
    template: InteractionTemplate,
    actor: Actor = None,
    salesperson: Salesperson | None = None,
    campaign: Campaign | None = None,
    correspondence_type: str | None = None,
    send: bool = False,
) -> dict[str, Any]:
    """DOMAIN §4.1: the values a new entry gets from contact, template and context.

    ``salesperson``, ``campaign`` and ``correspondence_type`` are the calling
    context (segment header, page filters, the user's choice); ``None`` means
    "not imposed". The result maps entry field names to values (model
    instances for foreign keys) and is the single source of defaults for every
    creation path: the wizard, documents and segment lines.

    The subject is not a default: it comes from the content actually used.
    """
    moment = timezone.localtime()
    # The template's campaign only when the context imposes none.
    imposed = {"campaign": campaign} if campaign is not None else {}
    from_template = {
        field: imposed[field] if field in imposed else getattr(template, source)
        for field, source in ENTRY_TEMPLATE_FIELDS.items()
    }
    return {
        "contact": contact,
        "contact_company": contact if contact.is_company else contact.company,
        "template": template,
        **from_template,
        "salesperson": salesperson
        or proposed_salesperson(actor)
        or usable_salesperson(contact.salesperson),
        "correspondence_type": default_correspondence_type(
            contact=contact,
            template=template,
            override=correspondence_type,
            send=send,
        ),
        "language": default_language(contact=contact, template=template),
        "date": moment.date(),
        "time": round_up_to_minute(moment),
    }


# --------------------------------------------------------------------------
# Merge fields (DOMAIN §2: a restricted context of plain values)
# --------------------------------------------------------------------------


def render_content(
    *,
    template: InteractionTemplate,
    contact: Contact,
    language: str,
    salesperson: Salesperson | None = None,
    date: dt.date | None = None,
) -> tuple[str, str]:
    """Merge the template content (subject, body) with plain values only.

    Returns ``("", "")`` when the template has no content for ``language``
    (nor in its default language).
    """
    content = select_content(template, language)
    if content is None:
        return "", ""
    return render(content, contact=contact, salesperson=salesperson, date=date)


def render(
    content: TemplateContent,
    *,
    contact: Contact,
    salesperson: Salesperson | None,
    date: dt.date | None,
) -> tuple[str, str]:
    """``content``'s subject and body merged for ``contact`` (date: today)."""
    context = merge_context(
        contact=contact,
        salesperson=salesperson,
        date=date or timezone.localdate(),
    )
    return merge(content.subject, context), merge(content.body, context)
