from django.urls import path

from contacts import views

app_name = "contacts"

urlpatterns = [
    path("", views.ContactListView.as_view(), name="contact-list"),
    path("new/", views.ContactCreateView.as_view(), name="contact-create"),
    path("<str:no>/", views.ContactDetailView.as_view(), name="contact-detail"),
    path("<str:no>/edit/", views.ContactUpdateView.as_view(), name="contact-update"),
    path(
        "<str:no>/timeline/",
        views.ContactTimelineView.as_view(),
        name="contact-timeline",
    ),
    path(
        "<str:no>/phone-call/",
        views.ContactPhoneCallView.as_view(),
        name="contact-phone-call",
    ),
    path("<str:no>/email/", views.ContactEmailView.as_view(), name="contact-email"),
    path(
        "<str:no>/cover-sheet/",
        views.ContactCoverSheetView.as_view(),
        name="contact-cover-sheet",
    ),
    path(
        "<str:no>/add-to-segment/",
        views.ContactAddToSegmentView.as_view(),
        name="contact-add-to-segment",
    ),
]
