"""What the areas of the interactions API share.

* Permission names (``app_label.codename``) for the views'
  ``required_permissions`` (see ``interactions_crm.platform.api.permissions``).
* The answer of a bulk action (:class:`CountSerializer`) and its size limit.
* Amount fields with the precision of the model columns they feed.
"""

from typing import Any

from rest_framework import serializers

from interactions.models.choices import DecimalSize

VIEW_ENTRY = "interactions.view_interactionlogentry"
ADD_ENTRY = "interactions.add_interactionlogentry"
CANCEL_ENTRY = "interactions.cancel_interactionlogentry"
EVALUATE_ENTRY = "interactions.evaluate_interactionlogentry"
DELETE_CANCELED_ENTRY = "interactions.delete_canceled_interactionlogentry"
CHANGE_LOGGED_SEGMENT = "interactions.change_loggedsegment"
VIEW_SEGMENT = "interactions.view_segment"
CHANGE_SEGMENT = "interactions.change_segment"

# The most entries (or logged segments) one bulk request may name.
MAX_BULK_ENTRIES = 1000
# The largest id or entry number (a 64-bit column): larger ones are refused as
# input rather than failing in the database.
BIGINT_MAX = 2**63 - 1


def amount_field(precision: DecimalSize, **kwargs: Any) -> serializers.DecimalField:
    """A non-negative decimal with a column's ``precision`` (``MONEY``, ``MINUTES``).

    ``kwargs`` go to the field (``required``, ``allow_null`` …).
    """
    return serializers.DecimalField(
        max_digits=precision["max_digits"],
        decimal_places=precision["decimal_places"],
        min_value=0,
        **kwargs,
    )


class CountSerializer(serializers.Serializer[Any]):
    """How many entries a bulk action changed."""

    count = serializers.IntegerField()
