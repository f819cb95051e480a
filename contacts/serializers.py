"""REST API shapes of contacts (DESIGN.md §4.3).

Output serializers name every field; related rows appear by their business
key (company ``no``, salesperson ``code``, classification ``code``). Input
serializers are named after the service they feed and only check the shape of
the input; the rules live in ``contacts.services``.
"""

from typing import Any

from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from contacts.models import (
    BusinessRelation,
    Contact,
    ContactBusinessRelation,
    CorrespondenceType,
    IndustryGroup,
    JobResponsibility,
    MailingGroup,
    Salesperson,
)
from interactions_crm.platform.api.fields import (
    EmailOrBlankField,
    FixedKeyMixin,
    by_key,
    key_of,
    keys_of,
)
from interactions_crm.platform.keys import optional_key_validator

CONTACT_FIELDS = (
    "no",
    "type",
    "name",
    "company",
    "job_title",
    "email",
    "phone",
    "mobile_phone",
    "address",
    "post_code",
    "city",
    "country",
    "language",
    "salesperson",
    "correspondence_type",
    "exclude_from_segment",
    "privacy_blocked",
    "business_relations",
    "job_responsibilities",
    "industry_groups",
    "mailing_groups",
)


class CodeSerializer(FixedKeyMixin, serializers.ModelSerializer[Any]):
    """A classification code table row (business relations, mailing groups …)."""

    class Meta:
        fields = ("code", "description")


def code_serializer(model_class: type[Model]) -> type[CodeSerializer]:
    """A :class:`CodeSerializer` for one code table (component name per model)."""
    meta = type("Meta", (CodeSerializer.Meta,), {"model": model_class})
    return type(f"{model_class.__name__}Serializer", (CodeSerializer,), {"Meta": meta})


BusinessRelationSerializer = code_serializer(BusinessRelation)
JobResponsibilitySerializer = code_serializer(JobResponsibility)
IndustryGroupSerializer = code_serializer(IndustryGroup)
MailingGroupSerializer = code_serializer(MailingGroup)


class SalespersonSerializer(FixedKeyMixin, serializers.ModelSerializer[Salesperson]):
    email = EmailOrBlankField(required=False)

    class Meta:
        model = Salesperson
        fields = ("code", "name", "email", "phone", "job_title", "blocked")


class ContactBusinessRelationSerializer(
    serializers.ModelSerializer[ContactBusinessRelation]
):
    """One business relation of a contact, with its link to an external account."""

    code: serializers.SlugRelatedField[BusinessRelation] = serializers.SlugRelatedField(
        source="business_relation", slug_field="code", read_only=True
    )

    class Meta:
        model = ContactBusinessRelation
        fields = ("code", "link_type", "link_no")


class ContactSerializer(serializers.ModelSerializer[Contact]):
    """A contact with its classification (read)."""

    company = key_of("no")
    company_name = serializers.CharField(read_only=True)
    salesperson = key_of("code")
    email = EmailOrBlankField(read_only=True)
    business_relations = ContactBusinessRelationSerializer(many=True, read_only=True)
    job_responsibilities = keys_of("code")
    industry_groups = keys_of("code")
    mailing_groups = keys_of("code")

    class Meta:
        model = Contact
        fields = (*CONTACT_FIELDS, "company_name", "created_at", "updated_at")
        read_only_fields = fields


class BusinessRelationInputSerializer(serializers.Serializer[Any]):
    """``(code, link_type, link_no)`` of one business relation to set."""

    code = serializers.CharField(max_length=20)
    link_type = serializers.ChoiceField(
        choices=ContactBusinessRelation.LinkType.choices, default="", allow_blank=True
    )
    link_no = serializers.CharField(max_length=20, default="", allow_blank=True)


def _codes(model_class: type[Model]) -> Any:
    """Writable: a list of code table rows by ``code``; omitted: none."""
    return by_key(model_class, "code", many=True, default=list)


class UpdateContactSerializer(serializers.Serializer[Any]):
    """Input of ``contacts.services.update_contact`` (PUT replaces, PATCH merges).

    Classification lists replace the contact's current ones when given.
    """

    type = serializers.ChoiceField(choices=Contact.Type.choices)
    name = serializers.CharField(max_length=100)
    company = serializers.SlugRelatedField(
        slug_field="no",
        queryset=Contact.objects.all(),
        allow_null=True,
        default=None,
        help_text="No. of the company contact (persons only).",
    )
    job_title = serializers.CharField(max_length=100, allow_blank=True, default="")
    email = EmailOrBlankField(default="")
    phone = serializers.CharField(max_length=30, allow_blank=True, default="")
    mobile_phone = serializers.CharField(max_length=30, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, allow_blank=True, default="")
    post_code = serializers.CharField(max_length=20, allow_blank=True, default="")
    city = serializers.CharField(max_length=60, allow_blank=True, default="")
    country = serializers.CharField(max_length=10, allow_blank=True, default="")
    language = serializers.CharField(max_length=10, allow_blank=True, default="")
    salesperson = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Salesperson.objects.all(),
        allow_null=True,
        default=None,
    )
    correspondence_type = serializers.ChoiceField(
        choices=CorrespondenceType.choices, allow_blank=True, default=""
    )
    exclude_from_segment = serializers.BooleanField(default=False)
    privacy_blocked = serializers.BooleanField(default=False)
    business_relations = BusinessRelationInputSerializer(many=True, default=list)
    job_responsibilities = _codes(JobResponsibility)
    industry_groups = _codes(IndustryGroup)
    mailing_groups = _codes(MailingGroup)

    def validate_business_relations(
        self, value: list[dict[str, str]]
    ) -> list[tuple[str, str, str]]:
        """``(code, link_type, link_no)`` tuples, as the contact services take.

        A PATCH validates partially, nested rows included, so a row's code is
        checked here rather than by the nested field.
        """
        if any(not item.get("code") for item in value):
            raise serializers.ValidationError(
                _("Every business relation needs a code.")
            )
        return [
            (item["code"], item.get("link_type", ""), item.get("link_no", ""))
            for item in value
        ]

    def service_kwargs(self) -> dict[str, Any]:
        """The validated data as keyword arguments of the contact services."""
        return dict(self.validated_data)


class CreateContactSerializer(UpdateContactSerializer):
    """Input of ``contacts.services.create_contact``.

    ``no`` is optional: without it the contact gets the next number of the
    contact number series.
    """

    no = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        validators=[optional_key_validator],
    )
