"""Reads of the surveys app, by topic."""

from surveys.selectors.by_customer import (  # noqa: F401
    answer_counts_by_customer_month,
    answer_totals_by_customer,
)
from surveys.selectors.invitations import (  # noqa: F401
    invitation_for_token,
    nps_round_customers,
    nps_round_invitation_counts,
    nps_round_list,
    nps_round_summaries,
    survey_status,
    visit_list,
)
from surveys.selectors.quality import (  # noqa: F401
    binding_target_list,
    binding_target_report,
    comments_for_quality,
)
from surveys.selectors.statistics import (  # noqa: F401
    ANSWER_COUNTERS,
    HELSINKI,
    RAW_ANSWER_COUNTS,
    StatisticsQuery,
    answer_counts_by_day,
    coping_figures,
    coping_size,
    coping_statistics,
    helsinki_midnight,
    invitation_counts,
    nps_figures,
    nps_statistics,
    nps_value,
    period_bounds,
    period_key,
)
