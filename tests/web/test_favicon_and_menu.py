"""The favicon and the narrow-screen menu button of the base layout (#13 item 5)."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_favicon_ico_redirects_to_the_static_icon_without_login(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.ico"
    # The files exist where the static files are collected from.
    for name in ("favicon.ico", "favicon.svg", "favicon-180.png"):
        assert finders.find(name), name


def test_the_static_favicon_is_an_icon_file():
    with open(finders.find("favicon.ico"), "rb") as icon:
        header = icon.read(6)
    assert header == b"\x00\x00\x01\x00\x03\x00"  # ICO with three sizes


def test_every_page_links_the_icons_and_the_script(client, staff_user):
    for path in (reverse("login"), reverse("interactions:dashboard")):
        if path != reverse("login"):
            client.force_login(staff_user)
        html = client.get(path).content.decode()
        assert '<link rel="icon" href="/static/favicon.ico" sizes="32x32">' in html
        assert 'href="/static/favicon.svg" type="image/svg+xml"' in html
        assert '<script src="/static/js/app.js" defer></script>' in html


def test_the_menu_button_is_a_disclosure_for_the_navigation(client, staff_user):
    client.force_login(staff_user)
    html = client.get(reverse("interactions:dashboard")).content.decode()

    # Hidden until app.js shows it: without scripts the menu simply stays open.
    assert (
        '<button type="button" class="navtoggle btn btn--ghost btn--small" '
        'aria-expanded="false" aria-controls="site-menu" hidden>'
    ) in html
    assert '<div class="topbar__menu" id="site-menu">' in html
    menu = html.split('id="site-menu">', 1)[1]
    assert 'class="mainnav"' in menu and "Log out" in menu


def test_no_menu_button_for_anonymous_visitors(client):
    assert "navtoggle" not in client.get(reverse("login")).content.decode()
