"""The cooperation app's part of a customer's timeline (the portal combines it with the surveys
app's part, portal/timeline.py): phase transitions, goals added and changed, measurements,
meetings with their decisions, action items done, and the account manager's notes.

Each kind gives a query of ``(kind, ref, moment)`` rows, so the portal can put all kinds in one
``UNION ALL`` ordered and paged by the database, then ask for the details of the rows of one page,
one query per kind: the number of queries never grows with the number of entries."""

import datetime as dt

from django.db.models import CharField, DateTimeField, F, QuerySet, Value
from django.db.models.functions import Cast

from cooperation.models import (
    ActionItem,
    CorporateCustomer,
    CustomerNote,
    Goal,
    GoalChange,
    Measurement,
    PhaseTransition,
    SteeringGroupMeeting,
)

PHASE = "phase"
GOAL_ADDED = "goal-added"
GOAL_CHANGED = "goal-changed"
MEASUREMENT = "measurement"
MEETING = "meeting"
ACTION_DONE = "action-done"
NOTE = "note"
KINDS = (PHASE, GOAL_ADDED, GOAL_CHANGED, MEASUREMENT, MEETING, ACTION_DONE, NOTE)


def _rows(queryset: QuerySet, kind: str, moment) -> QuerySet:
    """``(kind, ref, moment)`` rows of one kind; every column an annotation of the same type, so
    the kinds line up in a union."""
    return (
        queryset.annotate(
            kind=Value(kind, output_field=CharField()),
            ref=F("pk"),
            moment=moment if not isinstance(moment, str) else F(moment),
        )
        .values_list("kind", "ref", "moment")
        .order_by()
    )


def _day(field: str):
    """A date as a moment, for ordering it among events with a time."""
    return Cast(field, output_field=DateTimeField())


def customer_timeline_sources(*, customer: CorporateCustomer, today: dt.date) -> dict[str, QuerySet]:
    """``{kind: rows}`` of what happened with the customer up to ``today`` (a meeting still to
    come is not history yet)."""
    agreements = {"agreement__customer": customer}
    goals = {"goal__agreement__customer": customer}
    return {
        PHASE: _rows(PhaseTransition.objects.filter(**agreements), PHASE, "at"),
        GOAL_ADDED: _rows(Goal.objects.filter(**agreements), GOAL_ADDED, "created_at"),
        GOAL_CHANGED: _rows(GoalChange.objects.filter(**goals), GOAL_CHANGED, "at"),
        MEASUREMENT: _rows(
            Measurement.objects.filter(**goals, measured_on__lte=today), MEASUREMENT, _day("measured_on")
        ),
        MEETING: _rows(SteeringGroupMeeting.objects.filter(customer=customer, date__lte=today), MEETING, _day("date")),
        ACTION_DONE: _rows(
            ActionItem.objects.filter(meeting__customer=customer, done=True, done_at__isnull=False),
            ACTION_DONE,
            "done_at",
        ),
        NOTE: _rows(CustomerNote.objects.filter(customer=customer), NOTE, "created_at"),
    }


def _goal_changes(change: GoalChange) -> list[dict]:
    """A goal change as rows of (field label, before, after)."""
    rows = []
    for name, values in (change.changes or {}).items():
        try:
            label = Goal._meta.get_field(name).verbose_name
        except Exception:  # a field since removed: its stored name is all there is
            label = name
        rows.append({"field": label, "before": values.get("before"), "after": values.get("after")})
    return rows


def customer_timeline_entries(*, customer: CorporateCustomer, refs: dict[str, list[int]]) -> dict[tuple, dict]:
    """The details of the given rows (``{kind: [ref, …]}``), one query per kind asked for:
    ``{(kind, ref): {"kind", "at" (a datetime) or "day" (a date), "object", …}}``."""
    entries: dict[tuple, dict] = {}
    if refs.get(PHASE):
        for t in PhaseTransition.objects.filter(pk__in=refs[PHASE], agreement__customer=customer).select_related(
            "agreement", "by"
        ):
            entries[(PHASE, t.pk)] = {"at": t.at, "object": t, "by": t.by}
    if refs.get(GOAL_ADDED):
        for goal in Goal.objects.filter(pk__in=refs[GOAL_ADDED], agreement__customer=customer).select_related(
            "agreement"
        ):
            entries[(GOAL_ADDED, goal.pk)] = {"at": goal.created_at, "object": goal, "by": None}
    if refs.get(GOAL_CHANGED):
        for change in GoalChange.objects.filter(
            pk__in=refs[GOAL_CHANGED], goal__agreement__customer=customer
        ).select_related("goal__agreement", "by"):
            entries[(GOAL_CHANGED, change.pk)] = {
                "at": change.at,
                "object": change,
                "by": change.by,
                "changes": _goal_changes(change),
            }
    if refs.get(MEASUREMENT):
        for m in Measurement.objects.filter(
            pk__in=refs[MEASUREMENT], goal__agreement__customer=customer
        ).select_related("goal__agreement"):
            entries[(MEASUREMENT, m.pk)] = {"day": m.measured_on, "object": m, "by": None}
    if refs.get(MEETING):
        for meeting in SteeringGroupMeeting.objects.filter(pk__in=refs[MEETING], customer=customer):
            entries[(MEETING, meeting.pk)] = {"day": meeting.date, "object": meeting, "by": None}
    if refs.get(ACTION_DONE):
        for item in ActionItem.objects.filter(pk__in=refs[ACTION_DONE], meeting__customer=customer).select_related(
            "meeting", "done_by"
        ):
            entries[(ACTION_DONE, item.pk)] = {"at": item.done_at, "object": item, "by": item.done_by}
    if refs.get(NOTE):
        for note in CustomerNote.objects.filter(pk__in=refs[NOTE], customer=customer).select_related("author"):
            entries[(NOTE, note.pk)] = {"at": note.created_at, "object": note, "by": note.author}
    for (kind, _ref), entry in entries.items():
        entry["kind"] = kind
    return entries
