"""The benchmark dataset, built set-based in SQL on PostgreSQL (DESIGN.md §8).

At ``BENCH_SCALE=1`` it holds 100,000 contacts and 1,000,000 interaction log
entries. Every big table is filled by one ``INSERT … SELECT`` over
``generate_series`` — never one Python object per row — so building it is not
what the benchmark measures. The same spec always gives the same rows:

* 10 % of the contacts are companies; every person belongs to one of them.
* Entry numbers rise with the date over five years, so hundreds of entries
  share a date (keyset pagination must break the ties by entry number).
* Every odd entry number is canceled: exactly half (the delete case).
* Template (and with it the group), salesperson, flow, evaluation and campaign
  come from a multiplicative hash of the entry number, so they do not follow
  the canceled flag or the contact.
* The *heavy* person has 10,000 entries (the contact timeline case) and the
  *probe* person 100 (the growth case), whatever the size of the log.
* Two entries in a hundred have a comment (deleting canceled entries must
  remove them too).
* One segment with a line for each of the first contacts (the log segment
  case), valid for logging.

Master data (salespeople, groups, templates, campaigns) is created once and
reused; the big tables are emptied with ``TRUNCATE`` before each build.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction

from contacts.models import Contact, Salesperson
from interactions.models import (
    Campaign,
    ContactFigures,
    EntryComment,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
    LoggedSegment,
    Segment,
    SegmentCriteriaAction,
    SegmentLine,
    TemplateContent,
)
from interactions.services import add_contacts, create_segment, figures
from interactions_crm.platform.models import AuditEvent, BackgroundJob

FULL_CONTACTS = 100_000
FULL_ENTRIES = 1_000_000
HEAVY_ENTRIES = 10_000
PROBE_ENTRIES = 100
MIN_CONTACTS = 20
MIN_ENTRIES = 100
COMPANY_SHARE = 10  # one contact in ten is a company
DAYS = 1826  # five years of entries
FIRST_DATE = "2021-01-01"
SALESPEOPLE = 20
GROUPS = 4
TEMPLATES = 20
CAMPAIGNS = 5
UNIT_COST = "10.00"
UNIT_DURATION = "5.00"
SEGMENT_COUNTRY = "NO"  # every contact: the segment holds them all
# Knuth's multiplicative hash: spreads consecutive entry numbers over 32 bits.
HASH = "mod(g::bigint * 2654435761, 4294967296)"

# Emptied before each build (CASCADE also empties the tables pointing at them:
# contact classifications and business relations, segment lines, comments).
BUILT_MODELS = (
    Contact,
    InteractionLogEntry,
    ContactFigures,
    EntryComment,
    Segment,
    SegmentLine,
    SegmentCriteriaAction,
    LoggedSegment,
    AuditEvent,
    BackgroundJob,
)


@dataclass(frozen=True)
class DatasetSpec:
    """How big the dataset is."""

    contacts: int
    entries: int
    heavy_entries: int = HEAVY_ENTRIES
    probe_entries: int = PROBE_ENTRIES

    @classmethod
    def for_scale(cls, scale: float) -> "DatasetSpec":
        """The spec for ``BENCH_SCALE``: 1.0 is 100,000 contacts and 1M entries.

        The heavy and probe contacts keep 10,000 and 100 entries as long as the
        log is big enough (at most a quarter and a tenth of it).
        """
        return cls.sized(
            contacts=round(FULL_CONTACTS * scale), entries=round(FULL_ENTRIES * scale)
        )

    @classmethod
    def sized(cls, *, contacts: int, entries: int) -> "DatasetSpec":
        contacts = max(MIN_CONTACTS, contacts)
        entries = max(MIN_ENTRIES, entries)
        return cls(
            contacts=contacts,
            entries=entries,
            heavy_entries=min(HEAVY_ENTRIES, entries // 4),
            probe_entries=min(PROBE_ENTRIES, entries // 10),
        )

    @property
    def companies(self) -> int:
        return max(1, self.contacts // COMPANY_SHARE)

    @property
    def heavy_contact_id(self) -> int:
        """The first person."""
        return self.companies + 1

    @property
    def probe_contact_id(self) -> int:
        """The second person."""
        return self.companies + 2


@dataclass(frozen=True)
class Dataset:
    """What was built, counted in the database."""

    spec: DatasetSpec
    contacts: int
    entries: int
    canceled: int
    comments: int
    heavy_contact_no: str
    heavy_entries: int
    company_no: str
    company_entries: int
    probe_contact_no: str
    probe_entries: int
    segment_no: str
    segment_lines: int
    filter_group: str
    filter_matches: int

    def as_dict(self) -> dict[str, Any]:
        return {
            name: value
            for name, value in self.__dict__.items()
            if name != "spec" and not name.startswith("_")
        }


def contact_no(contact_id: int) -> str:
    return f"BC{contact_id:07d}"


def _literal(field: models.Field, value: Any) -> str:
    """``value`` as an SQL literal of ``field``'s type."""
    prepared = field.get_db_prep_save(value, connection)
    return connection.ops.compose_sql("%s", [prepared])


