"""Forms of the segment pages (DOMAIN §5): header, criteria, worksheet actions,
line, log.

Shape and field validation only: the views hand ``cleaned_data`` to the
segment services, which own every rule (criteria validation, logging checks,
unique codes …) and report violations per field;
:func:`interactions_crm.platform.forms.add_service_errors` puts them back on
these forms.
"""

import copy
from typing import Any

from django import forms
from django.core.validators import MinValueValidator
from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ChoiceField as FilterChoiceField

from contacts.lookups import ContactLookupField, SalespersonLookupField
from contacts.models import (
    BusinessRelation,
    IndustryGroup,
    JobResponsibility,
    MailingGroup,
    Salesperson,
)
from interactions.criteria import HISTORY_LOOKUPS, ContactCriteriaFilterSet
from interactions.models import (
    InteractionGroup,
    LoggedSegment,
    SavedCriteria,
    Segment,
    SegmentCriteriaAction,
    SegmentLine,
)
from interactions.services.segments import HEADER_FIELDS
from interactions.web.fields import AMOUNT_INPUT, DATE_INPUT
from interactions.web.lookups import CampaignLookupField, TemplateLookupField
from interactions_crm.platform.lookups import LookupField, instance_initial

Kind = SegmentCriteriaAction.Kind

#: Header fields on the "new segment" page; the template fills in the rest.
CREATE_FIELDS = ["description", "date", "salesperson", "template", "campaign"]

#: Every header field, in the order of the header form.
HEADER_FORM_FIELDS = [
    "description",
    "date",
    "salesperson",
    "template",
    "campaign",
    "campaign_target",
    "campaign_response",
    "information_flow",
    "initiated_by",
    "unit_cost",
    "unit_duration",
    "correspondence_type",
    "ignore_contact_correspondence_type",
    "subject",
    "language",
]


class SegmentHeaderForm(forms.ModelForm[Segment]):
    """Create a segment or change its header.

    The form validates a copy of the segment, so the instance the view passes
    to ``update_segment_header`` is untouched. Choosing a template shows its
    defaults at once (htmx); ``defaults_for`` names the template whose
    defaults the page showed. Then every field as submitted goes to the
    service — a value the user set wins over the template's default
    (DOMAIN §5); otherwise only ``changed_data`` does.
    """

    defaults_for = forms.CharField(required=False, widget=forms.HiddenInput)
    # Typed or chosen from a list, never a guessed first match; a blocked
    # salesperson is refused by the service with a message on the field.
    salesperson = SalespersonLookupField(label=_("Salesperson"), required=False)
    template = TemplateLookupField(label=_("Interaction template"), required=False)
    campaign = CampaignLookupField(label=_("Campaign"), required=False)

    update_lines = forms.BooleanField(
        label=_("Also update the lines"),
        required=False,
        initial=True,
        help_text=_(
            "Apply the changed values to the lines that still use the segment's "
            "interaction template. Lines personalised with another template are "
            "left alone; a new template applies to every line."
        ),
    )

    class Meta:
        model = Segment
        fields = HEADER_FORM_FIELDS
        widgets = {
            "date": DATE_INPUT,
            "unit_cost": AMOUNT_INPUT,
            "unit_duration": AMOUNT_INPUT,
        }

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        *,
        instance: Segment | None = None,
        creating: bool = False,
        defaults_url: str = "",
        **kwargs: Any,
    ) -> None:
        if instance is not None:
            instance = copy.copy(instance)
        super().__init__(data, files, instance=instance, **kwargs)
        if "defaults_for" not in self.initial:
            template = self.instance.template if instance is not None else None
            self.initial["defaults_for"] = template.code if template else ""
        if defaults_url:
            self.fields["template"].widget.attrs.update(
                {
                    "hx-get": defaults_url,
                    "hx-trigger": "change",
                    "hx-include": "closest form",
                    "hx-target": "closest form",
                    "hx-select": "form.segment-form",
                    "hx-swap": "outerHTML",
                }
            )
        if creating:
            for name in list(self.fields):
                if name not in CREATE_FIELDS:
                    del self.fields[name]
        elif not self.instance.lines.exists():
            del self.fields["update_lines"]
        instance_initial(self, self.instance)
        self.fields["description"].help_text = _(
            "Required to log the segment; the lines copy it."
        )
        if "template" in self.fields:
            self.fields["template"].help_text = _(
                "Choosing a template fills in its cost, duration, information "
                "flow, correspondence type and language."
            )

    def template_defaults_shown(self) -> bool:
        """Did the page show the chosen template's defaults before saving?"""
        template = self.cleaned_data.get("template")
        code = template.code if template is not None else ""
        return bool(self.cleaned_data.get("defaults_for", "") == code)

    def service_values(self) -> dict[str, Any]:
        """The header fields to save, as service keyword arguments.

        With a new template whose defaults the page showed, every field as
        submitted (the user saw and possibly changed them: their values win);
        otherwise the fields the user changed.
        """
        names = self.changed_data
        if "template" in names and self.template_defaults_shown():
            names = list(self.fields)
        return {
            name: self.cleaned_data[name]
            for name in names
            if name in HEADER_FIELDS and name in self.cleaned_data
        }


