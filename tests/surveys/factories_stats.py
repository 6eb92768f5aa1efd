"""Answered surveys for the statistics tests, written directly (the statistics only read rows)."""

import datetime as dt
import itertools

from surveys import models
from tests.cooperation.factories import CustomerFactory
from tests.surveys.factories import UnitFactory

_ids = itertools.count(1)


def at(text: str) -> dt.datetime:
    """An aware moment from ISO text, e.g. ``at("2026-03-31T20:30Z")``."""
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def answer(
    score: int,
    when: dt.datetime | str,
    *,
    customer=None,
    unit=None,
    group: str = "patient",
    coping: str = "",
    comment: str = "",
    practitioner=None,
    service=None,
    channel: str = "visit",
    sent_at: dt.datetime | None = None,
) -> models.Response:
    """One answered invitation and its response."""
    when = at(when) if isinstance(when, str) else when
    customer = customer or CustomerFactory()
    unit = unit or (practitioner.unit if practitioner else UnitFactory())
    n = next(_ids)
    facts = {
        "customer": customer,
        "segment": customer.segment,
        "unit": unit,
        "unit_type": unit.type,
        "practitioner": practitioner,
        "service": service,
        "channel": channel,
    }
    invitation = models.SurveyInvitation.objects.create(
        respondent_group=group,
        email=f"stats{n}@example.com",
        status=models.InvitationStatus.ANSWERED,
        sent_at=sent_at or when - dt.timedelta(hours=1),
        answered_at=when,
        **facts,
    )
    return models.Response.objects.create(
        invitation=invitation,
        respondent_group=group,
        score=score,
        coping=coping,
        comment=comment,
        language="fi",
        answered_at=when,
        **facts,
    )


def answers(scores, when, **kwargs) -> list[models.Response]:
    return [answer(score, when, **kwargs) for score in scores]


def sent_invitation(when: dt.datetime | str, *, customer, unit, group: str = "patient") -> models.SurveyInvitation:
    """A sent, unanswered invitation."""
    when = at(when) if isinstance(when, str) else when
    return models.SurveyInvitation.objects.create(
        respondent_group=group,
        email=f"sent{next(_ids)}@example.com",
        status=models.InvitationStatus.SENT,
        sent_at=when,
        customer=customer,
        segment=customer.segment,
        unit=unit,
        unit_type=unit.type,
        channel="visit",
    )
