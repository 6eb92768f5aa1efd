"""The customer's timeline: everything that happened with the customer, newest first, from both
apps (cooperation must not import surveys, so the two parts meet here).

Every kind's ``(kind, ref, moment)`` rows go into one ``UNION ALL`` that the database orders and
pages; then the details of that page's rows come from the app that owns each kind, one query per
kind. A page costs the same few queries whether the customer has ten entries or ten thousand."""

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.utils.translation import gettext_lazy as _

from cooperation.models import CorporateCustomer
from cooperation.selectors import timeline as cooperation_timeline
from surveys.selectors import timeline as surveys_timeline

#: Entries on one page of the timeline: a screenful or two.
TIMELINE_PAGE_SIZE = 20


@dataclass(frozen=True)
class TimelineFilter:
    key: str
    label: str
    kinds: tuple[str, ...]


TIMELINE_FILTERS = (
    TimelineFilter("note", _("Notes"), (cooperation_timeline.NOTE,)),
    TimelineFilter("meeting", _("Meetings and decisions"), (cooperation_timeline.MEETING,)),
    TimelineFilter("action", _("Action items done"), (cooperation_timeline.ACTION_DONE,)),
    TimelineFilter("phase", _("Agreement phases"), (cooperation_timeline.PHASE,)),
    TimelineFilter(
        "goal", _("Goals added and changed"), (cooperation_timeline.GOAL_ADDED, cooperation_timeline.GOAL_CHANGED)
    ),
    TimelineFilter("measurement", _("Measurements"), (cooperation_timeline.MEASUREMENT,)),
    TimelineFilter("nps-round", _("NPS rounds sent"), (surveys_timeline.NPS_ROUND,)),
)


def timeline_filter(key: str) -> TimelineFilter | None:
    """The filter of ``key`` (from the page's query), None for everything or anything unknown."""
    return next((f for f in TIMELINE_FILTERS if f.key == key), None)


def customer_timeline(
    *,
    customer: CorporateCustomer,
    today: dt.date,
    only: TimelineFilter | None = None,
    page: str | int | None = 1,
    per_page: int = TIMELINE_PAGE_SIZE,
) -> tuple[Page, list[dict]]:
    """One page of the customer's timeline, newest first (``only``: one filter's kinds), and the
    Django Page (a page number that is not a number gives the first page, one past the end the
    last). Each entry: ``kind``, ``at`` (a moment) or ``day`` (a date: meetings, measurements),
    ``by`` (a user or None), ``object`` and what its kind adds."""
    sources = cooperation_timeline.customer_timeline_sources(customer=customer, today=today)
    sources |= surveys_timeline.customer_timeline_sources(customer=customer)
    wanted = [rows for kind, rows in sources.items() if only is None or kind in only.kinds]
    first, *rest = wanted
    rows = first.union(*rest, all=True) if rest else first
    # Newest first; within one moment the order stays fixed so pages never repeat an entry.
    rows = rows.order_by("-moment", "-kind", "-ref")
    page_of_rows = Paginator(rows, per_page).get_page(page)
    refs: dict[str, list[int]] = {}
    for kind, ref, _moment in page_of_rows.object_list:
        refs.setdefault(kind, []).append(ref)
    details = cooperation_timeline.customer_timeline_entries(customer=customer, refs=refs)
    details |= surveys_timeline.customer_timeline_entries(customer=customer, refs=refs)
    entries = [details[(kind, ref)] for kind, ref, _moment in page_of_rows.object_list if (kind, ref) in details]
    return page_of_rows, entries
