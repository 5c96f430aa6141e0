import subprocess
import sys

import uvicorn
from django.core.management import call_command
from django.core.management.base import BaseCommand

from peerwell.core.management.commands.seed_demo import print_logins
from peerwell.demo import demo_seed


class Command(BaseCommand):
    help = (
        "Migrate, load the demo organization and serve Peerwell (ASGI) on 127.0.0.1:8000, "
        "with a task worker beside it for reminders and confirmations."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="set up only")

    def handle(self, *args, host, port, no_serve, **options):
        call_command("migrate", interactive=False, verbosity=0)
        organization = demo_seed()
        self.stdout.write(self.style.SUCCESS(f"Demo organization ready: {organization.name}"))
        print_logins(self.stdout)
        if no_serve:
            return
        # Reminders and confirmation emails are background tasks in the database: the
        # worker sends them (to var/mail/ and var/sms/ here) while the server runs.
        worker = subprocess.Popen(
            [sys.executable, "-m", "peerwell.cli", "db_worker", "--no-reload", "--interval", "2"]
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"\nPeerwell is at http://{host}:{port}/  (Ctrl-C stops it and the task worker)"
            )
        )
        try:
            uvicorn.run(
                "peerwell.asgi:application", host=host, port=port, lifespan="off", log_level="info"
            )
        finally:
            worker.terminate()
            worker.wait(timeout=10)
