"""Each role's home page, and what it costs."""

from peerwell.accounts.services import team_create
from peerwell.core.roles import Role
from tests import factories


def test_a_supervisors_home_lists_their_team_in_fixed_queries(
    client, org, people, django_assert_max_num_queries
):
    specialists = [factories.member(org, Role.SPECIALIST, full_name=f"Peer {n}") for n in range(12)]
    team_create(
        actor=people[Role.ADMIN],
        name="North",
        supervisor=people[Role.SUPERVISOR],
        specialists=specialists,
    )
    factories.sign_in(client, people[Role.SUPERVISOR])
    client.get("/home/")
    with django_assert_max_num_queries(10):  # 12 specialists: no query per person
        response = client.get("/home/")
    assert response.status_code == 200
    assert response.content.count(b"Peer ") >= 12


def test_roles_land_on_their_own_home(client, people):
    expected = {
        Role.PARTICIPANT: b"Welcome,",
        Role.SPECIALIST: b"Good to see you,",
        Role.SUPERVISOR: b"My team",
        Role.ADMIN: b"See staff and invite new members",
    }
    for role, text in expected.items():
        factories.sign_in(client, people[role])
        assert text in client.get("/home/").content
    factories.sign_in(client, people[Role.AUDITOR])
    assert client.get("/home/")["Location"] == "/audit/"
