"""Deleting canceled interaction log entries (DOMAIN §6.4, NAV report 5190).

Only canceled, non-postponed entries are ever deleted, whatever the filters
(the database trigger of migration 0002 is the second guard). The run works
in entry-number batches of set-based ``DELETE`` statements
(:mod:`~interactions.services.delete_batches`), each committed on its own;
a large run is a background job (:func:`start_delete_canceled_job`, whose
runner :func:`run_delete_canceled` the platform's job runner calls).
"""

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any, Self

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models, transaction
from django.db.models import Count, F, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from contacts.models import Contact, Salesperson
from interactions.models import (
    Campaign,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
)
from interactions.services.delete_batches import delete_next_batch
from interactions.services.jobs import JobKind
from interactions_crm.platform import intent, jobs
from interactions_crm.platform.actors import Actor
from interactions_crm.platform.audit import record_audit
from interactions_crm.platform.models import AuditEvent, BackgroundJob
from interactions_crm.platform.validation import FieldErrors

# Filter field -> (model, business key), used to serialize and resolve filters.
FILTER_RELATIONS: dict[str, tuple[type[models.Model], str]] = {
    "contact": (Contact, "no"),
    "campaign": (Campaign, "no"),
    "group": (InteractionGroup, "code"),
    "template": (InteractionTemplate, "code"),
    "salesperson": (Salesperson, "code"),
}
FILTER_DATES = ("date_from", "date_to")


@dataclass(frozen=True)
class CanceledEntryFilter:
    """The request-page filters of the batch job (NAV report 5190).

    Whatever they say, only canceled (and not postponed) entries are deleted.
    """

    entry_no_from: int | None = None
    entry_no_to: int | None = None
    contact: Contact | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    campaign: Campaign | None = None
    group: InteractionGroup | None = None
    template: InteractionTemplate | None = None
    salesperson: Salesperson | None = None

    def validate(self) -> None:
        """Raise ValidationError for ranges whose end lies before their start."""
        # Messages with a code: a rule across two fields (the API answers 422).
        errors: dict[str, list[ValidationError]] = {}
        if (
            self.entry_no_from is not None
            and self.entry_no_to is not None
            and self.entry_no_from > self.entry_no_to
        ):
            errors["entry_no_to"] = [
                ValidationError(
                    _("The last entry no. must not be lower than the first."),
                    code="unprocessable",  # across two fields (API: 422)
                )
            ]
        if self.date_from and self.date_to and self.date_from > self.date_to:
            errors["date_to"] = [
                ValidationError(
                    _("The end date must not be before the start date."),
                    code="unprocessable",  # across two fields (API: 422)
                )
            ]
        if errors:
            raise ValidationError(errors)

    def apply(
        self, queryset: QuerySet[InteractionLogEntry]
    ) -> QuerySet[InteractionLogEntry]:
        """Narrow ``queryset`` by every filter that is set."""
        lookups: dict[str, Any] = {
            "entry_no__gte": self.entry_no_from,
            "entry_no__lte": self.entry_no_to,
            "date__gte": self.date_from,
            "date__lte": self.date_to,
        }
        lookups.update({name: getattr(self, name) for name in FILTER_RELATIONS})
        return queryset.filter(
            **{key: value for key, value in lookups.items() if value is not None}
        )

    def to_params(self) -> dict[str, Any]:
        """Plain JSON values (ids, ISO dates) to store in a background job."""
        params: dict[str, Any] = {}
        for name in (f.name for f in fields(self)):
            value = getattr(self, name)
            if value is None:
                continue
            if name in FILTER_RELATIONS:
                params[name] = value.pk
            elif name in FILTER_DATES:
                params[name] = value.isoformat()
            else:
                params[name] = value
        return params

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> Self:
        """Rebuild the filter from :meth:`to_params` output."""
        return cls._resolve(params, key_field="pk")

    @classmethod
    def from_business_keys(cls, **keys: Any) -> Self:
        """Build the filter from contact no., template code … (commands, API).

        Unknown keys raise ValidationError naming the field and the value.
        """
        return cls._resolve(keys, key_field=None)

    @classmethod
    def _resolve(cls, values: dict[str, Any], *, key_field: str | None) -> Self:
        kwargs: dict[str, Any] = {}
        errors: FieldErrors = {}
        known = {f.name for f in fields(cls)}
        for name, value in values.items():
            if name not in known:
                raise TypeError(f"Unknown filter {name!r}")
            if value in (None, ""):
                continue
            if name in FILTER_RELATIONS:
                model, business_key = FILTER_RELATIONS[name]
                lookup = key_field or business_key
                try:
                    kwargs[name] = model._default_manager.get(**{lookup: value})
                except (ObjectDoesNotExist, ValueError):
                    errors[name] = [
                        _("%(model)s “%(value)s” does not exist.")
                        % {
                            "model": str(model._meta.verbose_name).capitalize(),
                            "value": value,
                        }
                    ]
            elif name in FILTER_DATES and isinstance(value, str):
                kwargs[name] = dt.date.fromisoformat(value)
            else:
                kwargs[name] = value
        if errors:
            raise ValidationError(errors)
        return cls(**kwargs)

    def describe(self) -> dict[str, Any]:
        """The filters by business key, for audit events and messages."""
        described: dict[str, Any] = {}
        for name in (f.name for f in fields(self)):
            value = getattr(self, name)
            if value is None:
                continue
            if name in FILTER_RELATIONS:
                value = getattr(value, FILTER_RELATIONS[name][1])
            elif name in FILTER_DATES:
                value = value.isoformat()
            described[name] = value
        return described


