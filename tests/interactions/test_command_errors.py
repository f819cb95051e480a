"""Service refusals on the command line: one adapter, one line per field."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from interactions_crm.platform.validation import command_error


def test_one_line_per_field_with_its_messages_joined():
    error = ValidationError(
        {
            "contact": ["Contact CT1 is privacy blocked.", "It is excluded."],
            "salesperson": ["You must fill in the salesperson."],
        }
    )

    assert str(command_error(error)) == (
        "contact: Contact CT1 is privacy blocked. It is excluded.\n"
        "salesperson: You must fill in the salesperson."
    )


def test_messages_without_a_field_have_no_prefix():
    assert str(command_error(ValidationError(["Gone.", "Really."]))) == "Gone. Really."
    error = ValidationError({NON_FIELD_ERRORS: ["Refused."]})
    assert str(command_error(error)) == "Refused."


def test_heading_comes_first():
    error = ValidationError({"lines": ["Segment SM1 is empty."]})

    message = str(command_error(error, heading="Segment SM1 was not logged:"))

    assert message == "Segment SM1 was not logged:\nlines: Segment SM1 is empty."
