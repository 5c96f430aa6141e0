from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Print the current sign-in code of a demo account (demo organization only)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        device = (
            TOTPDevice.objects.filter(
                user__email__iexact=email,
                confirmed=True,
                user__memberships__organization__is_demo=True,
            )
            .exclude(user__memberships__organization__is_demo=False)
            .first()
        )
        if device is None:
            raise CommandError("no demo account with an authenticator has that email")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
