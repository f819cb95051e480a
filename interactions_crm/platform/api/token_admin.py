"""Admin of API tokens: issue one (its secret is shown once), revoke them.

The list shows whose a token is, its prefix, expiry and whether it is revoked,
never the secret (only its digest is stored). Adding a token issues it through
:func:`~interactions_crm.platform.api.auth.issue_token`; "Revoke selected API
tokens" withdraws them at once while keeping the rows for the record.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from interactions_crm.platform.api.auth import issue_token, revoke_tokens
from interactions_crm.platform.api.tokens import DEFAULT_TOKEN_DAYS, ApiToken


class IssueTokenForm(forms.ModelForm[ApiToken]):
    """User, purpose and validity of a new token."""

    valid_days = forms.IntegerField(
        label=_("valid for (days)"),
        min_value=1,
        max_value=3650,
        initial=DEFAULT_TOKEN_DAYS,
        required=False,
        help_text=_("Empty: the token never expires."),
    )

    class Meta:
        model = ApiToken
        fields = ["user", "name"]


@admin.action(description=_("Revoke selected API tokens"))
def revoke_selected(
    modeladmin: "ApiTokenAdmin", request: HttpRequest, queryset: QuerySet[ApiToken]
) -> None:
    count = revoke_tokens(actor=request.user, tokens=queryset)
    modeladmin.message_user(
        request, _("%(count)d token(s) revoked.") % {"count": count}, messages.SUCCESS
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["prefix", "user", "name", "created_at", "expires_at", "revoked_at"]
    list_filter = ["revoked_at", "expires_at"]
    search_fields = ["=prefix", "user__username", "name"]
    list_select_related = ["user"]
    readonly_fields = ["user", "prefix", "created_at", "expires_at", "revoked_at"]
    fields = ["user", "name", "prefix", "created_at", "expires_at", "revoked_at"]
    actions = [revoke_selected]

    def get_form(
        self,
        request: HttpRequest,
        obj: ApiToken | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> type[forms.ModelForm[ApiToken]]:
        if obj is None:
            kwargs["form"] = IssueTokenForm
            kwargs["fields"] = None
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> Any:
        return ["user", "name", "valid_days"] if obj is None else self.fields

    def get_readonly_fields(
        self, request: HttpRequest, obj: ApiToken | None = None
    ) -> Any:
        return [] if obj is None else self.readonly_fields

    def save_model(
        self, request: HttpRequest, obj: ApiToken, form: Any, change: bool
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        issued = issue_token(
            actor=request.user,
            user=form.cleaned_data["user"],
            name=form.cleaned_data["name"],
            valid_days=form.cleaned_data["valid_days"],
        )
        obj.pk = issued.pk
        messages.warning(
            request,
            _(
                "The token for %(user)s is %(key)s — copy it now: it is stored "
                "hashed and cannot be shown again."
            )
            % {"user": issued.user, "key": issued.key},
        )
