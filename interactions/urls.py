from django.urls import path

from interactions import views

app_name = "interactions"

urlpatterns = [
    path(
        "interactions/<int:entry_no>/",
        views.EntryDetailView.as_view(),
        name="entry-detail",
    ),
    path(
        "segments/<str:no>/", views.SegmentDetailView.as_view(), name="segment-detail"
    ),
]
