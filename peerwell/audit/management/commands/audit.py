from django.core.management.base import BaseCommand, CommandError

from peerwell.audit.selectors import audit_verify


class Command(BaseCommand):
    help = "Audit trail tools. `audit verify` re-walks every hash chain; exit 0 only when intact."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="check every chain and name the first broken event")

    def handle(self, *args, subcommand, **options):
        summaries, breaks = audit_verify()
        for summary in summaries:
            self.stdout.write(
                f"chain {summary.chain}: {summary.events} events intact, head {summary.head_hash}"
            )
        if breaks:
            for found in breaks:
                self.stderr.write(f"BROKEN {found}")
            raise CommandError(f"audit trail is not intact: {len(breaks)} chain(s) broken")
        self.stdout.write(self.style.SUCCESS(f"audit trail intact ({len(summaries)} chains)"))
