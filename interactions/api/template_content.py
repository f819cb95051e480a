"""A template's content per language in the API (NAV "Interaction Tmpl. Languages").

``interaction-templates/{template_code}/contents/{language}/``: list, read,
create, change and delete the subject and body a template sends in each
language, written through the master-data service like the template itself
(validation, one content per language, the audit of DOMAIN §9). The content
without a language — the one used when a contact's language has none — is
addressed as ``-``.
"""

from typing import Any

from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from interactions.models import InteractionTemplate, TemplateContent
from interactions.services.masterdata import MASTER_DATA_WRITES
from interactions_crm.platform.api.fields import FixedKeyMixin
from interactions_crm.platform.api.masterdata import DeletableMasterDataViewSet

# The URL key of the content without a language code.
NO_LANGUAGE = "-"


def language_key(language: str) -> str:
    """The URL key of a content's language (``-`` for none)."""
    return language or NO_LANGUAGE


class TemplateContentSerializer(
    FixedKeyMixin, serializers.ModelSerializer[TemplateContent]
):
    """Subject and body (with merge fields) of a template in one language."""

    key_field = "language"

    class Meta:
        model = TemplateContent
        fields = ("language", "description", "subject", "body")

    def validate_language(self, value: str) -> str:
        if value == NO_LANGUAGE:
            raise serializers.ValidationError(
                _(
                    'Leave the language blank for the content without a language; "-" '
                    "only stands for it in URLs."
                )
            )
        return value


class TemplateContentViewSet(DeletableMasterDataViewSet):
    """A template's content per language (``-``: the content without a language)."""

    serializer_class = TemplateContentSerializer
    lookup_field = "language"
    writes = MASTER_DATA_WRITES

    @property
    def keyset_orderings(self) -> dict[str, tuple[str, ...]]:
        return {"language": ("language",)}

    @cached_property
    def template(self) -> InteractionTemplate:
        return get_object_or_404(InteractionTemplate, code=self.kwargs["template_code"])

    def get_queryset(self) -> QuerySet[TemplateContent]:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return TemplateContent.objects.none()
        return TemplateContent.objects.filter(template=self.template)

    def get_object(self) -> TemplateContent:
        language = self.kwargs["language"]
        content = get_object_or_404(
            self.get_queryset(), language="" if language == NO_LANGUAGE else language
        )
        self.check_object_permissions(self.request, content)
        return content

    def new_instance(self) -> Model:
        return TemplateContent(template=self.template)

    def location_of(self, data: Any) -> str:
        return reverse(
            "api:interaction-template-content-detail",
            kwargs={
                "template_code": self.template.code,
                "language": language_key(data["language"]),
            },
        )
