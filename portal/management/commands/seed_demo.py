from django.core.management.base import BaseCommand

from portal.demo import DEMO_PASSWORD, demo_logins, seed_demo


class Command(BaseCommand):
    help = "Load demo data (running it again adds nothing) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--logins-only", action="store_true", help="only print the logins")

    def handle(self, *args, logins_only=False, **options):
        logins = demo_logins() if logins_only else seed_demo()
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in logins:
            company = f"  — {login.customer}" if login.customer else ""
            self.stdout.write(f"  {login.role:<16} {login.email}{company}")
