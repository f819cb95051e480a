"""The contact card's routes, in the ``contacts`` namespace beside the contacts app's.

The project's URLconf appends these to ``contacts.urls.urlpatterns`` (list,
create, edit), so ``contacts:contact-detail`` and the action names keep their
URLs while the views that show interactions live in this app.
"""

from django.urls import path

from interactions.web.contact_card import views

urlpatterns = [
    path("<str:no>/", views.ContactCardView.as_view(), name="contact-detail"),
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