def deleted_message(count: int) -> str:
    """The batch job's result message (NAV: "N Interaction Log Entry has been…")."""
    return ngettext(
        "%(count)d interaction log entry has been deleted.",
        "%(count)d interaction log entries have been deleted.",
        count,
    ) % {"count": count}


def canceled_entries_matching(
    filters: CanceledEntryFilter,
) -> QuerySet[InteractionLogEntry]:
    """The entries the batch job would delete: canceled, not postponed, filtered."""
    return filters.apply(
        InteractionLogEntry.objects.filter(canceled=True, postponed=False)
    ).order_by()


@dataclass(frozen=True)
class DeletePreview:
    """What a dry run counted, and the bound the confirmed run keeps to (§6.4).

    ``count`` entries matched at ``at``, the highest being ``last_entry_no``.
    The run deletes only matching entries numbered up to ``last_entry_no`` and
    canceled at or before ``at``: entries canceled after the preview are left
    for the next run, and previewed entries un-canceled meanwhile are kept.
    """

    count: int
    last_entry_no: int | None
    at: dt.datetime

    PURPOSE = "entry.delete_canceled"

    def bound(
        self, matching: QuerySet[InteractionLogEntry]
    ) -> QuerySet[InteractionLogEntry]:
        """``matching`` narrowed to what this preview counted."""
        if self.last_entry_no is None:
            return matching.none()
        return matching.filter(
            Q(canceled_at__lte=self.at) | Q(canceled_at__isnull=True),
            entry_no__lte=self.last_entry_no,
        )

    def to_params(self) -> dict[str, Any]:
        """Plain JSON values, for a background job and the signed token."""
        return {
            "count": self.count,
            "last_entry_no": self.last_entry_no,
            "at": self.at.isoformat(),
        }

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> Self:
        return cls(
            count=int(params["count"]),
            last_entry_no=params["last_entry_no"],
            at=dt.datetime.fromisoformat(params["at"]),
        )

    def seal(self, filters: "CanceledEntryFilter") -> str:
        """The token a confirmation (page or API ``dry_run``) carries."""
        return intent.seal(
            purpose=self.PURPOSE,
            facts={"filters": filters.describe(), **self.to_params()},
            shown_at=self.at,
        )

    @classmethod
    def unseal(cls, token: str, *, filters: "CanceledEntryFilter") -> Self:
        """The preview sealed in ``token``; refused when made for other filters."""
        facts = dict(intent.unseal(token, purpose=cls.PURPOSE).facts)
        if facts.pop("filters", None) != filters.describe():
            raise intent.changed_meanwhile(
                _(
                    "The filters differ from the ones the preview counted. Preview "
                    "again and confirm; nothing was deleted."
                )
            )
        try:
            return cls.from_params(facts)
        except (KeyError, TypeError, ValueError) as exc:
            raise intent.changed_meanwhile(
                _("The confirmation is not valid for this action.")
            ) from exc


