"""The project's URLs plus one view that fails, to see the 500 page."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from interactions_crm.urls import urlpatterns as project_urlpatterns


@login_not_required
def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("something broke")


urlpatterns = [path("test-failure/", fail), *project_urlpatterns]
