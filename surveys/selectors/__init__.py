"""Reads of the surveys app, by topic."""

from surveys.selectors.by_customer import (  # noqa: F401
    answer_counts_by_customer_month,
    answer_totals_by_customer,
)
from surveys.selectors.feedback_cases import (  # noqa: F401
    feedback_case_figures,
    feedback_case_figures_by_period,
    feedback_case_history,
    feedback_case_list,
    feedback_case_scope,
    feedback_case_units,
    feedback_cause_choices,
    feedback_cause_totals,
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
    units_followed,
)
from surveys.selectors.quality_nps import (  # noqa: F401
    PRACTITIONER_SORTS,
    practitioner_nps_page_rows,
    practitioner_nps_rows,
    unit_target_for_year,
    units_nps_by_quarter,
)
from surveys.selectors.questionnaires import (  # noqa: F401
    customer_questionnaire_results,
    portfolio_questionnaire_results,
    questionnaire_customers_answered,
    questionnaire_invitation_closed,
    questionnaire_page_questions,
    theme_averages_by_year,
    theme_series,
    weak_questionnaire_items,
)
from surveys.selectors.response_delay import (  # noqa: E402, F401
    MAX_PERIODS,
    ResponseDelayQuery,
    contacts_by_hour,
    percentile_cont,
    period_count,
    response_delay_by_unit,
    response_delay_statistics,
    response_target_seconds,
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
