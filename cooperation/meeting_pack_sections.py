"""Extra sections of the meeting pack from other apps (the decision-makers' questionnaire lives in
surveys, which cooperation must not import): the portal registers them at start-up
(``PortalConfig.ready``) and the meeting pack shows what they return."""

import datetime as dt
from collections.abc import Callable

#: ``section(customer=…, user=…, on=date) -> {"template": str, ...context} | None``
MeetingPackSection = Callable[..., dict | None]

_sections: list[MeetingPackSection] = []


def meeting_pack_section_register(section: MeetingPackSection) -> None:
    if section not in _sections:
        _sections.append(section)


def meeting_pack_sections(*, customer, user, on: dt.date) -> list[dict]:
    """The registered sections that have something to show, in registration order."""
    return [found for section in _sections if (found := section(customer=customer, user=user, on=on))]
