"""A person reads Peerwell in Spanish: chosen before signing in, kept by their preference."""

import pytest
from playwright.sync_api import expect

from peerwell.core.roles import Role
from tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("compiled_catalogs"),
]


def test_switch_the_sign_in_page_to_spanish_then_sign_in(new_page):
    org = factories.organization(name="Riverside Peer Program")
    specialist = factories.member(org, Role.SPECIALIST, full_name="Ana Ruiz", language="es")
    device = factories.totp_device(specialist.user)
    checked = new_page(locale="en-US")
    page = checked.page

    checked.goto("/")
    expect(page.get_by_role("heading", name="Sign in to Peerwell")).to_be_visible()
    page.get_by_label("Language", exact=True).select_option(label="Español")
    page.get_by_role("button", name="Change language").click()
    checked.check("sign-in-es")
    expect(page.get_by_role("heading", name="Iniciar sesión en Peerwell")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_label("Idioma", exact=True)).to_have_value("es")

    page.get_by_label("Correo electrónico").fill(specialist.user.email)
    page.get_by_label("Contraseña").fill(factories.PASSWORD)
    page.get_by_role("button", name="Iniciar sesión", exact=True).click()
    checked.check()
    expect(
        page.get_by_role("heading", name="Escriba su código de inicio de sesión")
    ).to_be_visible()
    page.get_by_label("Código").fill(factories.current_code(device))
    page.get_by_role("button", name="Verificar").click()
    checked.check("home-specialist-es")
    expect(page.get_by_role("heading", name="Qué gusto verle, Ana Ruiz")).to_be_visible()
    expect(page.get_by_role("navigation", name="Principal")).to_be_visible()
    expect(page.get_by_role("link", name="Mis casos")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "es")
