"""Django admin of the contacts app: contacts and their code tables.

Contacts and their business relations are written through
``contacts.services``; the code tables — salespeople, the classification codes
segments select on (business relations, job responsibilities, industry groups,
mailing groups) and the number series — are master data written through the
master-data service (``contacts.services.MASTER_DATA_WRITES``), which refuses
to delete a salesperson that interaction log entries refer to (DOMAIN §8).
"""

from typing import Any, cast

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from contacts.models import (
    BusinessRelation,
    Contact,
    ContactBusinessRelation,
    IndustryGroup,
    JobResponsibility,
    MailingGroup,
    NumberSeries,
    Salesperson,
)
from contacts.services import (
    MASTER_DATA_WRITES,
    create_contact,
    delete_contact,
    set_business_relations,
    update_contact,
)
from interactions_crm.platform.actors import user_or_none
from interactions_crm.platform.admin import (
    MasterDataAdmin,
    ModelT,
    ServiceAdmin,
    copy_fields,
    mark_formsets_handled,
)

NEXT_NUMBER_HELP = _("Leave blank to take the next number from the number series.")


# --- contacts -----------------------------------------------------------------


class ContactBusinessRelationInline(
    admin.TabularInline[ContactBusinessRelation, Contact]
):
    model = ContactBusinessRelation
    fields = ["business_relation", "link_type", "link_no"]
    autocomplete_fields = ["business_relation"]
    extra = 0


CLASSIFICATION_FIELDS = ("job_responsibilities", "industry_groups", "mailing_groups")


