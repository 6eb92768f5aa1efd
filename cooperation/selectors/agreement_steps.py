"""The agreement as guided steps: which steps there are, where the agreement stands, and what
must be true before it may leave each phase.

``phase_prerequisites`` is the one statement of those conditions: ``agreement_advance`` refuses
to move on while any is unmet, and the step pages show the same list as a checklist."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from cooperation.models import PHASE_ORDER, Phase, ResponsibilityAgreement

#: The steps a person works through; "closed" is where the last one ends, not a step of its own.
STEP_PHASES = (Phase.ORIENTATION, Phase.IDENTIFICATION, Phase.PLANNING, Phase.AGREED, Phase.FOLLOW_UP)


@dataclass(frozen=True)
class Prerequisite:
    #: The field (or "goals") the condition is about: errors link to it.
    field: str
    #: What must be true, as the checklist says it.
    label: str
    #: What to do when it is not, as the error says it.
    message: str
    met: bool


def phase_prerequisites(*, agreement: ResponsibilityAgreement, phase: str | None = None) -> list[Prerequisite]:
    """What must be true before ``agreement`` may leave ``phase`` (its current phase by default),
    each with whether it is true now (DOMAIN.md's three phases)."""
    phase = phase or agreement.phase
    if phase == Phase.ORIENTATION:
        return [
            Prerequisite(
                "customer_responsibility_goals",
                _("The customer's responsibility themes and goals are recorded."),
                _("Record the customer's responsibility themes and goals before moving on from orientation."),
                bool(agreement.customer_responsibility_goals.strip()),
            )
        ]
    if phase == Phase.IDENTIFICATION:
        return [
            Prerequisite(
                "identified_themes",
                _("At least one theme of personnel well-being and work ability is identified."),
                _("Identify at least one theme before planning."),
                bool(agreement.identified_themes),
            )
        ]
    if phase == Phase.PLANNING:
        has_goal = agreement.pk is not None and agreement.goals.filter(target__isnull=False).exists()
        return [
            Prerequisite(
                "goals",
                _("At least one goal with a target is set."),
                _("Agree at least one goal with a target first."),
                has_goal,
            ),
            Prerequisite(
                "agreed_by_provider",
                _("The person who agreed on the provider's side is named."),
                _("Name who agreed on the provider's side."),
                bool(agreement.agreed_by_provider.strip()),
            ),
            Prerequisite(
                "agreed_by_customer",
                _("The person who agreed on the customer's side is named."),
                _("Name who agreed on the customer's side."),
                bool(agreement.agreed_by_customer.strip()),
            ),
        ]
    return []


def agreement_current_step(*, agreement: ResponsibilityAgreement) -> str:
    """The step a page opens on: the agreement's phase; a closed agreement opens on follow-up."""
    return Phase.FOLLOW_UP if agreement.phase == Phase.CLOSED else agreement.phase


def agreement_steps(*, agreement: ResponsibilityAgreement) -> list[dict]:
    """Each step with its number, label, state (``done``, ``current`` or ``upcoming``), the
    prerequisites of leaving it and whether they are all met."""
    position = PHASE_ORDER.index(agreement.phase)
    steps = []
    for number, phase in enumerate(STEP_PHASES, start=1):
        index = PHASE_ORDER.index(phase)
        state = "done" if index < position else "current" if index == position else "upcoming"
        prerequisites = phase_prerequisites(agreement=agreement, phase=phase)
        steps.append(
            {
                "phase": str(phase),
                "number": number,
                "label": Phase(phase).label,
                "state": state,
                "prerequisites": prerequisites,
                "ready": all(p.met for p in prerequisites),
            }
        )
    return steps