def preview_delete_canceled(*, filters: CanceledEntryFilter) -> DeletePreview:
    """The dry run: how many canceled entries match now, and the bound (§6.4)."""
    filters.validate()
    at = timezone.now()
    figures = canceled_entries_matching(filters).aggregate(
        count=Count("pk"), last=Max("entry_no")
    )
    return DeletePreview(count=figures["count"], last_entry_no=figures["last"], at=at)


@dataclass(frozen=True)
class DeleteOutcome:
    """What a bounded run did, and how it differed from its preview."""

    deleted: int
    previewed: int
    #: Matching canceled entries the bound left for the next run.
    left: int

    @property
    def kept(self) -> int:
        """Previewed entries that were not deleted (un-canceled meanwhile)."""
        return max(self.previewed - self.deleted, 0)

    def messages(self) -> list[str]:
        """The result message, then one line per difference from the preview."""
        lines = [deleted_message(self.deleted)]
        if self.kept:
            lines.append(
                ngettext(
                    "%(count)d previewed entry was un-canceled meanwhile and was kept.",
                    "%(count)d previewed entries were un-canceled meanwhile and "
                    "were kept.",
                    self.kept,
                )
                % {"count": self.kept}
            )
        if self.left:
            lines.append(
                ngettext(
                    "%(count)d entry canceled after the preview was left for the "
                    "next run.",
                    "%(count)d entries canceled after the preview were left for "
                    "the next run.",
                    self.left,
                )
                % {"count": self.left}
            )
        return lines

    def to_result(self) -> dict[str, Any]:
        return {
            "deleted": self.deleted,
            "previewed": self.previewed,
            "kept": self.kept,
            "left": self.left,
        }


def delete_previewed(
    *,
    actor: Actor,
    filters: CanceledEntryFilter,
    preview: DeletePreview,
    progress: jobs.Progress | None = None,
) -> DeleteOutcome:
    """Delete exactly what ``preview`` counted; say what differed (§6.4)."""
    deleted = delete_canceled_entries(
        actor=actor, filters=filters, preview=preview, progress=progress
    )
    return outcome_of(filters=filters, preview=preview, deleted=deleted)


def outcome_of(
    *, filters: CanceledEntryFilter, preview: DeletePreview, deleted: int
) -> DeleteOutcome:
    """The outcome of a run bound by ``preview`` that deleted ``deleted`` in all."""
    return DeleteOutcome(
        deleted=deleted,
        previewed=preview.count,
        left=canceled_entries_matching(filters).count(),
    )


def lock_entries(
    queryset: QuerySet[InteractionLogEntry],
) -> QuerySet[InteractionLogEntry]:
    """The selected entries locked in entry-number order, as a fixed set.

    Every service that changes many entries at once locks them this way
    first (cancel, un-cancel, evaluate, and each batch here), so concurrent
    requests on the same rows queue instead of deadlocking; an entry deleted
    meanwhile simply drops out, and every statement of a delete batch
    (comments, attachments, entries) works on the same rows.
    """
    pks = list(
        queryset.select_for_update().order_by("entry_no").values_list("pk", flat=True)
    )
    return InteractionLogEntry.objects.filter(pk__in=pks)


