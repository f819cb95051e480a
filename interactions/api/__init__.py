"""REST API of the interactions app (DESIGN.md §4.3), by area.

========================  ===================================================
``entries/``              the log: list/detail, create, cancel/uncancel,
                          evaluate, comments, switch canceled, bulk evaluate,
                          delete canceled; a contact's timeline
``postponed``             postponed interactions: resume, delete
``documents``             document events (an ERP reports an invoice …)
``masterdata``            interaction groups, templates, campaigns, the
                          document template setup
``segments/``             segments, their lines, criteria actions, logging
``logged_segments``       logged segments: cancel, uncancel, delete canceled
``common``                permission names, the count answer, amount fields
========================  ===================================================

Every view is thin: it parses input with a serializer named after the service
it feeds, calls that one service, and answers with an output serializer. No
view writes a domain row itself. Lists page with keyset cursors (never a
``COUNT(*)`` over the log); permissions are model permissions plus the custom
ones (``required_permissions`` per action, see
``interactions_crm.platform.api.permissions``). What both apps' APIs use —
errors, pagination, master-data views, jobs, throttling — is in
``interactions_crm.platform.api``; contacts' own endpoints (contacts,
salespeople, code tables) are in ``contacts.api``; the router is
``interactions_crm.api``.

The names below are re-exported so that ``interactions.api.<name>`` keeps
working for the router and the benchmarks.
"""

from interactions.api.documents import DocumentEventView
from interactions.api.entries.serializers import entries, entry_data
from interactions.api.entries.views import (
    ContactInteractionViewSet,
    InteractionViewSet,
)
from interactions.api.logged_segments import LoggedSegmentViewSet
from interactions.api.masterdata import (
    CampaignViewSet,
    InteractionGroupViewSet,
    InteractionTemplateSetupViewSet,
    InteractionTemplateViewSet,
)
from interactions.api.postponed import PostponedInteractionViewSet
from interactions.api.segments.views import SegmentLineViewSet, SegmentViewSet
from interactions_crm.platform.api.jobs import BackgroundJobViewSet, job_response

__all__ = [
    "BackgroundJobViewSet",
    "CampaignViewSet",
    "ContactInteractionViewSet",
    "DocumentEventView",
    "InteractionGroupViewSet",
    "InteractionTemplateSetupViewSet",
    "InteractionTemplateViewSet",
    "InteractionViewSet",
    "LoggedSegmentViewSet",
    "PostponedInteractionViewSet",
    "SegmentLineViewSet",
    "SegmentViewSet",
    "entries",
    "entry_data",
    "job_response",
]
