"""Writes of the surveys app, by topic: visits and their invitations, dispatch, answers and opt-outs,
NPS rounds; statistics rollups live in surveys.services.statistics.py."""

from surveys.services.answers import (  # noqa: F401
    opt_out_record,
    response_record,
)
from surveys.services.common import (  # noqa: F401
    CLAIM_LEASE_SECONDS,
    DISPATCH_BATCH_SIZE,
    HELSINKI,
    LEASE_SAFETY_SECONDS,
    MAX_SEND_ATTEMPTS,
    RETRY_BASE_SECONDS,
    STATUSES_THAT_COUNT_AS_SURVEYED,
    new_token,
    shift_out_of_quiet_hours,
    token_hash,
)
from surveys.services.dispatch import (  # noqa: F401
    invitations_claim,
    invitations_expire,
    reminders_expire,
    surveys_dispatch_due,
)
from surveys.services.feedback_cases import (  # noqa: F401
    DETRACTOR_MAX_SCORE,
    feedback_case_due,
    feedback_case_open,
    feedback_case_update,
    feedback_cases_escalate,
    may_work_on,
    quality_units_set,
    unit_quality_staff,
)
from surveys.services.nps_rounds import (  # noqa: F401
    nps_round_start,
)
from surveys.services.questionnaires import (  # noqa: F401
    QuestionnaireAnswerError,
    questionnaire_answers_check,
    questionnaire_answers_record,
    questionnaire_new_version,
    questionnaire_publish,
)
from surveys.services.reminders import reminder_due_at  # noqa: F401
from surveys.services.send_records import BOOKKEEPING_TRIES, DispatchResult  # noqa: F401
from surveys.services.service_contacts import (  # noqa: E402, F401
    ServiceContactErrors,
    ServiceContactResult,
    service_contacts_record,
)

# --- Statistics ---
# Daily rollups (StatsDaily, StatsDailyByUnit) stay exact as answers arrive: the answer and the
# send each add to them in their own transaction, and ``stats_rollups_rebuild`` recomputes any
# range of days from the raw rows (idempotent), as zulip's analytics counts do.
# The implementation lives in surveys/services/statistics.py.
from surveys.services.statistics import (  # noqa: E402, F401
    binding_target_explain,
    nps_rollup_add,
    nps_rollup_invitation_sent,
    nps_rollup_invitations_sent,
    nps_rollup_sent_rows_sql,
    stats_rollups_rebuild,
)
from surveys.services.visits import (  # noqa: F401
    VisitErrors,
    VisitResult,
    visits_record,
)
