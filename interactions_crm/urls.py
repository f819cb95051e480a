"""The project's URLconf: the top layer, which may import every app.

``/contacts/`` joins two lists in the ``contacts`` namespace: the contacts
app's own pages (list, create, edit) and the card with its interaction
actions, which the interactions app provides because contacts must not import
interactions (DESIGN §2).
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static as static_url
from django.urls import include, path, re_path
from django.views.i18n import set_language

from contacts import urls as contact_urls
from interactions.web.contact_card import urls as contact_card_urls
from interactions.web.unsubscribe import unsubscribe
from interactions_crm.platform.api import errors as api_errors


@login_not_required
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """``/favicon.ico``: a redirect to the static icon (signed in or not)."""
    return HttpResponseRedirect(static_url("favicon.ico"))


contact_pages = (
    contact_urls.urlpatterns + contact_card_urls.urlpatterns,
    contact_urls.app_name,
)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The language switch also works on the login page.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("api/v1/", include("interactions_crm.api", namespace="api")),
    # Any other URL under /api/ (another version, no trailing slash …): the
    # API's JSON 404, also with DEBUG on.
    re_path(r"^api/", api_errors.api_not_found),
    path("contacts/", include(contact_pages)),
    path("", include("interactions.urls")),
    # Public (no login, CSRF-exempt for RFC 8058 one-click): DOMAIN §12.
    path("unsubscribe/<str:token>/", unsubscribe, name="unsubscribe"),
    # Browsers ask for /favicon.ico whatever the page links: send them to the
    # static file (its hashed name in production), never a 404.
    path("favicon.ico", favicon, name="favicon"),
]

# Errors outside a DRF view: JSON under /api/, Django's pages elsewhere.
handler400 = "interactions_crm.platform.api.errors.bad_request"
handler403 = "interactions_crm.platform.api.errors.permission_denied"
handler404 = "interactions_crm.platform.api.errors.page_not_found"
handler500 = "interactions_crm.platform.api.errors.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
