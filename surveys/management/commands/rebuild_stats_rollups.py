import datetime as dt

from django.core.management.base import BaseCommand

from surveys.services import stats_rollups_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the statistics' daily rollups from the raw answers and invitations for a range "
        "of Helsinki days (default: all data) and switch the statistics to read them. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--first", type=dt.date.fromisoformat, help="first day, YYYY-MM-DD")
        parser.add_argument("--last", type=dt.date.fromisoformat, help="last day, YYYY-MM-DD")

    def handle(self, *args, first=None, last=None, **options):
        rows = stats_rollups_rebuild(first=first, last=last)
        self.stdout.write(f"Rollups rebuilt: {rows} rows.")
