"""One form per purpose: the admin's pages use the staff pages' forms."""

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from contacts.admin import ContactsMasterDataAdmin
from contacts.models import Salesperson
from interactions.admin.delete_canceled import DeleteCanceledAdminForm
from interactions.admin.segments import SegmentAdmin
from interactions.services.segments import create_segment
from interactions.web.delete_canceled import DeleteCanceledForm
from interactions.web.segments.forms import (
    CriteriaForm,
    LogSegmentForm,
    ReuseCriteriaForm,
    ReuseLoggedSegmentForm,
    SaveCriteriaForm,
    SegmentHeaderForm,
)

PACKAGES = ("contacts", "interactions", "interactions_crm")


def project_form_classes() -> set[type]:
    """Every form and formset class defined in the project's modules."""
    found: set[type] = set()
    for name in PACKAGES:
        package = importlib.import_module(name)
        for info in pkgutil.walk_packages(package.__path__, f"{name}."):
            if ".migrations" in info.name or info.name.endswith(("wsgi", "asgi")):
                continue
            module = importlib.import_module(info.name)
            found |= {
                value
                for value in vars(module).values()
                if inspect.isclass(value)
                and issubclass(value, forms.BaseForm | forms.BaseFormSet)
                and value.__module__ == module.__name__
            }
    return found


def test_no_two_form_classes_share_a_name():
    names: dict[str, list[str]] = {}
    for form_class in project_form_classes():
        names.setdefault(form_class.__name__, []).append(form_class.__module__)

    assert {name: modules for name, modules in names.items() if len(modules) > 1} == {}


def test_admin_forms_extend_the_staff_forms():
    assert issubclass(SegmentAdmin.form, SegmentHeaderForm)
    assert issubclass(DeleteCanceledAdminForm, DeleteCanceledForm)


@pytest.mark.parametrize(
    ("page", "form_class"),
    [
        ("add_contacts", CriteriaForm),
        ("reduce_contacts", CriteriaForm),
        ("refine_contacts", CriteriaForm),
        ("save_criteria", SaveCriteriaForm),
        ("reuse_criteria", ReuseCriteriaForm),
        ("reuse_logged_segment", ReuseLoggedSegmentForm),
        ("log", LogSegmentForm),
    ],
)
def test_segment_action_pages_use_the_staff_forms(
    admin_client, admin_user, page, form_class
):
    segment = create_segment(actor=admin_user, description="Fair")

    response = admin_client.get(
        reverse(f"admin:interactions_segment_{page}", args=[segment.pk])
    )

    assert response.status_code == 200
    assert type(response.context["form"]) is form_class
    # One form per page: its fields are posted without the staff prefix.
    assert all(field.html_name == field.name for field in response.context["form"])


def test_a_master_data_admin_without_a_bound_service_refuses_to_write(admin_user, rf):
    class Unbound(ContactsMasterDataAdmin[Salesperson]):
        writes = None

    request = rf.post("/")
    request.user = admin_user
    model_admin = Unbound(Salesperson, admin_site=None)

    with pytest.raises(ImproperlyConfigured, match="no master-data service"):
        model_admin.service_delete(request, Salesperson(code="X"))