def delete_canceled_entries(
    *,
    actor: Actor,
    filters: CanceledEntryFilter,
    dry_run: bool = False,
    progress: jobs.Progress | None = None,
    batch_size: int | None = None,
    preview: DeletePreview | None = None,
    job_id: str | None = None,
) -> int:
    """Delete canceled entries matching ``filters``; return how many (§6.4).

    Only canceled, non-postponed entries are ever deleted, whatever the filters
    (the database trigger of migration 0002 is the second guard). A dry run
    returns the count and writes nothing.

    The run walks the entry numbers in batches of ``batch_size`` (default
    ``settings.CRM_DELETE_BATCH_SIZE``): each deletes the next matching
    entries with their comments (every dependent row) and the attachments
    nothing else uses any more, set-based (:mod:`~interactions.services.
    delete_batches`: one statement per batch on PostgreSQL). No entry is
    loaded into Python. Only a dry run or a run reporting progress counts
    the entries first. Each batch commits on its own, so an interrupted run
    keeps what it deleted and running it again resumes with what is left. The
    run writes one audit event (created with the first batch, its count
    updated with each) and calls ``progress(done, total)`` within each
    batch's transaction, so the reported figure is exactly what was committed.

    ``preview`` bounds the run to what a dry run counted (:class:`DeletePreview`).
    ``job_id`` names the background job the run belongs to: a resumed job
    counts on in the audit event its first run wrote (one event per job).
    """
    filters.validate()
    batch_size = batch_size or settings.CRM_DELETE_BATCH_SIZE
    matching = canceled_entries_matching(filters)
    if preview is not None:
        matching = preview.bound(matching)
    # Counted only where it is shown: a dry run's answer, a job's progress.
    total = matching.count() if dry_run or progress is not None else 0
    if dry_run:
        return total

    cursor = filters.entry_no_from - 1 if filters.entry_no_from else 0
    done = 0
    event = _job_event(job_id)
    changes: dict[str, Any] = {"filters": filters.describe()}
    if preview is not None:
        changes["preview"] = preview.to_params()
    if job_id is not None:
        changes["job"] = job_id
    while True:
        with transaction.atomic():
            batch = delete_next_batch(matching, after=cursor, size=batch_size)
            if batch.upper is None:
                break
            done += batch.deleted
            # A batch that was un-canceled or deleted meanwhile records nothing.
            if batch.deleted and event is None:
                event = record_audit(
                    actor=actor,
                    action="entry.delete_canceled",
                    object_type=InteractionLogEntry._meta.label_lower,
                    count=batch.deleted,
                    changes=changes,
                )
            elif batch.deleted and event is not None:
                AuditEvent.objects.filter(pk=event.pk).update(
                    count=F("count") + batch.deleted
                )
            if progress is not None:
                progress(done, max(total, done))
        cursor = batch.upper
        if batch.found < batch_size:
            break  # a short batch was the last one; saves a final empty batch
    return done


def _job_event(job_id: str | None) -> AuditEvent | None:
    """The audit event an earlier run of job ``job_id`` wrote, if any."""
    if job_id is None:
        return None
    return (
        AuditEvent.objects.filter(action="entry.delete_canceled", changes__job=job_id)
        .order_by("pk")
        .first()
    )


# --- Background runs -------------------------------------------------------


def start_delete_canceled_job(
    *,
    actor: Actor,
    filters: CanceledEntryFilter,
    preview: DeletePreview | None = None,
) -> BackgroundJob:
    """Queue a background run of :func:`delete_canceled_entries` and return its job.

    The job stores the filters as plain ids/values and the preview that bounds
    it — the caller's, or one taken now — so however often it resumes it
    deletes only what was counted when it started.
    """
    preview = preview or preview_delete_canceled(filters=filters)
    return jobs.start_job(
        kind=JobKind.DELETE_CANCELED_ENTRIES,
        actor=actor,
        params={**filters.to_params(), PREVIEW_PARAM: preview.to_params()},
        total=preview.bound(canceled_entries_matching(filters)).count(),
    )


#: Where a job's params keep its preview (the rest are the filters).
PREVIEW_PARAM = "preview"


def resume_delete_canceled_job(*, actor: Actor, job: BackgroundJob) -> BackgroundJob:
    """Queue a failed or interrupted job again; it continues with what is left.

    Batches that were committed stay deleted, so the new run deletes only the
    canceled entries that still match.
    """
    return jobs.resume_job(job=job, kind=JobKind.DELETE_CANCELED_ENTRIES)


def run_delete_canceled(job: BackgroundJob, progress: jobs.Progress) -> jobs.JobOutcome:
    """The job runner: delete in batches, counting on from earlier runs.

    A resumed run continues within the same preview bound and counts on in
    the audit event of the job's first run.
    """
    params = dict(job.params)
    bound = params.pop(PREVIEW_PARAM, None)
    filters = CanceledEntryFilter.from_params(params)
    preview = DeletePreview.from_params(bound) if bound else None
    count = delete_canceled_entries(
        actor=job.actor,
        filters=filters,
        progress=progress,
        preview=preview,
        job_id=str(job.pk),
    )
    deleted = job.done + count
    if preview is None:
        return jobs.JobOutcome(
            done=deleted, message=deleted_message(deleted), result={"deleted": deleted}
        )
    outcome = outcome_of(filters=filters, preview=preview, deleted=deleted)
    return jobs.JobOutcome(
        done=deleted, message=" ".join(outcome.messages()), result=outcome.to_result()
    )