# --- criteria actions -----------------------------------------------------------------

#: Criteria on the contact's classification (the rest of the contact criteria
#: are its own fields; HISTORY_LOOKUPS are the interaction-history criteria).
CLASSIFICATION_CRITERIA = (
    "business_relation",
    "job_responsibility",
    "industry_group",
    "mailing_group",
)

#: Criteria typed as codes, offered as a select of their (small) code table.
CODE_CRITERIA: dict[str, tuple[type[Model], str]] = {
    "business_relation": (BusinessRelation, "code"),
    "job_responsibility": (JobResponsibility, "code"),
    "industry_group": (IndustryGroup, "code"),
    "mailing_group": (MailingGroup, "code"),
    "interaction_group": (InteractionGroup, "code"),
}

#: Criteria on records typed by key or name (a lookup: never a guessed first
#: match); each cleans to the key the criteria compare.
LOOKUP_CRITERIA: dict[str, type[LookupField]] = {
    "salesperson": SalespersonLookupField,
    "interaction_template": TemplateLookupField,
    "campaign": CampaignLookupField,
    "interaction_salesperson": SalespersonLookupField,
}

#: Options of each criteria action kind: name -> (label, help text).
CRITERIA_OPTIONS: dict[str, dict[str, tuple[Any, Any]]] = {
    Kind.ADD: {
        "allow_existing": (
            _("Allow existing contacts"),
            _("Add contacts again that are already in the segment."),
        ),
        "expand_companies": (
            _("Expand companies"),
            _("Also add the persons of every matching company."),
        ),
        "add_related_companies": (
            _("Add related companies"),
            _("Also add the company of every matching person."),
        ),
        "ignore_exclusion": (
            _("Ignore exclusion"),
            _("Also add contacts marked “exclude from segment”."),
        ),
    },
    Kind.REDUCE: {
        "entire_companies": (
            _("Entire companies"),
            _("Also remove the persons of every matching company."),
        ),
    },
    Kind.REFINE: {
        "entire_companies": (
            _("Entire companies"),
            _("Also keep the persons of every matching company."),
        ),
    },
}


def _code_choices(model: type[Model], field: str) -> list[tuple[str, str]]:
    """``(code, "code – description")`` for every row, after a blank choice."""
    label = "name" if model is Salesperson else "description"
    rows = model._default_manager.order_by(field).values_list(field, label)
    return [("", "—")] + [
        (code, f"{code} – {label}" if label else code) for code, label in rows
    ]


#: The "add contacts" field confirming that no criterion means every contact.
CONFIRM_ALL = "confirm_all"


