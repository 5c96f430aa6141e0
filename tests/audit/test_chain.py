"""The audit trail is append-only and hash-chained; `peerwell audit verify` finds tampering."""

import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from peerwell.audit.models import GENESIS_HASH, AppendOnlyError, AuditEvent
from peerwell.audit.selectors import audit_verify
from peerwell.audit.services import audit_record
from tests import factories


def _three_events(org, actor):
    return [
        audit_record(action=f"test.{n}", actor=actor, organization=org, participant_id=n)
        for n in range(1, 4)
    ]


def _raw(sql: str, params=()):
    """Change the table behind the ORM's back, as someone with database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Fire the pending deferred foreign-key checks first: PostgreSQL will not
            # alter a table that still has some.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")


def test_events_link_each_to_the_one_before(org, people):
    first, second, third = _three_events(org, people["admin"].user)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert [first.seq, second.seq, third.seq] == [1, 2, 3]
    assert len({first.hash, second.hash, third.hash}) == 3


def test_each_organization_has_its_own_chain(org, other_org, people):
    mine = audit_record(action="test", organization=org)
    theirs = audit_record(action="test", organization=other_org)
    system = audit_record(action="test")
    assert (mine.chain, theirs.chain, system.chain) == (
        f"org:{org.pk}",
        f"org:{other_org.pk}",
        "system",
    )


def test_verify_passes_on_an_intact_trail(org, people, capsys):
    _three_events(org, people["admin"].user)
    summaries, breaks = audit_verify()
    assert breaks == []
    assert any(s.chain == f"org:{org.pk}" and s.events >= 3 for s in summaries)
    call_command("audit", "verify")
    assert "audit trail intact" in capsys.readouterr().out


def test_the_orm_refuses_to_change_or_delete_events(org):
    event = audit_record(action="test", organization=org)
    event.action = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="changed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_a_changed_row_is_named(org, people, capsys):
    _, middle, _ = _three_events(org, people["admin"].user)
    _raw("UPDATE audit_auditevent SET participant_id = 999 WHERE id = %s", [middle.pk])
    _, breaks = audit_verify()
    assert len(breaks) == 1
    assert breaks[0].event_id == middle.pk
    assert "changed" in breaks[0].reason
    with pytest.raises(CommandError):
        call_command("audit", "verify")
    assert f"event {middle.pk}" in capsys.readouterr().err


def test_a_deleted_row_is_found_at_the_next_event(org, people):
    _, middle, last = _three_events(org, people["admin"].user)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [middle.pk])
    (found,) = audit_verify()[1]
    assert found.event_id == last.pk
    assert "deleted" in found.reason


def test_a_deleted_last_row_is_found_by_the_head(org, people):
    *_, last = _three_events(org, people["admin"].user)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [last.pk])
    (found,) = audit_verify()[1]
    assert found.event_id is None
    assert "end" in found.reason


def test_a_row_inserted_out_of_order_is_named(org, people):
    first, second, _ = _three_events(org, people["admin"].user)
    # Shift the tail up one place and slip a forged event in at position 2.
    _raw("UPDATE audit_auditevent SET seq = seq + 10 WHERE chain = %s AND seq >= 2", [first.chain])
    forged = AuditEvent(
        chain=first.chain,
        seq=2,
        occurred_at=second.occurred_at,
        organization=org,
        action="forged",
        prev_hash=first.hash,
    )
    forged.hash = forged.compute_hash()
    forged.save()
    (found,) = audit_verify()[1]
    assert found.event_id == AuditEvent.objects.get(chain=first.chain, seq=12).pk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database triggers on PostgreSQL")
def test_postgresql_refuses_raw_updates(org):
    event = audit_record(action="test", organization=org)
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [event.pk])


def test_addresses_are_stored_as_hashed(client, people):
    """An IPv6 address the database would rewrite is made canonical before it is hashed."""
    email = people["participant"].user.email
    for address in ("2001:DB8:0:0::1", "not an address"):
        client.post(
            "/account/sign-in/",
            {"username": email, "password": factories.PASSWORD},
            REMOTE_ADDR=address,
        )
        client.post("/account/sign-out/")
    addresses = list(
        AuditEvent.objects.filter(action="login")
        .order_by("pk")
        .values_list("ip_address", flat=True)
    )
    assert addresses == ["2001:db8::1", None]
    assert audit_verify()[1] == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_never_fork_the_chain():
    """Eight threads, each on its own connection, append to one organization's chain at once."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    org = factories.organization()
    start = threading.Barrier(8)

    def append(n):
        start.wait()
        try:
            for i in range(10):
                audit_record(action="test.concurrent", organization=org, detail={"n": n, "i": i})
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(append, range(8)))
    seqs = list(
        AuditEvent.objects.filter(chain=f"org:{org.pk}")
        .order_by("seq")
        .values_list("seq", flat=True)
    )
    assert seqs == list(range(1, 81))
    assert audit_verify()[1] == []
