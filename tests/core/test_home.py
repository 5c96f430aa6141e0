"""Each role's home page, and what it costs."""

from peerwell.accounts.services import team_create
from peerwell.core.roles import Role
from tests import factories


def test_a_supervisors_home_costs_the_same_for_a_bigger_team(
    client, org, people, django_assert_num_queries
):
    team = team_create(
        actor=people[Role.ADMIN],
        name="North",
        supervisor=people[Role.SUPERVISOR],
        specialists=[factories.member(org, Role.SPECIALIST, full_name="Peer 0")],
    )
    factories.sign_in(client, people[Role.SUPERVISOR])
    client.get("/home/")
    with django_assert_num_queries(10) as few:
        client.get("/home/")
    more = [factories.member(org, Role.SPECIALIST, full_name=f"Peer {n}") for n in range(1, 12)]
    for specialist in more:
        factories.participant(org, specialist)
    team.specialists.add(*more)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get("/home/")
    assert response.status_code == 200
    assert response.content.count(b"Peer ") >= 24  # in the team list and the documentation table


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
