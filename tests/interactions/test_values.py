"""The registry of shared interaction values (interactions.models.values).

Each derived field set is pinned to the set the services spelled out before
the registry existed, so deriving them changed no behaviour; and every name
in the registry is checked against its model.
"""

import pytest
from django.db import models

from interactions.models import (
    InteractionLogEntry,
    InteractionTemplate,
    Segment,
    SegmentLine,
    values,
)
from interactions.services import segments
from interactions.services.segments import lines

PINNED = {
    "HEADER_FIELDS": {
        "description",
        "date",
        "salesperson",
        "campaign",
        "campaign_target",
        "campaign_response",
        "template",
        "information_flow",
        "initiated_by",
        "unit_cost",
        "unit_duration",
        "correspondence_type",
        "ignore_contact_correspondence_type",
        "subject",
        "language",
    },
    "LINE_FIELDS": {
        "template",
        "description",
        "subject",
        "date",
        "salesperson",
        "campaign",
        "campaign_target",
        "campaign_response",
        "information_flow",
        "initiated_by",
        "cost",
        "duration",
        "correspondence_type",
        "language",
        "contact_via",
        "evaluation",
        "attempt_failed",
    },
    "LINE_TEMPLATE_FIELDS": {
        "description",
        "cost",
        "duration",
        "information_flow",
        "initiated_by",
        "campaign",
        "campaign_target",
        "campaign_response",
        "correspondence_type",
        "language",
    },
    "ENTRY_FIELDS": {
        "date",
        "time",
        "description",
        "subject",
        "salesperson",
        "campaign",
        "campaign_target",
        "campaign_response",
        "cost",
        "duration",
        "information_flow",
        "initiated_by",
        "correspondence_type",
        "language",
        "evaluation",
        "attempt_failed",
        "contact_via",
        "opportunity_ref",
    },
    "TEMPLATE_DERIVED_FIELDS": {
        "description",
        "subject",
        "cost",
        "duration",
        "information_flow",
        "initiated_by",
        "campaign_target",
        "campaign_response",
        "correspondence_type",
        "language",
    },
    "CONTACT_DERIVED_FIELDS": {"correspondence_type", "language", "subject"},
    "TEMPLATE_FALLBACK_FIELDS": {"campaign"},
}

PINNED_MAPPINGS = {
    "TEMPLATE_HEADER_FIELDS": {
        "unit_cost": "unit_cost",
        "unit_duration": "unit_duration",
        "information_flow": "information_flow",
        "initiated_by": "initiated_by",
        "campaign_target": "campaign_target",
        "campaign_response": "campaign_response",
        "correspondence_type": "correspondence_type",
        "ignore_contact_correspondence_type": "ignore_contact_correspondence_type",
        "language": "language",
    },
    "TEMPLATE_HEADER_FALLBACK_FIELDS": {"campaign": "campaign"},
    "HEADER_TO_LINE_FIELDS": {
        "description": ("description",),
        "date": ("date",),
        "salesperson": ("salesperson",),
        "campaign": ("campaign",),
        "campaign_target": ("campaign_target",),
        "campaign_response": ("campaign_response",),
        "information_flow": ("information_flow",),
        "initiated_by": ("initiated_by",),
        "unit_cost": ("cost",),
        "unit_duration": ("duration",),
        "correspondence_type": ("correspondence_type",),
        "ignore_contact_correspondence_type": ("correspondence_type",),
        "subject": ("subject",),
    },
    # What logging copies from a line; date and subject get their own rule.
    "LINE_TO_ENTRY_FIELDS": {
        name: name
        for name in (
            "contact",
            "contact_company",
            "template",
            "description",
            "cost",
            "duration",
            "salesperson",
            "information_flow",
            "initiated_by",
            "attempt_failed",
            "evaluation",
            "correspondence_type",
            "campaign",
            "campaign_target",
            "campaign_response",
            "contact_via",
            "language",
            "date",
            "subject",
        )
    },
    # The template-sourced values of interaction_defaults (DOMAIN §4.1).
    "ENTRY_TEMPLATE_FIELDS": {
        "group": "group",
        "description": "description",
        "cost": "unit_cost",
        "duration": "unit_duration",
        "information_flow": "information_flow",
        "initiated_by": "initiated_by",
        "campaign": "campaign",
        "campaign_target": "campaign_target",
        "campaign_response": "campaign_response",
    },
}


@pytest.mark.parametrize("name", PINNED)
def test_derived_field_set_is_the_one_the_services_used(name):
    derived = getattr(values, name)
    assert len(set(derived)) == len(derived), "a field is listed twice"
    assert set(derived) == PINNED[name]


@pytest.mark.parametrize("name", PINNED_MAPPINGS)
def test_derived_mapping_is_the_one_the_services_used(name):
    assert dict(getattr(values, name)) == PINNED_MAPPINGS[name]


def test_line_template_fields_are_the_line_values_a_new_line_derives():
    """Every template-derived line field has a SQL expression for new lines."""
    segment = Segment(template=None)
    assert set(values.LINE_TEMPLATE_FIELDS) <= set(
        lines.line_expressions(segment, None)
    )


def test_segments_module_still_exports_the_sets():
    assert segments.HEADER_FIELDS is values.HEADER_FIELDS
    assert segments.LINE_FIELDS is values.LINE_FIELDS


MODELS = {
    "entry": InteractionLogEntry,
    "line": SegmentLine,
    "header": Segment,
    "template": InteractionTemplate,
}


def _fields(value: values.InteractionValue) -> dict[str, models.Field]:
    named = {where: getattr(value, where) for where in MODELS}
    return {
        where: MODELS[where]._meta.get_field(name)
        for where, name in named.items()
        if name is not None
    }


@pytest.mark.parametrize(
    "value",
    values.INTERACTION_VALUES,
    ids=lambda value: value.entry or value.header,
)
def test_each_name_is_a_field_of_the_same_class_on_its_model(value):
    fields = _fields(value)
    assert fields, "a value must live somewhere"
    classes = {type(field) for field in fields.values()}
    assert len(classes) == 1, fields
    targets = {field.related_model for field in fields.values()}
    assert len(targets) == 1, f"foreign keys to different models: {fields}"
    for where, field in fields.items():
        assert field.concrete, f"{where}.{field.name} is not a column"


def test_header_to_line_targets_are_line_fields():
    line_fields = {field.name for field in SegmentLine._meta.concrete_fields}
    assert {
        target
        for targets in values.HEADER_TO_LINE_FIELDS.values()
        for target in targets
    } <= line_fields