class CriteriaForm(forms.Form):
    """Add, reduce or refine contacts: the criteria vocabulary plus the options.

    The criteria fields are those of
    :class:`~interactions.criteria.ContactCriteriaFilterSet` (one vocabulary
    for services, API and pages); code criteria become selects of their code
    tables. :meth:`sections` groups them as NAV's request page does.
    """

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        for name, field in ContactCriteriaFilterSet().form.fields.items():
            field.required = False
            if name in LOOKUP_CRITERIA:
                field = LOOKUP_CRITERIA[name](
                    label=field.label, required=False, to_key=True
                )
            elif name in CODE_CRITERIA:
                field.widget = forms.Select(choices=_code_choices(*CODE_CRITERIA[name]))
            elif isinstance(field, forms.DateField):
                field.widget = DATE_INPUT
            elif isinstance(field, FilterChoiceField):
                # django-filter's blank choice, shown as on the other selects.
                field.empty_label = "—"
                field.choices = [item for item in field.choices if item[0] != ""]
            self.fields[name] = field
        self.option_names = list(CRITERIA_OPTIONS[kind])
        for name, (label, help_text) in CRITERIA_OPTIONS[kind].items():
            self.fields[name] = forms.BooleanField(
                label=label, help_text=help_text, required=False
            )
        if kind == SegmentCriteriaAction.Kind.ADD:
            # No criterion at all adds every contact: only when confirmed.
            self.fields[CONFIRM_ALL] = forms.BooleanField(
                label=_("Add all contacts"),
                help_text=_("Needed when no criterion is filled in."),
                required=False,
            )

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """The criteria fields grouped: contact, classification, history."""
        criteria = [
            name
            for name in self.fields
            if name not in self.option_names and name != CONFIRM_ALL
        ]
        groups: dict[str, list[forms.BoundField]] = {
            "contact": [],
            "classification": [],
            "history": [],
        }
        for name in criteria:
            if name in HISTORY_LOOKUPS:
                groups["history"].append(self[name])
            elif name in CLASSIFICATION_CRITERIA:
                groups["classification"].append(self[name])
            else:
                groups["contact"].append(self[name])
        return [
            (_("Contact"), groups["contact"]),
            (_("Classification"), groups["classification"]),
            (_("Interaction history"), groups["history"]),
        ]

    def options(self) -> list[forms.BoundField]:
        return [self[name] for name in self.option_names]

    def criteria(self) -> dict[str, Any]:
        """The criteria the user filled in (empty ones left out)."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.option_names
            and name != CONFIRM_ALL
            and value not in (None, "")
        }

    def option_values(self) -> dict[str, bool]:
        return {name: self.cleaned_data[name] for name in self.option_names}

    def confirmation(self) -> dict[str, bool]:
        """``confirm_all`` for "add contacts" (the service refuses to add
        every contact without it); nothing for reduce and refine."""
        if CONFIRM_ALL not in self.fields:
            return {}
        return {CONFIRM_ALL: bool(self.cleaned_data.get(CONFIRM_ALL))}


# --- worksheet actions ----------------------------------------------------------------


class AddContactForm(forms.Form):
    """Add one contact by hand (its number, or its name: never a guess)."""

    contact = ContactLookupField(
        label=_("Contact"),
        attrs={"placeholder": _("Add a contact: no. or name")},
    )

    prefix = "add"

    def __init__(self, *args: Any, focus: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if focus:
            # After an htmx update the next contact can be typed right away.
            self.fields["contact"].widget.attrs["autofocus"] = True


class SaveCriteriaForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    description = forms.CharField(
        label=_("Description"), max_length=100, required=False
    )

    prefix = "save"


class ReuseCriteriaForm(forms.Form):
    saved = forms.ModelChoiceField(
        label=_("Saved criteria"),
        queryset=SavedCriteria.objects.order_by("code"),
        to_field_name="code",
        empty_label=_("Choose saved criteria…"),
    )
    replace = forms.BooleanField(
        label=_("Replace the current lines and criteria actions"),
        required=False,
        help_text=_(
            "Reusing criteria deletes the segment's lines and criteria actions "
            "and replays the saved steps."
        ),
    )

    prefix = "reuse"


class LoggedSegmentField(forms.ModelChoiceField[LoggedSegment]):
    """A logged segment typed as its segment number (there can be many)."""

    default_error_messages = {
        "invalid_choice": _("There is no logged segment with this number."),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            queryset=LoggedSegment.objects.all(),
            to_field_name="segment_no",
            widget=forms.TextInput(attrs={"list": "logged-segment-numbers"}),
            **kwargs,
        )

    def prepare_value(self, value: Any) -> Any:
        return value.segment_no if isinstance(value, LoggedSegment) else value


class ReuseLoggedSegmentForm(forms.Form):
    logged_segment = LoggedSegmentField(
        label=_("Logged segment no."),
        help_text=_("Its contacts that are not in this segment yet are added."),
    )

    prefix = "logged"


class LogSegmentForm(forms.Form):
    """Log segment options (NAV report 5185's request page)."""

    send = forms.BooleanField(
        label=_("Send attachments"),
        required=False,
        help_text=_(
            "E-mail the content to every line with correspondence type e-mail "
            "after logging; each entry's delivery status shows the result."
        ),
    )
    follow_up = forms.BooleanField(
        label=_("Create follow-up segment"),
        required=False,
        help_text=_("A new segment “Follow-up on segment …” with the same contacts."),
    )


# --- lines -------------------------------------------------------------------------


class SegmentLineForm(forms.ModelForm[SegmentLine]):
    """Personalise one line (DOMAIN §5: lines are individually editable).

    ``compact`` keeps only the fields the lines table shows, for editing a row
    in place. Like the header form it validates a copy of the line; only
    ``changed_data`` goes to ``update_segment_line`` (a new template
    re-defaults the line's template values, the other changes apply on top).
    """

    COMPACT_FIELDS = ("template", "salesperson", "correspondence_type", "cost")

    # Typed or chosen from a list, never a guessed first match; a blocked
    # salesperson is refused by the service with a message on the field.
    template = TemplateLookupField(label=_("Interaction template"), required=False)
    salesperson = SalespersonLookupField(label=_("Salesperson"), required=False)

    class Meta:
        model = SegmentLine
        fields = [
            "template",
            "description",
            "date",
            "salesperson",
            "correspondence_type",
            "cost",
            "duration",
            "subject",
            "language",
            "evaluation",
        ]
        widgets = {
            "date": DATE_INPUT,
            "cost": AMOUNT_INPUT,
            "duration": AMOUNT_INPUT,
        }

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        *,
        instance: SegmentLine,
        compact: bool = False,
        **kwargs: Any,
    ) -> None:
        # Several rows may be edited at once: each has its own prefix and form.
        kwargs.setdefault("prefix", f"line-{instance.pk}")
        super().__init__(data, files, instance=copy.copy(instance), **kwargs)
        if compact:
            for name in list(self.fields):
                if name not in self.COMPACT_FIELDS:
                    del self.fields[name]
            for field in self.fields.values():
                field.widget.attrs["form"] = f"line-form-{instance.pk}"
        instance_initial(self, self.instance)
        for name in ("cost", "duration"):
            if name in self.fields:
                # The database refuses negatives; say so on the field.
                self.fields[name].validators.append(MinValueValidator(0))
                self.fields[name].widget.attrs["min"] = "0"

    def service_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.changed_data}


