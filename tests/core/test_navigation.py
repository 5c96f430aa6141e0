"""The main navigation: kept per role, language and section, so each sees their own."""

import re

from peerwell.core.roles import Role
from tests import factories


def _nav(client, path: str) -> tuple[list[str], list[str]]:
    """The navigation's link texts, and those marked as the current page."""
    nav = re.search(
        r"<nav aria-label=\"[^\"]+\">(.*?)</nav>", client.get(path).content.decode(), re.S
    )
    links = re.findall(r"<a href=\"[^\"]+\" ?(aria-current=\"page\")?>([^<]+)</a>", nav.group(1))
    return [text for _, text in links], [text for current, text in links if current]


def test_each_role_language_and_section_gets_its_own_navigation(client, people):
    factories.sign_in(client, people[Role.PARTICIPANT])
    links, current = _nav(client, "/peers/")
    assert "Find a peer" in links and "Staff" not in links and current == ["Find a peer"]
    assert _nav(client, "/account/")[1] == ["My account"]
    user = people[Role.PARTICIPANT].user
    user.language = "es"
    user.save()
    assert "Find a peer" not in _nav(client, "/peers/")[0]

    factories.sign_in(client, people[Role.ADMIN])
    links, current = _nav(client, "/peers/")
    assert "Peer directory" in links and "Staff" in links and current == ["Peer directory"]
