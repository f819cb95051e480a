from django.views.generic import DetailView

from interactions.models import InteractionLogEntry, Segment


class EntryDetailView(DetailView):
    model = InteractionLogEntry
    pk_url_kwarg = "entry_no"


class SegmentDetailView(DetailView):
    model = Segment
    slug_field = "no"
    slug_url_kwarg = "no"
