"""The customer page: the customer's 360 for the account manager (an administrator: any customer).

It combines both apps (NPS from surveys, agreements and meetings from cooperation), so the portal
serves it, under cooperation's URL names (portal/urls_pages.py). A customer's own people never
see it: they are taken to their own dashboard. Views stay thin: selectors read, services write."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from cooperation import selectors as cooperation_selectors
from cooperation import services as cooperation_services
from cooperation.access import customer_scope, is_customer_user, may_write_customers
from cooperation.forms import add_service_errors
from cooperation.models import CUSTOMER_NOTE_MAX_LENGTH
from portal import customer360
from portal.components import Band, Chart, KeyFigure, PagedList, Series
from portal.timeline import TIMELINE_FILTERS, customer_timeline, timeline_filter


class CustomerNoteForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Note"),
        help_text=gettext_lazy("A call, an email, an agreement made: what happened and what comes next."),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": CUSTOMER_NOTE_MAX_LENGTH}),
        # The service says what is wrong with an empty or a long note, in its own words.
        required=False,
        strip=False,
    )


def _customer_for_staff(request, business_id: str):
    """The customer for provider staff who may read it; 404 outside the user's portfolio."""
    if customer_scope(request.user) is None:
        raise PermissionDenied
    return cooperation_selectors.customer_get(user=request.user, business_id=business_id)


def _charts(nps: dict, health: dict) -> dict:
    nps_chart = Chart(
        id="customer-nps",
        kind="line",
        labels=[p["quarter"] for p in nps["points"]],
        series=[Series(_("Employee NPS"), [p["nps"] for p in nps["points"]])],
        caption=_("Employee NPS by quarter"),
        target=nps["target"],
        target_label=_("Target"),
        band=Band(_("Margin of error (95 %)"), [p["moe95"] for p in nps["points"]])
        if any(p["moe95"] is not None for p in nps["points"])
        else None,
    )
    health_chart = Chart(
        id="customer-health",
        kind="line",
        labels=[p["month"] for p in health["points"]],
        series=[Series(_("Health percentage"), [p["value"] for p in health["points"]])],
        caption=_("Health % by month (each point over the 12 months before it)"),
        target=health["target"],
        target_label=_("Target"),
        unit=" %",
    )
    return {"nps": nps_chart, "health": health_chart}


def _figures(nps: dict, health: dict, charts: dict) -> list[KeyFigure]:
    latest = nps["latest"]
    sparkline = {"kind": "sparkline", "caption": ""}
    nps_trend = Chart(
        id="figure-nps",
        labels=charts["nps"].labels,
        series=charts["nps"].series,
        target=nps["target"],
        **sparkline | {"caption": _("Employee NPS by quarter")},
    )
    coping_trend = Chart(
        id="figure-coping",
        labels=[p["quarter"] for p in nps["points"]],
        series=[Series(_("Coping better"), [p["coping_better"] for p in nps["points"]])],
        unit=" %",
        **sparkline | {"caption": _("Coping better by quarter")},
    )
    health_trend = Chart(
        id="figure-health",
        labels=charts["health"].labels,
        series=charts["health"].series,
        target=health["target"],
        unit=" %",
        **sparkline | {"caption": _("Health % by month")},
    )
    return [
        KeyFigure(
            label=_("Employee NPS"),
            value=latest["nps"],
            target=nps["target"],
            target_met=nps["target_met"],
            trend=nps_trend,
            note=ngettext("%(quarter)s, %(n)s answer", "%(quarter)s, %(n)s answers", latest["n"])
            % {"quarter": latest["quarter"], "n": latest["n"]},
        ),
        KeyFigure(
            label=_("Health % (12 months)"),
            value=health["latest"]["health_percentage"],
            unit=" %",
            target=health["target"],
            target_met=health["target_met"],
            trend=health_trend,
            note=ngettext("%(n)s employee", "%(n)s employees", health["latest"]["employees"])
            % {"n": health["latest"]["employees"]},
        ),
        KeyFigure(
            label=_("Coping better"),
            value=latest["coping_better"],
            unit=" %",
            trend=coping_trend,
            note=latest["quarter"],
        ),
    ]


def _page(request, customer, *, note_form=None):
    today = timezone.localdate()
    agreement = customer360.current_agreement(customer)
    nps = customer360.customer_nps_trend(customer=customer, today=today, agreement=agreement)
    health = customer360.customer_health_trend(customer=customer, today=today, agreement=agreement)
    charts = _charts(nps, health)
    only = timeline_filter(request.GET.get("kind", ""))
    timeline_page, entries = customer_timeline(customer=customer, today=today, only=only, page=request.GET.get("page"))
    may_write = may_write_customers(request.user)
    context = {
        "customer": customer,
        "today": today,
        "figures": _figures(nps, health, charts),
        "charts": charts,
        "nps": nps,
        "health": health,
        "agreement": agreement,
        "other_agreements": customer.agreements.exclude(pk=agreement.pk if agreement else None).order_by(
            "-period_start", "-pk"
        ),
        "goals": customer360.customer_goals(agreement=agreement, today=today),
        "meetings": customer360.customer_meetings_overview(customer=customer, today=today),
        "open_items": cooperation_selectors.customer_open_action_items(customer=customer, today=today),
        "contacts": customer.contacts.filter(active=True),
        "timeline": entries,
        "timeline_pages": PagedList(page=timeline_page, params=request.GET, fragment="timeline"),
        "timeline_filters": TIMELINE_FILTERS,
        "timeline_filter": only,
        "may_write": may_write,
        "note_form": note_form or (CustomerNoteForm() if may_write else None),
    }
    return render(request, "portal/customer_detail.html", context)


@login_required
def customer_detail(request, business_id: str):
    if is_customer_user(request.user):
        # A customer's own people have their own dashboard; this page is the provider's.
        return redirect("home")
    return _page(request, _customer_for_staff(request, business_id))


@login_required
@require_POST
def customer_note_create(request, business_id: str):
    if is_customer_user(request.user):
        raise PermissionDenied
    customer = _customer_for_staff(request, business_id)
    if not may_write_customers(request.user):
        raise PermissionDenied
    form = CustomerNoteForm(request.POST)
    if form.is_valid():
        try:
            cooperation_services.customer_note_add(customer=customer, author=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Note added to the timeline."))
            return redirect(reverse("cooperation:customer-detail", args=[customer.business_id]) + "#timeline")
    return _page(request, customer, note_form=form)
