"""The interaction values that entry, segment header and segment line share.

One registry (:data:`INTERACTION_VALUES`) declares each value once: its field
on the interaction log entry, on the segment line and on the segment header,
the interaction template field its default comes from, and how the rules of
DOMAIN §4.1, §5 and NAV §11.1 treat it. The field sets the services, forms,
serializers and admin use are derived from it below, so a new shared value
is added in one place (docs/architecture.md walks through it).

The registry is plain data (field names as strings): it imports no model, so
every module may import it. ``tests/interactions/test_values.py`` checks each
name against its model and pins each derived set.
"""

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


class CopyToHeader(enum.Enum):
    """Whether choosing a template on a segment header copies the value (NAV
    §11.1 field 6)."""

    NO = "no"
    #: Always (unless the same call gives the value).
    ALWAYS = "always"
    #: Only when the header has none: the template's value is a fallback.
    IF_EMPTY = "if_empty"


class Origin(enum.Enum):
    """Where a value comes from when an entry or line is made."""

    #: Named by the caller and required: the contact, the template.
    REQUIRED = "required"
    #: Follows from another value, never given: the contact's company, the
    #: template's group.
    DERIVED = "derived"
    #: Given by the caller, else its DOMAIN §4.1 default.
    DEFAULTED = "defaulted"


@dataclass(frozen=True)
class InteractionValue:
    """One value an interaction carries, and where each model keeps it."""

    #: The field on ``InteractionLogEntry`` (``None``: a header-only setting).
    entry: str | None
    #: The field on ``SegmentLine`` (``None``: a line has none).
    line: str | None = None
    #: The field on ``Segment`` (``None``: the header has none).
    header: str | None = None
    #: The ``InteractionTemplate`` field the default comes from.
    template: str | None = None
    #: Whether choosing a template copies ``template`` onto ``header``.
    copy_to_header: CopyToHeader = CopyToHeader.NO
    #: The line field a change of ``header`` re-derives (NAV §11.1: a header
    #: change updates the lines still on the header's template).
    header_to_line: str | None = None
    #: Where the value comes from when an entry or line is made.
    origin: Origin = Origin.DEFAULTED
    #: A user may change it on one line (``update_segment_line``).
    line_editable: bool = False
    #: Follows the entry's content (the subject): a new template or contact
    #: re-merges the content and so re-defaults it.
    from_content: bool = False
    #: The contact's preference decides its default, so a new contact
    #: re-defaults it (NAV §6.1).
    from_contact: bool = False


def _shared(
    name: str,
    *,
    template: str | None = None,
    header: str | None = None,
    copy_to_header: CopyToHeader = CopyToHeader.NO,
    follows_header: bool = True,
    from_contact: bool = False,
    from_content: bool = False,
) -> InteractionValue:
    """A value that entry, line and header keep (the header under ``header``)."""
    return InteractionValue(
        entry=name,
        line=name,
        header=header or name,
        template=template,
        copy_to_header=copy_to_header,
        header_to_line=name if follows_header else None,
        line_editable=True,
        from_contact=from_contact,
        from_content=from_content,
    )


def _entry_and_line(name: str) -> InteractionValue:
    """A value of the entry that a line also keeps, without header or template."""
    return InteractionValue(entry=name, line=name, line_editable=True)


_ALWAYS = CopyToHeader.ALWAYS

#: Every shared interaction value, in the entry's field order.
INTERACTION_VALUES: tuple[InteractionValue, ...] = (
    InteractionValue(entry="contact", line="contact", origin=Origin.REQUIRED),
    InteractionValue(
        entry="contact_company", line="contact_company", origin=Origin.DERIVED
    ),
    _shared("date"),
    InteractionValue(entry="time"),
    _shared("description", template="description"),
    _shared("subject", from_content=True),
    InteractionValue(
        entry="template",
        line="template",
        header="template",
        origin=Origin.REQUIRED,
        line_editable=True,
    ),
    InteractionValue(entry="group", template="group", origin=Origin.DERIVED),
    _shared("cost", header="unit_cost", template="unit_cost", copy_to_header=_ALWAYS),
    _shared(
        "duration",
        header="unit_duration",
        template="unit_duration",
        copy_to_header=_ALWAYS,
    ),
    _shared("salesperson"),
    _shared("information_flow", template="information_flow", copy_to_header=_ALWAYS),
    _shared("initiated_by", template="initiated_by", copy_to_header=_ALWAYS),
    _entry_and_line("attempt_failed"),
    _entry_and_line("evaluation"),
    _shared(
        "correspondence_type",
        template="correspondence_type",
        copy_to_header=_ALWAYS,
        from_contact=True,
    ),
    InteractionValue(
        entry=None,
        header="ignore_contact_correspondence_type",
        template="ignore_contact_correspondence_type",
        copy_to_header=_ALWAYS,
        header_to_line="correspondence_type",
    ),
    _shared("campaign", template="campaign", copy_to_header=CopyToHeader.IF_EMPTY),
    _shared("campaign_target", template="campaign_target", copy_to_header=_ALWAYS),
    _shared("campaign_response", template="campaign_response", copy_to_header=_ALWAYS),
    _entry_and_line("contact_via"),
    # A line's language follows its contact and template, never the header's
    # (which applies only to lines without a template).
    _shared(
        "language",
        template="language",
        copy_to_header=_ALWAYS,
        follows_header=False,
        from_contact=True,
    ),
    InteractionValue(entry="opportunity_ref"),
)


