"""The alert inbox of account managers and administrators."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.alerts import selectors, services
from portal.alerts.forms import AcknowledgeForm, SnoozeForm
from portal.alerts.models import AlertKind

INBOX_PAGE_SIZE = 25
STATES = ("new", "acknowledged", "snoozed", "all")


def _allowed(request) -> None:
    if not selectors.may_handle_alerts(request.user):
        raise PermissionDenied


def _state_choices():
    return [
        ("new", _("Needing action")),
        ("acknowledged", _("Acknowledged")),
        ("snoozed", _("Snoozed")),
        ("all", _("All open")),
    ]


def _inbox(request, *, failed=None, status=200):
    """``failed``: (alert id, form) of a form sent with errors, shown at its alert."""
    today = timezone.localdate()
    kind = request.GET.get("kind", "")
    kind = kind if kind in AlertKind.values else ""
    state = request.GET.get("state", "new")
    state = state if state in STATES else "new"
    alerts = selectors.inbox(user=request.user, today=today, kind=kind, state=state)
    page = Paginator(alerts, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    items = []
    for alert in page.object_list:
        form = failed[1] if failed and failed[0] == alert.pk else None
        acknowledge_form = form if isinstance(form, AcknowledgeForm) else AcknowledgeForm(prefix=f"a{alert.pk}")
        items.append(
            {
                "alert": alert,
                "reason": selectors.reason(alert),
                "links": selectors.evidence(alert),
                "snoozed": alert.snoozed_until is not None and alert.snoozed_until > today,
                "acknowledge_form": acknowledge_form,
                "snooze_form": form
                if isinstance(form, SnoozeForm)
                else SnoozeForm(prefix=f"s{alert.pk}", initial={"until": today + dt.timedelta(days=14)}),
            }
        )
    query = request.GET.copy()
    query.pop("page", None)
    # After a form sent with errors this page answers a POST: links and "next" lead to the inbox.
    back = request.get_full_path() if request.method == "GET" else request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) or "/alerts/" not in back:
        back = reverse("alerts:inbox")
    return render(
        request,
        "alerts/inbox.html",
        {
            "items": items,
            "page": page,
            "kind": kind,
            "state": state,
            "kinds": AlertKind.choices,
            "states": _state_choices(),
            "query": query.urlencode(),
            "back": back,
            "inbox_url": reverse("alerts:inbox"),
            "filtered": bool(kind) or state != "new",
            "min_snooze": (today + dt.timedelta(days=1)).isoformat(),
        },
        status=status,
    )


@login_required
def inbox(request):
    _allowed(request)
    return _inbox(request)


def _back(request):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("alerts:inbox")


def _handle(request, pk: int, form_class, prefix: str, act):
    _allowed(request)
    alert = get_object_or_404(selectors.alerts_for(request.user).select_related("customer"), pk=pk)
    form = form_class(request.POST, prefix=f"{prefix}{alert.pk}")
    if form.is_valid():
        try:
            act(alert, form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    for e in errors:
                        form.add_error(field if field in form.fields else None, e)
            else:
                # The alert closed by itself meanwhile: it is no longer in the inbox to show at.
                messages.error(request, " ".join(error.messages))
                return _back(request)
    if form.errors:
        return _inbox(request, failed=(alert.pk, form), status=400)
    return None


@login_required
@require_POST
def acknowledge(request, pk: int):
    def act(alert, data):
        services.acknowledge_alert(alert=alert, user=request.user, note=data["note"])
        messages.success(request, _("Alert acknowledged: %(customer)s.") % {"customer": alert.customer.name})

    return _handle(request, pk, AcknowledgeForm, "a", act) or _back(request)


@login_required
@require_POST
def snooze(request, pk: int):
    def act(alert, data):
        services.snooze_alert(alert=alert, until=data["until"], today=timezone.localdate())
        messages.success(
            request,
            _("Alert snoozed until %(day)s: %(customer)s.")
            % {"day": formats.date_format(data["until"], "SHORT_DATE_FORMAT"), "customer": alert.customer.name},
        )

    return _handle(request, pk, SnoozeForm, "s", act) or _back(request)
