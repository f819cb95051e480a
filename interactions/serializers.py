"""Former home of the interactions API's serializers; they live by area now.

The shapes are in ``interactions.api`` — ``entries.serializers`` (the log),
``postponed``, ``documents``, ``masterdata``, ``segments.serializers``,
``logged_segments`` — and the background job's in
``interactions_crm.platform.api.jobs``. Only the name that code outside the
API imports (the benchmarks) is re-exported here; new code imports from the
area.
"""

from interactions.api.entries.serializers import InteractionLogEntrySerializer

__all__ = ["InteractionLogEntrySerializer"]