def _frozen(mapping: dict[str, str]) -> Mapping[str, str]:
    return MappingProxyType(mapping)


# --- Segment header -------------------------------------------------------

#: Header fields a user may set (create_segment / update_segment_header).
HEADER_FIELDS: frozenset[str] = frozenset(
    value.header for value in INTERACTION_VALUES if value.header is not None
)


def _template_to_header(copy: CopyToHeader) -> Mapping[str, str]:
    return _frozen(
        {
            value.header: value.template
            for value in INTERACTION_VALUES
            if value.copy_to_header is copy
            and value.header is not None
            and value.template is not None
        }
    )


#: Header field -> template field, copied when a template is chosen (NAV §11.1
#: field 6), unless given in the same call.
TEMPLATE_HEADER_FIELDS = _template_to_header(CopyToHeader.ALWAYS)

#: Header field -> template field, copied only when the header has none (the
#: campaign).
TEMPLATE_HEADER_FALLBACK_FIELDS = _template_to_header(CopyToHeader.IF_EMPTY)

#: Which line fields a header change propagates to (NAV §11.1 propagation).
HEADER_TO_LINE_FIELDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        value.header: (value.header_to_line,)
        for value in INTERACTION_VALUES
        if value.header is not None and value.header_to_line is not None
    }
)

# --- Segment line ---------------------------------------------------------

#: Line fields a user may edit one by one (update_segment_line).
LINE_FIELDS: frozenset[str] = frozenset(
    value.line
    for value in INTERACTION_VALUES
    if value.line is not None and value.line_editable
)

#: Line fields derived from the template (reset when a line's template changes).
LINE_TEMPLATE_FIELDS: tuple[str, ...] = tuple(
    value.line
    for value in INTERACTION_VALUES
    if value.line is not None and value.template is not None
)

#: Line field -> entry field, copied when a segment is logged.
LINE_TO_ENTRY_FIELDS: Mapping[str, str] = _frozen(
    {
        value.line: value.entry
        for value in INTERACTION_VALUES
        if value.line is not None and value.entry is not None
    }
)

# --- Interaction log entry ------------------------------------------------

#: Entry fields a caller may set; ``None`` (and a blank description) means
#: "not given: use the default".
ENTRY_FIELDS: tuple[str, ...] = tuple(
    value.entry
    for value in INTERACTION_VALUES
    if value.entry is not None and value.origin is Origin.DEFAULTED
)

#: Entry field -> template field its default is taken from (DOMAIN §4.1),
#: except the values that the contact's preference decides.
ENTRY_TEMPLATE_FIELDS: Mapping[str, str] = _frozen(
    {
        value.entry: value.template
        for value in INTERACTION_VALUES
        if value.entry is not None
        and value.template is not None
        and not value.from_contact
    }
)

#: Entry fields for which the template is only a fallback: a value the entry
#: already has is kept when the template changes, unless it was the old
#: template's (the campaign).
TEMPLATE_FALLBACK_FIELDS: tuple[str, ...] = tuple(
    value.entry
    for value in INTERACTION_VALUES
    if value.entry is not None and value.copy_to_header is CopyToHeader.IF_EMPTY
)

#: What changing the template of an entry re-defaults (NAV §6.2).
TEMPLATE_DERIVED_FIELDS: tuple[str, ...] = tuple(
    value.entry
    for value in INTERACTION_VALUES
    if value.entry is not None
    and value.origin is Origin.DEFAULTED
    and (
        value.from_content
        or (value.template is not None and value.entry not in TEMPLATE_FALLBACK_FIELDS)
    )
)

#: What changing the contact of an entry re-defaults (NAV §6.1).
CONTACT_DERIVED_FIELDS: tuple[str, ...] = tuple(
    value.entry
    for value in INTERACTION_VALUES
    if value.entry is not None and (value.from_contact or value.from_content)
)

__all__ = [
    "CONTACT_DERIVED_FIELDS",
    "ENTRY_FIELDS",
    "ENTRY_TEMPLATE_FIELDS",
    "HEADER_FIELDS",
    "HEADER_TO_LINE_FIELDS",
    "INTERACTION_VALUES",
    "LINE_FIELDS",
    "LINE_TEMPLATE_FIELDS",
    "LINE_TO_ENTRY_FIELDS",
    "TEMPLATE_DERIVED_FIELDS",
    "TEMPLATE_FALLBACK_FIELDS",
    "TEMPLATE_HEADER_FALLBACK_FIELDS",
    "TEMPLATE_HEADER_FIELDS",
    "CopyToHeader",
    "InteractionValue",
    "Origin",
]
