"""Django admin for contacts, and the service-routing base the whole admin uses.

The admin is an interface like any other (DESIGN.md §3): it parses input and
calls one service; it never writes domain rows itself. :class:`ServiceAdmin`
turns a ``ValidationError`` from a service into what an administrator expects
to see — messages on the form's fields (saving) or an error message (deleting)
— instead of a server error, and always with nothing written.

Salespeople and the classification code tables are master data that the
interaction log refers to, so their admin lives in ``interactions/admin.py``
next to the services that guard them (the dependency runs interactions →
contacts, never the reverse).
"""

import contextlib
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import quote
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models, router, transaction
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact, ContactBusinessRelation
from contacts.services import (
    create_contact,
    delete_contact,
    set_business_relations,
    update_contact,
)

# Request attribute carrying a service's ValidationError into the second,
# read-only pass of a change form (see ServiceAdmin.changeform_view).
SERVICE_ERROR_ATTR = "_crm_service_error"


def add_validation_error(form: BaseForm, error: ValidationError) -> None:
    """Show a service's ``ValidationError`` on ``form``.

    Messages for a field the form has go on that field; the rest (fields the
    form does not show, ``__all__``) become non-field errors, prefixed with
    the field's label so the message still says what it is about.
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        if name in form.fields:
            form.add_error(name, errors)
        elif name == NON_FIELD_ERRORS:
            form.add_error(None, errors)
        else:
            label = _label_for(form, name)
            form.add_error(
                None, [f"{label}: {message}" for e in errors for message in e.messages]
            )


def _label_for(form: BaseForm, name: str) -> str:
    model = getattr(getattr(form, "_meta", None), "model", None)
    if model is not None:
        with contextlib.suppress(FieldDoesNotExist):
            return str(model._meta.get_field(name).verbose_name).capitalize()
    return name.replace("_", " ").capitalize()


def error_text(error: ValidationError) -> str:
    """All messages of ``error`` as one line for an admin message."""
    return " ".join(str(message) for message in error.messages)


class ServiceAdmin(admin.ModelAdmin):
    """A ModelAdmin whose writes go through services.

    Subclasses implement :meth:`service_save` and :meth:`service_delete`. When
    a service raises ``ValidationError`` while saving a change form, the
    admin's transaction is rolled back and the form is shown again with the
    messages on its fields; while deleting, the deletion is rolled back and the
    messages are shown as an error message. Deletion confirmation pages do not
    walk related objects (a template can have a million entries): the service
    decides, and says why when it refuses.
    """

    actions = ["delete_selected"]

    # --- hooks for subclasses -------------------------------------------------
    def service_save(
        self, request: HttpRequest, obj: models.Model, form: BaseForm, change: bool
    ) -> models.Model:
        raise NotImplementedError

    def service_delete(self, request: HttpRequest, obj: models.Model) -> None:
        raise NotImplementedError

    # --- saving ------------------------------------------------------------
    def save_model(self, request, obj, form, change) -> None:
        saved = self.service_save(request, obj, form, change)
        if saved is not None and saved is not obj:
            copy_fields(saved, obj)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            if request.method != "POST" or hasattr(request, SERVICE_ERROR_ATTR):
                raise
            # Everything the first pass wrote is rolled back by the admin's
            # transaction. Run the view again: the form adds the service's
            # messages in clean(), so it is invalid and nothing is saved.
            setattr(request, SERVICE_ERROR_ATTR, error)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        return with_service_error(
            form_class, getattr(request, SERVICE_ERROR_ATTR, None)
        )

    # --- deleting ----------------------------------------------------------
    def delete_model(self, request, obj) -> None:
        self.service_delete(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            self.service_delete(request, obj)

    def get_deleted_objects(self, objs, request):
        """List only the objects themselves; the service checks what refers to them."""
        objs = list(objs)
        model_count = {self.opts.verbose_name_plural: len(objs)} if objs else {}
        return [str(obj) for obj in objs], model_count, set(), []

    def delete_view(self, request, object_id, extra_context=None) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as error:
            self.message_user(request, error_text(error), messages.ERROR)
            url = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                args=[quote(object_id)],
                current_app=self.admin_site.name,
            )
            return HttpResponseRedirect(url)

    @admin.action(
        permissions=["delete"],
        description=_("Delete selected %(verbose_name_plural)s"),
    )
    def delete_selected(self, request, queryset):
        """Django's delete action, all or nothing, with refusals as messages."""
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return django_delete_selected(self, request, queryset)
        except ValidationError as error:
            self.message_user(request, error_text(error), messages.ERROR)
            return None


