"""The staff pages of the interactions app (DESIGN §4.1); views in ``web/``.

URL names follow ``<model>-<action>`` in the ``interactions`` namespace. The
contact card's routes are in :mod:`interactions.web.contact_card.urls`.
"""

from django.urls import path

from interactions.web import (
    dashboard,
    delete_canceled,
    jobs,
    logged_segments,
    lookups,
    outbox,
    postponed,
    privacy,
)
from interactions.web.entries import detail as entry
from interactions.web.entries import export, log
from interactions.web.entries import preferences as log_preferences
from interactions.web.segments import content as segment_content
from interactions.web.segments import criteria, header, lines, worksheet
from interactions.web.segments import log as segment_log
from interactions.web.segments import utilities as segment_utilities
from interactions.web.statistics import views as statistics
from interactions.web.wizard import views as wizard

app_name = "interactions"

urlpatterns = [
    path("", dashboard.DashboardView.as_view(), name="dashboard"),
    # Interaction log entries page and its actions (DOMAIN §6.1–6.3).
    path("interactions/", log.EntryListView.as_view(), name="entry-list"),
    path("interactions/export/", export.EntryExportView.as_view(), name="entry-export"),
    path("interactions/bulk/", log.EntryBulkView.as_view(), name="entry-bulk"),
    # The log's column chooser and saved views (issue #13).
    path(
        "interactions/columns/",
        log_preferences.LogColumnsView.as_view(),
        name="entry-columns",
    ),
    path(
        "interactions/views/",
        log_preferences.LogViewSaveView.as_view(),
        name="entry-view-save",
    ),
    path(
        "interactions/views/<int:pk>/delete/",
        log_preferences.LogViewDeleteView.as_view(),
        name="entry-view-delete",
    ),
    path(
        "interactions/<int:entry_no>/",
        entry.EntryDetailView.as_view(),
        name="entry-detail",
    ),
    path(
        "interactions/<int:entry_no>/attachment/",
        entry.EntryAttachmentView.as_view(),
        name="entry-attachment",
    ),
    path(
        "interactions/<int:entry_no>/comments/",
        entry.EntryCommentAddView.as_view(),
        name="entry-comment-add",
    ),
    path(
        "interactions/<int:entry_no>/cancel/",
        entry.EntryCancelView.as_view(),
        name="entry-cancel",
    ),
    path(
        "interactions/<int:entry_no>/uncancel/",
        entry.EntryUncancelView.as_view(),
        name="entry-uncancel",
    ),
    path(
        "interactions/<int:entry_no>/resend/",
        entry.EntryResendView.as_view(),
        name="entry-resend",
    ),
    # Create interaction wizard (DOMAIN §4.3).
    path(
        "interactions/new/", wizard.CreateInteractionView.as_view(), name="entry-create"
    ),
    path(
        "interactions/new/defaults/",
        wizard.WizardDefaultsView.as_view(),
        name="entry-create-defaults",
    ),
    # Postponed interactions (DOMAIN §4.4).
    path(
        "interactions/postponed/",
        postponed.PostponedListView.as_view(),
        name="postponed-list",
    ),
    path(
        "interactions/postponed/<int:entry_no>/resume/",
        postponed.PostponedResumeView.as_view(),
        name="postponed-resume",
    ),
    path(
        "interactions/postponed/delete/",
        postponed.PostponedDeleteView.as_view(),
        name="postponed-delete",
    ),
    # Delete canceled interaction log entries, as a background job (DOMAIN §6.4).
    path(
        "interactions/delete-canceled/",
        delete_canceled.DeleteCanceledView.as_view(),
        name="entry-delete-canceled",
    ),
    path("jobs/<uuid:pk>/", jobs.JobDetailView.as_view(), name="job-detail"),
    path("jobs/<uuid:pk>/resume/", jobs.JobResumeView.as_view(), name="job-resume"),
    path("jobs/<uuid:pk>/cancel/", jobs.JobCancelView.as_view(), name="job-cancel"),
    # Segments: the worksheet and its actions (DOMAIN §5).
    path("segments/", header.SegmentListView.as_view(), name="segment-list"),
    path("segments/new/", header.SegmentCreateView.as_view(), name="segment-create"),
    path(
        "segments/<str:no>/",
        worksheet.SegmentDetailView.as_view(),
        name="segment-detail",
    ),
    path(
        "segments/<str:no>/edit/",
        header.SegmentUpdateView.as_view(),
        name="segment-update",
    ),
    path(
        "segments/<str:no>/edit/defaults/",
        header.SegmentHeaderDefaultsView.as_view(),
        name="segment-header-defaults",
    ),
    path(
        "segments/<str:no>/add-contacts/",
        criteria.SegmentAddContactsView.as_view(),
        name="segment-add-contacts",
    ),
    path(
        "segments/<str:no>/reduce-contacts/",
        criteria.SegmentReduceContactsView.as_view(),
        name="segment-reduce-contacts",
    ),
    path(
        "segments/<str:no>/refine-contacts/",
        criteria.SegmentRefineContactsView.as_view(),
        name="segment-refine-contacts",
    ),
    path(
        "segments/<str:no>/go-back/",
        worksheet.SegmentGoBackView.as_view(),
        name="segment-go-back",
    ),
    path(
        "segments/<str:no>/lines/add/",
        worksheet.SegmentAddContactView.as_view(),
        name="segment-add-contact",
    ),
    path(
        "segments/<str:no>/lines/<int:line_id>/remove/",
        lines.SegmentRemoveLineView.as_view(),
        name="segment-remove-line",
    ),
    path(
        "segments/<str:no>/lines/<int:line_id>/edit/",
        lines.SegmentLineUpdateView.as_view(),
        name="segment-update-line",
    ),
    path(
        "segments/<str:no>/save-criteria/",
        worksheet.SegmentSaveCriteriaView.as_view(),
        name="segment-save-criteria",
    ),
    path(
        "segments/<str:no>/reuse-criteria/",
        worksheet.SegmentReuseCriteriaView.as_view(),
        name="segment-reuse-criteria",
    ),
    path(
        "segments/<str:no>/reuse-logged-segment/",
        worksheet.SegmentReuseLoggedView.as_view(),
        name="segment-reuse-logged",
    ),
    path(
        "segments/<str:no>/log/",
        segment_log.SegmentLogView.as_view(),
        name="segment-log",
    ),
    path(
        "segments/<str:no>/delete/",
        worksheet.SegmentDeleteView.as_view(),
        name="segment-delete",
    ),
    # The segment's content per language (issue #9), its utilities (issue #13).
    path(
        "segments/<str:no>/contents/",
        segment_content.SegmentContentView.as_view(),
        name="segment-contents",
    ),
    path(
        "segments/<str:no>/apply-mailing-group/",
        segment_utilities.SegmentApplyMailingGroupView.as_view(),
        name="segment-apply-mailing-group",
    ),
    path(
        "segments/<str:no>/export-contacts/",
        segment_utilities.SegmentExportContactsView.as_view(),
        name="segment-export-contacts",
    ),
    path(
        "segments/<str:no>/labels/",
        segment_utilities.SegmentLabelsView.as_view(),
        name="segment-labels",
    ),
    path(
        "segments/<str:no>/cover-sheets/",
        segment_utilities.SegmentCoverSheetsView.as_view(),
        name="segment-cover-sheets",
    ),
    # Logged segments (DOMAIN §6.5).
    path(
        "logged-segments/",
        logged_segments.LoggedSegmentListView.as_view(),
        name="loggedsegment-list",
    ),
    path(
        "logged-segments/bulk/",
        logged_segments.LoggedSegmentBulkView.as_view(),
        name="loggedsegment-bulk",
    ),
    # A person's data: export and erasure (issue #10 item 6).
    path(
        "contacts/<str:no>/personal-data/",
        privacy.PersonalDataView.as_view(),
        name="contact-personal-data",
    ),
    path(
        "contacts/<str:no>/personal-data/export/",
        privacy.PersonalDataExportView.as_view(),
        name="contact-personal-data-export",
    ),
    path(
        "contacts/<str:no>/personal-data/erase/",
        privacy.ContactEraseView.as_view(),
        name="contact-erase",
    ),
    path("outbox/", outbox.OutboxView.as_view(), name="outbox"),
    path(
        "outbox/<int:pk>/<str:action>/",
        outbox.OutboxActionView.as_view(),
        name="outbox-action",
    ),
]

# Statistics pages (DOMAIN §7): campaigns, templates, groups, salespeople.
urlpatterns += [
    route
    for kind, prefix in (
        (statistics.CAMPAIGNS, "campaigns"),
        (statistics.TEMPLATES, "interaction-templates"),
        (statistics.GROUPS, "interaction-groups"),
        (statistics.SALESPEOPLE, "salespeople"),
    )
    for route in (
        path(
            f"{prefix}/",
            statistics.StatisticsListView.as_view(kind=kind),
            name=f"{kind.name}-list",
        ),
        path(
            f"{prefix}/<str:key>/",
            statistics.StatisticsCardView.as_view(kind=kind),
            name=f"{kind.name}-detail",
        ),
    )
]

# Lookups (JSON) behind the autocomplete fields (static/js/lookup.js).
urlpatterns += [
    path(
        "lookups/templates/",
        lookups.TemplateLookupView.as_view(),
        name="template-lookup",
    ),
    path(
        "lookups/campaigns/",
        lookups.CampaignLookupView.as_view(),
        name="campaign-lookup",
    ),
]
