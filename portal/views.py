from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from cooperation.access import Role, is_admin, is_customer_user
from cooperation.models import Phase
from portal import selectors


@login_required
def home(request):
    """The first page after signing in, by role."""
    user = request.user
    if is_customer_user(user):
        return redirect("cooperation:customer-detail", business_id=user.customer.business_id)
    if is_admin(user) or user.role == Role.ACCOUNT_MANAGER:
        customers = selectors.portfolio_overview(user=user)
        phases = dict(Phase.choices)
        rows = [(c, phases.get(c.agreement_phase)) for c in customers[:200]]
        return render(request, "portal/home_portfolio.html", {"rows": rows, "count": customers.count()})
    return render(request, "portal/home.html")