# --- content per language ------------------------------------------------------------


class SegmentContentForm(forms.Form):
    """The segment's subject and body in one language (DOMAIN §5).

    Copied from the template when it is chosen; editing it here changes only
    this mailing. The language is the form's key: editing an existing
    language keeps it (a hidden field), "add a language" asks for it.
    """

    language = forms.CharField(
        label=_("Language code"),
        max_length=10,
        required=False,
        help_text=_("Blank: the content for contacts without a language of their own."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Body"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Merge fields such as {{ contact.name }} are filled in for each "
            "contact when the segment is logged."
        ),
    )

    def __init__(self, *args: Any, new: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.new = new
        if not new:
            self.fields["language"].widget = forms.HiddenInput()

    def clean_language(self) -> str:
        return str(self.cleaned_data["language"]).strip()


# --- utilities ---------------------------------------------------------------------


class ApplyMailingGroupForm(forms.Form):
    """NAV's Apply Mailing Group: the segment's contacts join a mailing group."""

    mailing_group = forms.ModelChoiceField(
        label=_("Mailing group"),
        queryset=MailingGroup.objects.order_by("code"),
        to_field_name="code",
        empty_label=_("Choose a mailing group…"),
    )
    remove_others = forms.BooleanField(
        label=_("Remove the group's other members"),
        required=False,
        help_text=_("Contacts in the group that are not in this segment leave it."),
    )

    prefix = "mailing"
