"""What a logged segment's entries record as sent (DOMAIN §5 "Log segment").

Each entry stores the subject and the content its contact gets: the content
in the line's language (the segment's own content for lines on the header
template, else the line template's), with merge fields filled in once for that
contact, dates formatted in the contact's language. The e-mail is built from
exactly this stored copy, so "show attachment" shows what was sent.

Set-based: content that holds no merge field renders the same for every
contact, so it is stored once per distinct content and the entries' own
``INSERT … SELECT`` links them to it (:func:`plan_sent_content`). Only content
with merge fields, or a subject personalised on the line, is rendered per
entry, from values read in bulk (:func:`record_per_entry_content`).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import connection, models
from django.db.models import Case, ExpressionWrapper, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from contacts.models import Contact
from interactions.models import (
    Attachment,
    InteractionLogEntry,
    InteractionTemplate,
    LoggedSegment,
    Segment,
    SegmentLine,
)
from interactions.services.defaults import select_content
from interactions.services.merge import (
    CONTACT_FIELDS,
    SALESPERSON_FIELDS,
    merge,
    merge_context_from_values,
    uses_merge_fields,
)
from interactions_crm.platform.languages import letter_date

#: Entries rendered per round trip (content with merge fields), so a large
#: segment stays flat in memory: one SELECT, one INSERT of their attachments
#: and one UPDATE per batch.
BATCH_SIZE = 2000


@dataclass(frozen=True)
class Source:
    """Content before merging: subject, body and the stored file (if any)."""

    subject: str
    body: str
    file: Attachment | None


class ContentSources:
    """The content source of each (template, language), looked up once each.

    Lines on the header template use the segment's own content: its
    ``attachment`` if set, else its content in the line's language, else in
    the segment's default language (DOMAIN §5), else the template's. Other
    lines use their template's content in their language, else the
    template's default language.
    """

    def __init__(self, segment: Segment) -> None:
        self.segment = segment
        self.header: Source | None = None
        if segment.attachment_id and segment.attachment is not None:
            attachment = segment.attachment
            self.header = Source(
                subject=attachment.subject,
                body=attachment.body,
                file=attachment if attachment.file else None,
            )
        self._own = {
            content.language: Source(
                subject=content.subject, body=content.body, file=None
            )
            for content in segment.contents.all()
        }
        self._sources: dict[tuple[int, str], Source | None] = {}

    def get(self, template: InteractionTemplate | None, language: str) -> Source | None:
        """The source for a line on ``template`` in ``language`` (None: no content)."""
        if template is None:
            return None
        if template.pk == self.segment.template_id:
            if self.header is not None:
                return self.header
            own = self._own.get(language) or self._own.get(self.segment.language)
            if own is not None:
                return own
        key = (template.pk, language)
        if key not in self._sources:
            content = select_content(template, language)
            self._sources[key] = (
                None
                if content is None
                else Source(
                    subject=content.subject,
                    body=content.body,
                    file=content.attachment
                    if content.attachment_id
                    and content.attachment is not None
                    and content.attachment.file
                    else None,
                )
            )
        return self._sources[key]


def sent_subject(
    *, line_subject: str, header_subject: str, content_subject: str
) -> str:
    """The subject a contact gets (before merging).

    A subject personalised on the line (different from the header's) wins;
    else the content's subject in the contact's language; else the line's.
    """
    if line_subject and line_subject != header_subject:
        return line_subject
    return content_subject or line_subject


def _personalised(segment: Segment) -> Q:
    """Lines whose subject was personalised (set and different from the header's)."""
    return ~Q(subject="") & ~Q(subject=segment.subject)


def personalised_subjects(segment: Segment) -> dict[int, str]:
    """Contact id → subject of the lines whose subject differs from the header's."""
    lines = segment.lines.filter(_personalised(segment))
    return dict(lines.values_list("contact_id", "subject"))


def _stored(source: Source, subject: str, body: str) -> Attachment:
    """The read-only attachment holding what was sent from ``source``."""
    stored = source.file
    return Attachment(
        subject=subject,
        body=body,
        file=stored.file.name if stored is not None else "",
        file_name=stored.file_name if stored is not None else "",
        content_type=stored.content_type if stored is not None else "",
        read_only=True,
    )


def _shared_subject(segment: Segment, source: Source) -> str | None:
    """The subject every non-personalised line on ``source`` gets, if constant.

    :func:`sent_subject` for a line that keeps the header's subject: the
    content's subject, else the header's. ``None`` when it (or the body)
    varies per contact — it has merge fields, or both are blank so each
    entry keeps its own subject.
    """
    subject = source.subject or segment.subject
    if not subject or uses_merge_fields(subject) or uses_merge_fields(source.body):
        return None
    return subject


@dataclass
class SentContentPlan:
    """How a segment's entries get their content, decided before they exist.

    ``attachment`` and ``subject(default)`` are column expressions over the
    segment's lines for the entries' ``INSERT … SELECT``: lines whose content
    is the same for every contact get its shared copy there. The lines in
    ``per_entry`` (a condition over the entries) are rendered one by one
    afterwards; ``line_subjects`` holds the personalised subjects they need.
    """

    segment: Segment
    sources: ContentSources
    templates: dict[int, InteractionTemplate] = field(default_factory=dict)
    shared: list[tuple[Q, Attachment]] = field(default_factory=list)
    per_entry: list[tuple[int, str]] = field(default_factory=list)
    line_subjects: dict[int, str] = field(default_factory=dict)

    @property
    def attachment(self) -> Case | Value:
        if not self.shared:
            return Value(None, output_field=models.BigIntegerField())
        return Case(
            *(When(lines, then=Value(stored.pk)) for lines, stored in self.shared),
            default=Value(None),
            output_field=models.BigIntegerField(),
        )

    def subject(self, default: Any) -> Any:
        """The entry's subject: the shared content's, else ``default``."""
        if not self.shared:
            return default
        return Case(
            *(When(lines, then=Value(stored.subject)) for lines, stored in self.shared),
            default=default,
            output_field=models.CharField(),
        )


#: The line columns of :class:`LineKey` (``personal`` is computed).
LINE_KEY_COLUMNS = ("template_id", "language")


class LineKey(NamedTuple):
    """What decides a line's sent content: template, language, personalised."""

    template_id: int | None
    language: str
    personal: bool


def line_groups(segment: Segment) -> QuerySet[SegmentLine, dict[str, Any]]:
    """The segment's lines as :class:`LineKey` values, to be grouped by them.

    The caller adds its aggregates (the line checks, in the same read) and
    hands the distinct keys to :func:`plan_sent_content`.
    """
    groups: QuerySet[SegmentLine, dict[str, Any]] = segment.lines.order_by().values(
        *LINE_KEY_COLUMNS,
        personal=ExpressionWrapper(
            _personalised(segment), output_field=models.BooleanField()
        ),
    )
    return groups


def plan_sent_content(segment: Segment, keys: Iterable[LineKey]) -> SentContentPlan:
    """Store the segment's shared content and plan the rest (see the class).

    ``keys`` are the lines' distinct :class:`LineKey` (read by the caller,
    grouped with the line checks); each pair's content is looked up once;
    the shared copies are inserted with one statement. Reads the personalised
    subjects only when some line has one.
    """
    plan = SentContentPlan(segment=segment, sources=ContentSources(segment))
    keys = list(keys)
    templates = plan.templates = InteractionTemplate.objects.in_bulk(
        {template_id for template_id, _language, _personal in keys}
    )
    # (source, subject) -> languages per template whose lines share that copy.
    shared: dict[tuple[Source, str], dict[int, set[str]]] = {}
    for template_id, language, personal in keys:
        if template_id is None:
            continue  # no template, no content (and refused by the line checks)
        source = plan.sources.get(templates.get(template_id), language)
        if source is None:
            continue  # no content: the entry keeps the subject it was logged with
        subject = _shared_subject(segment, source)
        if subject is None or personal:
            plan.per_entry.append((template_id, language))
        if subject is not None:
            languages = shared.setdefault((source, subject), {})
            languages.setdefault(template_id, set()).add(language)
    if any(personal for _template, _language, personal in keys):
        plan.line_subjects = personalised_subjects(segment)
    copies = Attachment.objects.bulk_create(
        _stored(source, subject, source.body) for source, subject in shared
    )
    keeps_header = Q(subject="") | Q(subject=segment.subject)
    for copy, by_template in zip(copies, shared.values(), strict=True):
        lines = Q()
        for template_id, codes in by_template.items():
            lines |= Q(template_id=template_id, language__in=sorted(codes))
        plan.shared.append((lines & keeps_header, copy))
    return plan


def _company_name() -> Case:
    """``Contact.company_name`` of the entry's contact, as a column."""
    return Case(
        When(contact__type=Contact.Type.COMPANY, then=F("contact__name")),
        default=Coalesce(F("contact__company__name"), Value("")),
        output_field=models.CharField(),
    )


#: Entry columns read to render an entry's content, in this order.
_VALUES = (
    "entry_no",
    "template_id",
    "language",
    "date",
    "subject",
    "contact_id",
    "contact__language",
    "salesperson_id",
    *(f"contact__{name}" for name in CONTACT_FIELDS if name != "company_name"),
    "company_name",
    *(f"salesperson__{name}" for name in SALESPERSON_FIELDS),
)


def _batch_size() -> int:
    """Entries per batch: :data:`BATCH_SIZE`, within the database's parameters."""
    limit = connection.features.max_query_params
    return min(BATCH_SIZE, limit // 3) if limit else BATCH_SIZE


def record_per_entry_content(*, logged: LoggedSegment, plan: SentContentPlan) -> None:
    """Render and store the content of the entries ``plan`` left per entry.

    The values every merge field needs come with the entries, in batches of
    :func:`_batch_size` (keyset on the entry number): no model instance and
    no query per entry. Each entry gets its own read-only attachment, merged
    for its contact exactly once, and the subject sent; one INSERT of the
    batch's attachments and one ``UPDATE … FROM (VALUES …)`` per batch.
    """
    if not plan.per_entry:
        return
    lines = Q()
    for template_id, language in plan.per_entry:
        lines |= Q(template_id=template_id, language=language)
    entries = logged.entries.filter(lines, attachment__isnull=True).annotate(
        company_name=_company_name()
    )
    dates: dict[tuple[Any, str], str] = {}
    size = _batch_size()
    last = 0
    while True:
        rows = list(
            entries.filter(entry_no__gt=last)
            .order_by("entry_no")
            .values_list(*_VALUES)[:size]
        )
        if not rows:
            return
        last = rows[-1][0]
        rendered = [
            _render(dict(zip(_VALUES, row, strict=True)), plan, dates) for row in rows
        ]
        copies = Attachment.objects.bulk_create(rendered)
        _link(
            (row[0], copy.pk, copy.subject)
            for row, copy in zip(rows, copies, strict=True)
        )
        if len(rows) < size:
            return


def _render(
    values: dict[str, Any], plan: SentContentPlan, dates: dict[tuple[Any, str], str]
) -> Attachment:
    """The attachment one entry's contact gets (``values``: a row of _VALUES).

    ``dates`` caches the letter date per (date, contact language).
    """
    segment = plan.segment
    source = plan.sources.get(plan.templates[values["template_id"]], values["language"])
    assert source is not None  # planned per entry because it has content
    key = (values["date"], values["contact__language"])
    if key not in dates:
        dates[key] = letter_date(*key)
    context = merge_context_from_values(
        contact={
            name: values["company_name"]
            if name == "company_name"
            else values[f"contact__{name}"]
            for name in CONTACT_FIELDS
        },
        salesperson=(
            {name: values[f"salesperson__{name}"] for name in SALESPERSON_FIELDS}
            if values["salesperson_id"] is not None
            else None
        ),
        date_text=dates[key],
    )
    line_subject = plan.line_subjects.get(values["contact_id"], segment.subject)
    subject = sent_subject(
        line_subject=line_subject,
        header_subject=segment.subject,
        content_subject=source.subject,
    )
    return _stored(
        source,
        merge(subject or values["subject"], context),
        merge(source.body, context),
    )


def _link(rows: Iterable[tuple[int, int, str]]) -> None:
    """Set (entry number, attachment id, subject) on the entries, one statement."""
    rows = list(rows)

    def quote(name: str | None) -> str:
        assert name is not None  # a concrete field's column
        return connection.ops.quote_name(name)

    table = quote(InteractionLogEntry._meta.db_table)
    key = quote(InteractionLogEntry._meta.pk.column)
    attachment = quote(InteractionLogEntry._meta.get_field("attachment").column)
    subject = quote(InteractionLogEntry._meta.get_field("subject").column)
    values = ", ".join(["(%s, %s, %s)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {attachment} = v.column2, {subject} = v.column3 "
            f"FROM (VALUES {values}) AS v WHERE {table}.{key} = v.column1",
            [value for row in rows for value in row],
        )
