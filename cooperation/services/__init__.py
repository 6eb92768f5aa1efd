"""Writes of the cooperation domain, by topic: customers and their people, roster and sick leave,
responsibility agreements with their phases, goals, measurements and steering-group meetings.

Every function takes keyword arguments only, runs in one transaction and raises Django's
``ValidationError`` with a message per field, so nothing is ever half-saved."""

from cooperation.services.agreement_steps import (  # noqa: F401
    agreement_step_submit,
)
from cooperation.services.agreements import (  # noqa: F401
    agreement_advance,
    agreement_create,
    agreement_delete,
    agreement_update,
)
from cooperation.services.common import (  # noqa: F401
    ACCOUNT_MANAGER_ROLES,
    UNSET,
    Errors,
)
from cooperation.services.contacts import (  # noqa: F401
    contact_create,
    contact_update,
)
from cooperation.services.customers import (  # noqa: F401
    customer_create,
    customer_update,
)
from cooperation.services.goals import (  # noqa: F401
    goal_create,
    goal_delete,
    goal_update,
    measurement_record,
)
from cooperation.services.meetings import (  # noqa: F401
    action_item_add,
    action_item_complete,
    action_item_reopen,
    action_item_update,
    meeting_create,
    meeting_update,
)
from cooperation.services.notes import (  # noqa: F401
    customer_note_add,
)
from cooperation.services.roster import (  # noqa: F401
    ItemsInvalid,
    employee_upsert,
    employee_upsert_many,
    sick_leave_create,
)
