"""Pages in the person's language: the browser's, the switcher's, or their saved preference."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from peerwell.accounts import services
from peerwell.accounts.models import User
from peerwell.core.roles import Role
from tests import factories

pytestmark = pytest.mark.usefixtures("compiled_catalogs")

SIGN_IN = "/account/sign-in/"
SWITCH = "/account/language/"
SPANISH_BROWSER = {"accept-language": "es-MX,es;q=0.9,en;q=0.5"}


def _language(response) -> str:
    return re.search(r'<html lang="([^"]+)">', response.content.decode()).group(1)


def test_english_when_nothing_asks_for_another_language(client, db):
    response = client.get(SIGN_IN)
    assert _language(response) == "en"
    assert "Sign in to Peerwell" in response.content.decode()


def test_the_browsers_language_before_signing_in(client, db):
    response = client.get(SIGN_IN, headers=SPANISH_BROWSER)
    page = response.content.decode()
    assert _language(response) == "es"
    assert response["Content-Language"] == "es"
    assert "Iniciar sesión en Peerwell" in page
    assert "¿Olvidó su contraseña?" in page
    assert _language(client.get(SIGN_IN, headers={"accept-language": "fr"})) == "en"


def test_the_switcher_is_a_labelled_form_on_pages_before_signing_in(client, db):
    for url in (SIGN_IN, "/account/password/reset/", "/invitations/accept/"):
        page = client.get(url).content.decode()
        form = re.search(r'<form[^>]*class="language-switcher".*?</form>', page, re.S).group(0)
        assert f'action="{SWITCH}"' in form and 'method="post"' in form
        assert 'name="csrfmiddlewaretoken"' in form
        assert '<label for="language-switcher">Language</label>' in form
        assert '<option value="es" lang="es" >Español</option>' in form
        assert f'name="next" value="{url}"' in form
        assert '<button type="submit"' in form


def test_the_switcher_shows_the_same_page_in_spanish_to_an_anonymous_person(client, db):
    response = client.post(SWITCH, {"language": "es", "next": SIGN_IN})
    assert response.status_code == 302 and response["Location"] == SIGN_IN
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    # The choice outlasts the browser's own language.
    page = client.get(SIGN_IN, headers={"accept-language": "en"})
    assert _language(page) == "es" and "Iniciar sesión en Peerwell" in page.content.decode()
    client.post(SWITCH, {"language": "en", "next": SIGN_IN})
    assert _language(client.get(SIGN_IN, headers=SPANISH_BROWSER)) == "en"


def test_the_switcher_refuses_another_site_and_an_unknown_language(client, db):
    response = client.post(SWITCH, {"language": "es", "next": "https://elsewhere.example/"})
    assert response["Location"] == "/"
    response = client.post(SWITCH, {"language": "xx", "next": SIGN_IN})
    assert response["Location"] == SIGN_IN
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_switcher_needs_post_and_the_csrf_token(db):
    client = Client(enforce_csrf_checks=True)
    assert client.get(SWITCH).status_code == 405
    response = client.post(SWITCH, {"language": "es", "next": SIGN_IN})
    assert response.status_code == 403
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_a_signed_in_persons_preference_wins_over_browser_and_cookie(client, people):
    specialist = people[Role.SPECIALIST]
    User.objects.filter(pk=specialist.user.pk).update(language="es")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    factories.sign_in(client, specialist)
    response = client.get("/home/", headers={"accept-language": "en"})
    page = response.content.decode()
    assert _language(response) == "es"
    assert f"Qué gusto verle, {specialist.user.display_name}" in page
    assert 'aria-label="Principal"' in page and ">Cerrar sesión<" in page

    admin = people[Role.ADMIN]  # language "en", the default
    factories.sign_in(client, admin)
    assert _language(client.get("/home/", headers=SPANISH_BROWSER)) == "en"


def test_the_account_page_offers_spanish_and_applies_it(client, people):
    participant = people[Role.PARTICIPANT]
    factories.sign_in(client, participant)
    page = client.get("/account/").content.decode()
    assert '<option value="es">Español</option>' in page
    response = client.post("/account/", {"language": "es", "time_zone": ""}, follow=True)
    participant.user.refresh_from_db()
    assert participant.user.language == "es"
    assert _language(response) == "es"
    assert "Se guardaron sus preferencias." in response.content.decode()


def test_the_switcher_also_saves_a_signed_in_persons_preference(client, people):
    participant = people[Role.PARTICIPANT]
    factories.sign_in(client, participant)
    client.post(SWITCH, {"language": "es", "next": "/home/"})
    participant.user.refresh_from_db()
    assert participant.user.language == "es"
    assert _language(client.get("/home/")) == "es"


def test_an_invitation_accepted_in_spanish_keeps_spanish(
    client, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(
            actor=people[Role.ADMIN],
            email="nueva@example.org",
            role=Role.SPECIALIST,
            base_url="https://pw.example/",
        )
    token = re.search(r"/invitations/([^/]+)/", mail.outbox[-1].body).group(1)
    client.post(SWITCH, {"language": "es", "next": "/"})
    client.get(f"/invitations/{token}/")
    page = client.get("/invitations/accept/").content.decode()
    assert "Aceptar la invitación" in page
    password = "piedras del río 1234"
    client.post(
        "/invitations/accept/",
        {"full_name": "Nueva Persona", "password": password, "password_again": password},
    )
    assert User.objects.get(email="nueva@example.org").language == "es"