def with_service_error(form_class: type, error: ValidationError | None) -> type:
    """``form_class``, or a subclass that reports ``error`` when validated."""
    if error is None:
        return form_class

    class ServiceErrorForm(form_class):
        def clean(self) -> dict[str, Any]:
            cleaned_data = super().clean()
            add_validation_error(self, error)
            return cleaned_data

    ServiceErrorForm.__name__ = form_class.__name__
    return ServiceErrorForm


def mark_formsets_handled(formsets, new_objects: dict | None = None) -> None:
    """Record on inline formsets what the services did, for the admin's history.

    The admin builds its change message from ``formset.new_objects`` & co.,
    which only ``formset.save()`` sets; inlines handled by a service set them
    here instead (``new_objects`` maps a formset to the rows it created).
    """
    for formset in formsets:
        formset.new_objects = list((new_objects or {}).get(formset, []))
        formset.changed_objects = []
        formset.deleted_objects = []


def copy_fields(source: models.Model, target: models.Model) -> None:
    """Copy the saved row's values onto the admin's in-memory instance.

    The admin keeps using its own instance after ``save_model`` (for the
    success message, the change log and the redirect).
    """
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    target._state.adding = False
    target._state.db = source._state.db


# --- contacts -----------------------------------------------------------------


class ContactBusinessRelationInline(admin.TabularInline):
    model = ContactBusinessRelation
    fields = ["business_relation", "link_type", "link_no"]
    autocomplete_fields = ["business_relation"]
    extra = 0


CLASSIFICATION_FIELDS = ("job_responsibilities", "industry_groups", "mailing_groups")


@admin.register(Contact)
class ContactAdmin(ServiceAdmin):
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
    def interactions_link(self, obj) -> str:
        """The contact's interaction log (a company's includes its persons')."""
        if obj.pk is None:
            return "–"
        url = reverse("admin:interactions_interactionlogentry_changelist")
        return format_html(
            '<a href="{}?q={}">{}</a>', url, obj.no, _("Interaction log entries")
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        if obj is None and "no" in form_class.base_fields:
            form_class.base_fields["no"].required = False
            form_class.base_fields["no"].help_text = _(
                "Leave blank to take the next number from the number series."
            )
        return form_class

    def save_model(self, request, obj, form, change) -> None:
        """Deferred to :meth:`save_related`: one service call with the inlines."""

    def save_related(self, request, form, formsets, change) -> None:
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
        if change:
            contact = update_contact(
                actor=request.user,
                contact=Contact.objects.get(pk=form.instance.pk),
                business_relations=relations,
                **classifications,
                **fields,
            )
        else:
            contact = create_contact(
                actor=request.user,
                business_relations=relations,
                **classifications,
                **fields,
            )
        copy_fields(contact, form.instance)

    def service_delete(self, request, obj) -> None:
        delete_contact(actor=request.user, contact=obj)


def _relations_from_formsets(formsets) -> list[tuple[str, str, str]] | None:
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
class ContactBusinessRelationAdmin(ServiceAdmin):
    list_display = ["contact", "business_relation", "link_type", "link_no"]
    list_filter = ["business_relation", "link_type"]
    search_fields = ["=link_no", "=contact__no", "contact__name"]
    list_select_related = ["contact", "business_relation"]
    autocomplete_fields = ["contact", "business_relation"]

    def get_readonly_fields(self, request, obj=None):
        return ["contact"] if obj is not None else []

    def service_save(self, request, obj, form, change):
        others = [
            _spec(relation)
            for relation in obj.contact.business_relations.select_related(
                "business_relation"
            )
            if relation.pk != obj.pk
        ]
        set_business_relations(
            actor=request.user, contact=obj.contact, relations=[*others, _spec(obj)]
        )
        return obj.contact.business_relations.get(
            business_relation=obj.business_relation
        )

    def service_delete(self, request, obj) -> None:
        set_business_relations(
            actor=request.user,
            contact=obj.contact,
            relations=[
                _spec(relation)
                for relation in obj.contact.business_relations.select_related(
                    "business_relation"
                )
                if relation.pk != obj.pk
            ],
        )


def _spec(relation: ContactBusinessRelation) -> tuple[str, str, str]:
    return (relation.business_relation.code, relation.link_type, relation.link_no)