def insert_select(
    model: type[models.Model],
    values: dict[str, str],
    source: str,
    params: dict[str, Any] | None = None,
) -> int:
    """``INSERT INTO <model> (every column) SELECT <values> FROM <source>``.

    ``values`` maps field names to SQL expressions over ``source``. Every other
    column gets the field's default (``now()`` for auto timestamps, NULL when
    nullable), so a column added to the model later does not break the
    builder. Returns the number of rows inserted.
    """
    columns: list[str] = []
    expressions: list[str] = []
    for field in model._meta.concrete_fields:
        if field.name in values:
            expression = values[field.name]
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            expression = "now()"
        elif field.primary_key or field.null:
            continue
        else:
            default = field.get_default()
            if default is None:
                raise ValueError(f"{model.__name__}.{field.name} needs a value")
            expression = _literal(field, default)
        columns.append(connection.ops.quote_name(field.column))
        expressions.append(expression)
    unknown = set(values) - {f.name for f in model._meta.concrete_fields}
    if unknown:
        raise ValueError(f"{model.__name__} has no field(s) {sorted(unknown)}")
    sql = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} "
        f"({', '.join(columns)}) SELECT {', '.join(expressions)} FROM {source}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params or {})
        return cursor.rowcount


@contextmanager
def generated_rows() -> Iterator[None]:
    """Skip the foreign-key checks of rows whose references are known to exist.

    Django's foreign keys are checked at commit, one lookup per row and key:
    for a million generated entries that is seven million lookups, most of the
    build time. Inside this block (and the caller's transaction) the
    superuser's ``session_replication_role = replica`` turns those checks off;
    the builder only writes ids it has just created. Without superuser rights
    the checks simply stay on.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        superuser = cursor.fetchone()[0]
        if superuser:
            cursor.execute("SET LOCAL session_replication_role = replica")
        # No ``finally``: after an error the rollback undoes the SET LOCAL.
        yield
        if superuser:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def _truncate() -> None:
    """Empty the built tables.

    Foreign keys are checked at commit; a caller's transaction that already
    wrote rows (a test building twice) has checks pending, which ``TRUNCATE``
    refuses, so they run first.
    """
    tables = ", ".join(
        connection.ops.quote_name(model._meta.db_table) for model in BUILT_MODELS
    )
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _master_data() -> dict[str, list[int]]:
    """Salespeople, groups, templates and campaigns (created once, by code)."""
    salespeople = [
        Salesperson.objects.update_or_create(
            code=f"BS{i:02d}", defaults={"name": f"Bench salesperson {i}"}
        )[0].pk
        for i in range(1, SALESPEOPLE + 1)
    ]
    groups = [
        InteractionGroup.objects.update_or_create(
            code=f"BG{i}", defaults={"description": f"Bench group {i}"}
        )[0]
        for i in range(1, GROUPS + 1)
    ]
    templates = [
        InteractionTemplate.objects.update_or_create(
            code=f"BT{i:02d}",
            defaults={
                "group": groups[(i - 1) % GROUPS],
                "description": f"Bench template {i}",
                "unit_cost": UNIT_COST,
                "unit_duration": UNIT_DURATION,
            },
        )[0]
        for i in range(1, TEMPLATES + 1)
    ]
    campaigns = [
        Campaign.objects.update_or_create(
            no=f"BCAMP{i}", defaults={"description": f"Bench campaign {i}"}
        )[0].pk
        for i in range(1, CAMPAIGNS + 1)
    ]
    return {
        "salespeople": salespeople,
        "templates": [t.pk for t in templates],
        "template_groups": [t.group_id for t in templates],
        "campaigns": campaigns,
        "group_codes": [g.code for g in groups],
    }


def _insert_contacts(spec: DatasetSpec, master: dict[str, list[int]]) -> None:
    insert_select(
        Contact,
        {
            "id": "g",
            "no": "'BC' || lpad(g::text, 7, '0')",
            "type": "CASE WHEN g <= %(companies)s THEN 'company' ELSE 'person' END",
            "name": "CASE WHEN g <= %(companies)s THEN 'Company ' ELSE 'Person ' "
            "END || g",
            "company": "CASE WHEN g <= %(companies)s THEN NULL "
            "ELSE mod(g - 1, %(companies)s) + 1 END",
            "email": "'contact' || g || '@example.com'",
            "post_code": "lpad(mod(g, 10000)::text, 4, '0')",
            "city": "(ARRAY['Oslo', 'Bergen', 'Trondheim', 'Stavanger', 'Tromsø'])"
            "[1 + mod(g, 5)]",
            "country": f"'{SEGMENT_COUNTRY}'",
            "language": "CASE WHEN mod(g, 3) = 0 THEN 'nb' ELSE '' END",
            "correspondence_type": "CASE WHEN mod(g, 2) = 0 THEN 'email' ELSE '' END",
            "salesperson": "(%(salespeople)s::bigint[])[1 + mod(g, %(n_sp)s)]",
        },
        "generate_series(1, %(contacts)s) AS g",
        {
            "companies": spec.companies,
            "contacts": spec.contacts,
            "salespeople": master["salespeople"],
            "n_sp": len(master["salespeople"]),
        },
    )


def _contact_expression(spec: DatasetSpec) -> str:
    """Which contact entry ``g`` belongs to: heavy, probe or any other one."""
    heavy_stride = max(2, spec.entries // max(1, spec.heavy_entries))
    probe_stride = max(2, spec.entries // max(1, spec.probe_entries))
    others = spec.contacts - 2
    other = f"mod(h >> 8, {others})"
    return (
        f"CASE WHEN mod(g, {heavy_stride}) = 0 THEN {spec.heavy_contact_id} "
        f"WHEN mod(g, {probe_stride}) = 1 THEN {spec.probe_contact_id} "
        f"WHEN {other} < {spec.companies} THEN {other} + 1 "
        f"ELSE {other} + 3 END"
    )


def _insert_entries(spec: DatasetSpec, master: dict[str, list[int]]) -> None:
    source = (
        f"(SELECT g, h, t, {_contact_expression(spec)} AS c FROM ("
        f"SELECT g, {HASH} AS h, 1 + mod({HASH} >> 12, %(n_t)s)::int AS t "
        "FROM generate_series(1, %(entries)s) AS g) AS hashed) AS s"
    )
    date = f"(DATE '{FIRST_DATE}' + (g::bigint * {DAYS} / %(entries)s)::int)"
    time = "(TIME '08:00' + make_interval(mins => mod(g, 600)))"
    insert_select(
        InteractionLogEntry,
        {
            "entry_no": "g",
            "contact": "c",
            "contact_company": "CASE WHEN c <= %(companies)s THEN c "
            "ELSE mod(c - 1, %(companies)s) + 1 END",
            "date": date,
            "time": time,
            "description": "'Bench interaction ' || g",
            "template": "(%(templates)s::bigint[])[t]",
            "group": "(%(template_groups)s::bigint[])[t]",
            "cost": UNIT_COST,
            "duration": UNIT_DURATION,
            "salesperson": "(%(salespeople)s::bigint[])[1 + mod(h >> 20, %(n_sp)s)]",
            "information_flow": "CASE WHEN mod(h >> 24, 2) = 0 THEN 'outbound' "
            "ELSE 'inbound' END",
            "initiated_by": "CASE WHEN mod(h >> 25, 2) = 0 THEN 'us' ELSE 'them' END",
            "attempt_failed": "mod(h >> 26, 16) = 0",
            "evaluation": "(ARRAY['', 'very_positive', 'positive', 'neutral', "
            "'negative', 'very_negative'])[1 + mod(h >> 16, 6)]",
            "campaign": "CASE WHEN mod(h >> 4, 10) = 0 THEN "
            "(%(campaigns)s::bigint[])[1 + mod(h >> 28, %(n_c)s)] END",
            "created_at": f"({date} + {time})::timestamptz",
            "canceled": "mod(g, 2) = 1",
            "canceled_at": "CASE WHEN mod(g, 2) = 1 THEN now() END",
        },
        source,
        {
            "entries": spec.entries,
            "companies": spec.companies,
            "templates": master["templates"],
            "template_groups": master["template_groups"],
            "n_t": len(master["templates"]),
            "salespeople": master["salespeople"],
            "n_sp": len(master["salespeople"]),
            "campaigns": master["campaigns"],
            "n_c": len(master["campaigns"]),
        },
    )


def _insert_comments() -> None:
    entries = connection.ops.quote_name(InteractionLogEntry._meta.db_table)
    insert_select(
        EntryComment,
        {"entry": "entry_no", "date": "date", "text": "'Bench comment'"},
        f"{entries} WHERE mod(entry_no, 100) IN (1, 2)",
    )


def _insert_segment(master: dict[str, list[int]]) -> Segment:
    """A segment with a line for every contact, made by the segment services.

    ``add_contacts`` fills the lines with one ``INSERT … SELECT`` and gives
    them the defaults staff would get (header, contact language and
    correspondence type); its template has content in two languages, as a
    mailing would.
    """
    template = InteractionTemplate.objects.get(pk=master["templates"][0])
    for language, subject in (("", "Hello"), ("nb", "Hei")):
        TemplateContent.objects.update_or_create(
            template=template, language=language, defaults={"subject": subject}
        )
    segment = create_segment(
        actor=None,
        description="Bench segment",
        template=template,
        salesperson=Salesperson.objects.get(pk=master["salespeople"][0]),
    )
    add_contacts(segment=segment, actor=None, criteria={"country": SEGMENT_COUNTRY})
    return segment


def _reset_sequences() -> None:
    """Move the id sequences past the explicit ids the builder inserted."""
    with connection.cursor() as cursor:
        for model in (Contact, InteractionLogEntry):
            table = model._meta.db_table
            column = model._meta.pk.column
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, %s), "
                f"(SELECT COALESCE(MAX({connection.ops.quote_name(column)}), 0) + 1 "
                f"FROM {connection.ops.quote_name(table)}), false)",
                [table, column],
            )


def _analyze() -> None:
    """Fresh statistics (and, outside a transaction, a vacuumed visibility map)."""
    verb = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for model in BUILT_MODELS:
            cursor.execute(f"{verb} {connection.ops.quote_name(model._meta.db_table)}")


def _count(queryset: models.QuerySet) -> int:
    return queryset.order_by().count()


def build_dataset(spec: DatasetSpec) -> Dataset:
    """Empty the big tables and fill them for ``spec``; return what was built.

    PostgreSQL only (``generate_series``, arrays). Runs in one transaction,
    then vacuums and analyzes the tables unless the caller holds a transaction.
    """
    if connection.vendor != "postgresql":
        raise RuntimeError("The benchmark dataset is built on PostgreSQL only.")
    with transaction.atomic():
        _truncate()
        master = _master_data()
        with generated_rows():
            _insert_contacts(spec, master)
            _insert_entries(spec, master)
            _insert_comments()
        # The contact card's maintained figures, from the entries just built
        # (set-based, as the data migration fills them).
        figures.rebuild_all()
        segment = _insert_segment(master)
        _reset_sequences()
    _analyze()
    return _describe(spec, master, segment)


def _describe(
    spec: DatasetSpec, master: dict[str, list[int]], segment: Segment
) -> Dataset:
    entries = InteractionLogEntry.objects
    heavy = Contact.objects.get(pk=spec.heavy_contact_id)
    probe = Contact.objects.get(pk=spec.probe_contact_id)
    company = heavy.company
    filter_group = master["group_codes"][0]
    return Dataset(
        spec=spec,
        contacts=_count(Contact.objects.all()),
        entries=_count(entries.all()),
        canceled=_count(entries.filter(canceled=True)),
        comments=_count(EntryComment.objects.all()),
        heavy_contact_no=heavy.no,
        heavy_entries=_count(entries.for_contact(heavy)),
        company_no=company.no,
        company_entries=_count(entries.for_contact(company)),
        probe_contact_no=probe.no,
        probe_entries=_count(entries.for_contact(probe)),
        segment_no=segment.no,
        segment_lines=_count(segment.lines.all()),
        filter_group=filter_group,
        filter_matches=_count(entries.filter(group__code=filter_group)),
    )
