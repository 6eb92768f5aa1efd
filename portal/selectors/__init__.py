"""Reads for the portal's own pages: dashboards that combine cooperation and surveys, by topic
(``portfolio``: the account manager's customers; ``dashboard``: a customer's own people)."""

from portal.selectors.dashboard import (  # noqa: F401
    DASHBOARD_HEALTH_MONTHS,
    customer_dashboard,
)
from portal.selectors.portfolio import (  # noqa: F401
    NO_AGREEMENT,
    PORTFOLIO_COMPUTED_SORTS,
    PORTFOLIO_DB_SORTS,
    PORTFOLIO_HEALTH_MONTHS,
    PORTFOLIO_PAGE_SIZE,
    PORTFOLIO_QUARTERS,
    PORTFOLIO_SORTS,
    PortfolioFilters,
    closed_quarters,
    customer_nps_targets,
    customer_quarterly_answers,
    portfolio_page,
    portfolio_rows,
)