@admin.register(Contact)
class ContactAdmin(ServiceAdmin[Contact]):
    list_display = [
        "no",
        "name",
        "type",
        "company",
        "job_title",
        "city",
        "phone",
        "email",
        "salesperson",
        "language",
    ]
    list_display_links = ["no", "name"]
    list_filter = [
        "type",
        "salesperson",
        "business_relations__business_relation",
        "industry_groups",
        "job_responsibilities",
        "mailing_groups",
        "language",
        "correspondence_type",
        "exclude_from_segment",
        "privacy_blocked",
    ]
    search_fields = [
        "=no",
        "name",
        "email",
        "city",
        "post_code",
        "company__name",
        "=business_relations__link_no",
    ]
    search_help_text = _(
        "Number (exact), name, e-mail, city, post code, company name or linked "
        "customer/vendor no. (exact)."
    )
    list_select_related = ["company", "salesperson"]
    autocomplete_fields = ["company", "salesperson", *CLASSIFICATION_FIELDS]
    readonly_fields = ["interactions_link", "created_at", "updated_at"]
    inlines = [ContactBusinessRelationInline]
    fieldsets = [
        (
            None,
            {"fields": ["no", "type", "name", "company", "job_title", "salesperson"]},
        ),
        (
            _("Communication"),
            {
                "fields": [
                    "email",
                    "phone",
                    "mobile_phone",
                    "address",
                    "post_code",
                    "city",
                    "country",
                    "language",
                    "correspondence_type",
                ]
            },
        ),
        (
            _("Segmentation"),
            {
                "fields": [
                    *CLASSIFICATION_FIELDS,
                    "exclude_from_segment",
                    "privacy_blocked",
                ]
            },
        ),
        (
            _("History"),
            {"fields": ["interactions_link", "created_at", "updated_at"]},
        ),
    ]

    @admin.display(description=_("interactions"))
    def interactions_link(self, obj: Contact) -> SafeString | str:
        """The contact's interaction log (a company's includes its persons')."""
        if obj.pk is None:
            return "–"
        url = reverse("admin:interactions_interactionlogentry_changelist")
        return format_html(
            '<a href="{}?q={}">{}</a>', url, obj.no, _("Interaction log entries")
        )

    def get_form(
        self,
        request: HttpRequest,
        obj: Contact | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> Any:
        form_class = super().get_form(request, obj, change, **kwargs)
        if obj is None and "no" in form_class.base_fields:
            form_class.base_fields["no"].required = False
            form_class.base_fields["no"].help_text = NEXT_NUMBER_HELP
        return form_class

    def save_model(
        self, request: HttpRequest, obj: Contact, form: Any, change: Any
    ) -> None:
        """Deferred to :meth:`save_related`: one service call with the inlines."""

    def save_related(
        self, request: HttpRequest, form: Any, formsets: Any, change: Any
    ) -> None:
        """Create or update the contact, its classification and relations at once."""
        data = form.cleaned_data
        names = form.changed_data if change else list(data)
        fields = {
            name: data[name]
            for name in names
            if name in data and name not in CLASSIFICATION_FIELDS
        }
        classifications = {
            name: data[name] for name in CLASSIFICATION_FIELDS if name in data
        }
        relations = _relations_from_formsets(formsets)
        mark_formsets_handled(formsets)
        actor = user_or_none(request.user)
        if change:
            contact = update_contact(
                actor=actor,
                contact=Contact.objects.get(pk=form.instance.pk),
                business_relations=relations,
                **classifications,
                **fields,
            )
        else:
            contact = create_contact(
                actor=actor,
                business_relations=relations,
                **classifications,
                **fields,
            )
        copy_fields(contact, form.instance)

    def service_delete(self, request: HttpRequest, obj: Contact) -> None:
        delete_contact(actor=user_or_none(request.user), contact=obj)


def _relations_from_formsets(formsets: Any) -> list[tuple[str, str, str]] | None:
    """The business relations the inline describes, as service specs."""
    for formset in formsets:
        if formset.model is not ContactBusinessRelation:
            continue
        relations = []
        for inline_form in formset.forms:
            data = getattr(inline_form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("business_relation"):
                continue
            relations.append(
                (
                    data["business_relation"].code,
                    data.get("link_type") or "",
                    data.get("link_no") or "",
                )
            )
        return relations
    return None


@admin.register(ContactBusinessRelation)
class ContactBusinessRelationAdmin(ServiceAdmin[ContactBusinessRelation]):
    list_display = ["contact", "business_relation", "link_type", "link_no"]
    list_filter = ["business_relation", "link_type"]
    search_fields = ["=link_no", "=contact__no", "contact__name"]
    list_select_related = ["contact", "business_relation"]
    autocomplete_fields = ["contact", "business_relation"]

    def get_readonly_fields(
        self, request: HttpRequest, obj: ContactBusinessRelation | None = None
    ) -> list[str]:
        return ["contact"] if obj is not None else []

    def service_save(
        self,
        request: HttpRequest,
        obj: ContactBusinessRelation,
        form: Any,
        change: bool,
    ) -> ContactBusinessRelation:
        set_business_relations(
            actor=user_or_none(request.user),
            contact=obj.contact,
            relations=[*_other_relations(obj), _spec(obj)],
        )
        return obj.contact.business_relations.get(
            business_relation=obj.business_relation
        )

    def service_delete(
        self, request: HttpRequest, obj: ContactBusinessRelation
    ) -> None:
        set_business_relations(
            actor=user_or_none(request.user),
            contact=obj.contact,
            relations=_other_relations(obj),
        )


def _other_relations(relation: ContactBusinessRelation) -> list[tuple[str, str, str]]:
    """The contact's other business relations, as service specs."""
    return [
        _spec(other)
        for other in relation.contact.business_relations.select_related(
            "business_relation"
        )
        if other.pk != relation.pk
    ]


def _spec(relation: ContactBusinessRelation) -> tuple[str, str, str]:
    return (relation.business_relation.code, relation.link_type, relation.link_no)


# --- code tables: master data -------------------------------------------------------


class ContactsMasterDataAdmin(MasterDataAdmin[ModelT]):
    """A code table of this app, written through its master-data service."""

    writes = MASTER_DATA_WRITES


@admin.register(Salesperson)
class SalespersonAdmin(ContactsMasterDataAdmin[Salesperson]):
    list_display = ["code", "name", "job_title", "email", "phone", "user", "blocked"]
    list_filter = ["blocked"]
    search_fields = ["code", "name", "email"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]


class ClassificationCodeAdmin(ContactsMasterDataAdmin[ModelT]):
    """The code tables segments select on (DOMAIN §2), with their contacts."""

    list_display = ["code", "description", "contact_count"]
    search_fields = ["code", "description"]
    #: How the table's rows count their contacts.
    contact_count_expr = Count("contacts", distinct=True)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ModelT]:
        rows = super().get_queryset(request).annotate(_contacts=self.contact_count_expr)
        return cast("QuerySet[ModelT]", rows)

    @admin.display(description=_("contacts"), ordering="_contacts")
    def contact_count(self, obj: ModelT) -> int:
        return int(obj._contacts)  # type: ignore[attr-defined]  # get_queryset's


@admin.register(BusinessRelation)
class BusinessRelationAdmin(ClassificationCodeAdmin[BusinessRelation]):
    contact_count_expr = Count("contact_links", distinct=True)


@admin.register(JobResponsibility)
class JobResponsibilityAdmin(ClassificationCodeAdmin[JobResponsibility]):
    pass


@admin.register(IndustryGroup)
class IndustryGroupAdmin(ClassificationCodeAdmin[IndustryGroup]):
    pass


@admin.register(MailingGroup)
class MailingGroupAdmin(ClassificationCodeAdmin[MailingGroup]):
    pass


@admin.register(NumberSeries)
class NumberSeriesAdmin(ContactsMasterDataAdmin[NumberSeries]):
    list_display = ["code", "description", "prefix", "width", "last_number"]
    search_fields = ["code", "description"]

    def get_readonly_fields(
        self, request: HttpRequest, obj: NumberSeries | None = None
    ) -> list[str]:
        # Lowering the last number would hand out numbers twice.
        return ["code", "last_number"] if obj is not None else []
