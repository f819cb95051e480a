"""What a logged segment's entries record as sent (DOMAIN §5 "Log segment").

Each entry stores the subject and the content its contact gets: the content
in the line's language (the segment's own content for lines on the header
template, else the line template's), with merge fields filled in once for that
contact, dates formatted in the contact's language. The e-mail is built from
exactly this stored copy, so "show attachment" shows what was sent.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from interactions.models import (
    Attachment,
    InteractionLogEntry,
    InteractionTemplate,
    LoggedSegment,
    Segment,
)
from interactions.services.defaults import select_content
from interactions.services.merge import merge, merge_context

#: Entries rendered and updated per round trip, so a large segment stays flat.
BATCH_SIZE = 1000


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


def personalised_subjects(segment: Segment) -> dict[int, str]:
    """Contact id → subject of the lines whose subject differs from the header's."""
    return dict(
        segment.lines.exclude(subject="")
        .exclude(subject=segment.subject)
        .values_list("contact_id", "subject")
    )


def _batches(values: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def record_sent_content(
    *, segment: Segment, logged: LoggedSegment, line_subjects: dict[int, str]
) -> None:
    """Store on each entry of ``logged`` the subject and content actually sent.

    ``line_subjects`` maps the entry's contact id to its line's personalised
    subject (:func:`personalised_subjects`, read before the lines go). One
    attachment per entry with content, merged for that contact exactly once;
    entries without content keep the subject they were logged with. A fixed
    number of statements per :data:`BATCH_SIZE` entries.
    """
    sources = ContentSources(segment)
    entry_nos = list(
        logged.entries.order_by("entry_no").values_list("entry_no", flat=True)
    )
    for batch in _batches(entry_nos, BATCH_SIZE):
        entries = list(
            InteractionLogEntry.objects.filter(entry_no__in=batch)
            .select_related("contact__company", "salesperson", "template")
            .order_by("entry_no")
        )
        rendered: list[tuple[InteractionLogEntry, Attachment]] = []
        for entry in entries:
            source = sources.get(entry.template, entry.language)
            if source is None:
                continue
            context = merge_context(
                contact=entry.contact, salesperson=entry.salesperson, date=entry.date
            )
            subject = merge(
                sent_subject(
                    line_subject=line_subjects.get(entry.contact_id, segment.subject),
                    header_subject=segment.subject,
                    content_subject=source.subject,
                )
                or entry.subject,
                context,
            )
            stored = source.file
            rendered.append(
                (
                    entry,
                    Attachment(
                        subject=subject,
                        body=merge(source.body, context),
                        file=stored.file.name if stored is not None else "",
                        file_name=stored.file_name if stored is not None else "",
                        content_type=stored.content_type if stored is not None else "",
                        read_only=True,
                    ),
                )
            )
        if not rendered:
            continue
        created = Attachment.objects.bulk_create(
            [attachment for _entry, attachment in rendered]
        )
        for (entry, _attachment), attachment in zip(rendered, created, strict=True):
            entry.attachment = attachment
            entry.subject = attachment.subject
        InteractionLogEntry.objects.bulk_update(
            [entry for entry, _attachment in rendered], ["attachment", "subject"]
        )
