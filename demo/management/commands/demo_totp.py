from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo import data
from people.phones import normalize_phone


class Command(BaseCommand):
    help = "Print the current authenticator code of a demo officer (only for the demo's fixed key)."

    def add_arguments(self, parser):
        parser.add_argument("phone")

    def handle(self, *args, phone, **options):
        device = TOTPDevice.objects.filter(user__phone=normalize_phone(phone), key=data.OFFICER_TOTP_KEY).first()
        if device is None:
            raise CommandError("No demo officer with that phone number.")
        self.stdout.write(f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}")
