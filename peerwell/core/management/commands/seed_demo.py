from django.core.management.base import BaseCommand

from peerwell.demo import data as demo_data
from peerwell.demo import demo_seed, demo_totp_secret


def demo_logins() -> list[tuple[str, str, str]]:
    """(role, email, authenticator key or "") for each demo role's first account."""
    seen, rows = set(), []
    for person in [
        *demo_data.STAFF,
        *({**p, "role": "participant"} for p in demo_data.PARTICIPANTS),
    ]:
        if person["role"] in seen:
            continue
        seen.add(person["role"])
        secret = demo_totp_secret(person["email"]) if person["role"] != "participant" else ""
        rows.append((person["role"], person["email"], secret))
    return rows


def print_logins(stdout) -> None:
    stdout.write(f"\nDemo sign-ins (password for all: {demo_data.DEMO_PASSWORD})")
    for role, email, secret in demo_logins():
        stdout.write(f"  {role:<12} {email}")
        if secret:
            stdout.write(
                f"  {'':<12} authenticator key {secret}  (code: peerwell demo-code {email})"
            )
    newcomer = demo_data.NEW_PARTICIPANT[0]
    stdout.write(f"  {'':<12} {newcomer}  (no peer yet: Find a peer ranks them)")
    stdout.write(f"\nSelf sign-up: /join/{demo_data.ORGANIZATION['slug']}/")


class Command(BaseCommand):
    help = "Create the synthetic demo organization (idempotent) and print its sign-ins."

    def handle(self, *args, **options):
        organization = demo_seed()
        self.stdout.write(self.style.SUCCESS(f"Demo organization ready: {organization.name}"))
        print_logins(self.stdout)
