"""Reads of the cooperation domain, always scoped to what the user may see
(``cooperation.access.customer_scope``): an object outside the scope is simply not there."""

from cooperation.selectors.agreement_steps import (  # noqa: F401
    STEP_PHASES,
    Prerequisite,
    agreement_current_step,
    agreement_steps,
    phase_prerequisites,
)
from cooperation.selectors.agreements import (  # noqa: F401
    HEALTH_INDICATORS,
    SURVEY_INDICATORS,
    agreement_choices,
    agreement_get,
    agreement_list,
    agreement_transitions,
    goal_choices,
    goal_get,
    goal_list,
    measurement_list,
)
from cooperation.selectors.customers import (  # noqa: F401
    contact_list,
    customer_choices,
    customer_get,
    customer_list,
    customers_matching,
    employee_list,
    sick_leave_list,
)
from cooperation.selectors.goal_tracking import (  # noqa: F401
    OFF_TRACK_LAG,
    goal_off_track,
    goals_off_track,
    off_track_goals,
)
from cooperation.selectors.health import (  # noqa: F401
    health_end_errors,
    health_percentage,
    health_percentage_series,
    health_percentages,
    health_published,
    health_window,
    last_closed_month_end,
)
from cooperation.selectors.meetings import (  # noqa: F401
    action_item_get,
    action_item_list,
    customer_meetings,
    customer_open_action_items,
    goal_status,
    meeting_get,
    meeting_list,
    meeting_pack,
    meeting_provider_choices,
    previous_meeting,
)
from cooperation.selectors.scope import (  # noqa: F401
    roster_scope,
    write_scope,
)
