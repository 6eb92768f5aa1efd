from django.core.management.base import BaseCommand

from cooperation.models import CorporateCustomer
from portal.demo import DEMO_PASSWORD, demo_logins, seed_demo
from portal.demo_surveys import record_fresh_visits


class Command(BaseCommand):
    help = "Load demo data (running it again adds nothing) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--logins-only", action="store_true", help="only print the logins")
        parser.add_argument(
            "--fresh-visits",
            action="store_true",
            help="also record a few visits whose surveys fall due in minutes (what `make demo` shows)",
        )

    def handle(self, *args, logins_only=False, fresh_visits=False, **options):
        logins = demo_logins() if logins_only else seed_demo()
        if fresh_visits:
            count = record_fresh_visits(customers=list(CorporateCustomer.objects.order_by("pk")))
            self.stdout.write(f"Recorded {count} fresh visits: their surveys go out within minutes (var/outbox/).")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in logins:
            company = f"  — {login.customer}" if login.customer else ""
            self.stdout.write(f"  {login.role:<16} {login.email}{company}")
