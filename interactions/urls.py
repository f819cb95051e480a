from django.urls import path

from interactions import views, views_dashboard
from interactions import views_segments as seg

app_name = "interactions"

urlpatterns = [
    path("", views_dashboard.DashboardView.as_view(), name="dashboard"),
    # Interaction log entries page and its actions (DOMAIN §6.1–6.3).
    path("interactions/", views.EntryListView.as_view(), name="entry-list"),
    path("interactions/export/", views.EntryExportView.as_view(), name="entry-export"),
    path("interactions/bulk/", views.EntryBulkView.as_view(), name="entry-bulk"),
    path(
        "interactions/<int:entry_no>/",
        views.EntryDetailView.as_view(),
        name="entry-detail",
    ),
    path(
        "interactions/<int:entry_no>/attachment/",
        views.EntryAttachmentView.as_view(),
        name="entry-attachment",
    ),
    path(
        "interactions/<int:entry_no>/comments/",
        views.EntryCommentAddView.as_view(),
        name="entry-comment-add",
    ),
    path(
        "interactions/<int:entry_no>/cancel/",
        views.EntryCancelView.as_view(),
        name="entry-cancel",
    ),
    path(
        "interactions/<int:entry_no>/uncancel/",
        views.EntryUncancelView.as_view(),
        name="entry-uncancel",
    ),
    path(
        "interactions/<int:entry_no>/resend/",
        views.EntryResendView.as_view(),
        name="entry-resend",
    ),
    # Create interaction wizard (DOMAIN §4.3).
    path(
        "interactions/new/", views.CreateInteractionView.as_view(), name="entry-create"
    ),
    path(
        "interactions/new/defaults/",
        views.WizardDefaultsView.as_view(),
        name="entry-create-defaults",
    ),
    # Postponed interactions (DOMAIN §4.4).
    path(
        "interactions/postponed/",
        views.PostponedListView.as_view(),
        name="postponed-list",
    ),
    path(
        "interactions/postponed/<int:entry_no>/resume/",
        views.PostponedResumeView.as_view(),
        name="postponed-resume",
    ),
    path(
        "interactions/postponed/delete/",
        views.PostponedDeleteView.as_view(),
        name="postponed-delete",
    ),
    # Delete canceled interaction log entries, as a background job (DOMAIN §6.4).
    path(
        "interactions/delete-canceled/",
        views.DeleteCanceledView.as_view(),
        name="entry-delete-canceled",
    ),
    path("jobs/<uuid:pk>/", views.JobDetailView.as_view(), name="job-detail"),
    path("jobs/<uuid:pk>/resume/", views.JobResumeView.as_view(), name="job-resume"),
    # Segments: the worksheet and its actions (DOMAIN §5).
    path("segments/", seg.SegmentListView.as_view(), name="segment-list"),
    path("segments/new/", seg.SegmentCreateView.as_view(), name="segment-create"),
    path("segments/<str:no>/", seg.SegmentDetailView.as_view(), name="segment-detail"),
    path(
        "segments/<str:no>/edit/",
        seg.SegmentUpdateView.as_view(),
        name="segment-update",
    ),
    path(
        "segments/<str:no>/add-contacts/",
        seg.SegmentAddContactsView.as_view(),
        name="segment-add-contacts",
    ),
    path(
        "segments/<str:no>/reduce-contacts/",
        seg.SegmentReduceContactsView.as_view(),
        name="segment-reduce-contacts",
    ),
    path(
        "segments/<str:no>/refine-contacts/",
        seg.SegmentRefineContactsView.as_view(),
        name="segment-refine-contacts",
    ),
    path(
        "segments/<str:no>/go-back/",
        seg.SegmentGoBackView.as_view(),
        name="segment-go-back",
    ),
    path(
        "segments/<str:no>/lines/add/",
        seg.SegmentAddContactView.as_view(),
        name="segment-add-contact",
    ),
    path(
        "segments/<str:no>/lines/<int:line_id>/remove/",
        seg.SegmentRemoveLineView.as_view(),
        name="segment-remove-line",
    ),
    path(
        "segments/<str:no>/lines/<int:line_id>/edit/",
        seg.SegmentLineUpdateView.as_view(),
        name="segment-update-line",
    ),
    path(
        "segments/<str:no>/save-criteria/",
        seg.SegmentSaveCriteriaView.as_view(),
        name="segment-save-criteria",
    ),
    path(
        "segments/<str:no>/reuse-criteria/",
        seg.SegmentReuseCriteriaView.as_view(),
        name="segment-reuse-criteria",
    ),
    path(
        "segments/<str:no>/reuse-logged-segment/",
        seg.SegmentReuseLoggedView.as_view(),
        name="segment-reuse-logged",
    ),
    path("segments/<str:no>/log/", seg.SegmentLogView.as_view(), name="segment-log"),
    path(
        "segments/<str:no>/delete/",
        seg.SegmentDeleteView.as_view(),
        name="segment-delete",
    ),
    # Logged segments (DOMAIN §6.5).
    path(
        "logged-segments/",
        seg.LoggedSegmentListView.as_view(),
        name="loggedsegment-list",
    ),
    path(
        "logged-segments/bulk/",
        seg.LoggedSegmentBulkView.as_view(),
        name="loggedsegment-bulk",
    ),
]
