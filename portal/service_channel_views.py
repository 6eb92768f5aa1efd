"""Quality staff's pages on every service channel: the response delay of chats and phone calls
(median and 90th percentile against the target, share within target, by day or week and unit,
and the busiest hours), and NPS by channel, service and unit type. The reads live in
surveys.selectors (response_delay, statistics); views only shape them for the components."""

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from cooperation.access import Role, is_admin
from cooperation.dates import EARLIEST, LATEST
from portal.components import Chart, KeyFigure, Series
from surveys import selectors
from surveys.models import Channel, ContactChannel, RespondentGroup, Service, Unit, UnitType

#: The range the response-delay page shows at first: the last four weeks.
DEFAULT_DAYS = 28


def _quality_or_admin(user) -> None:
    if not (is_admin(user) or user.role == Role.QUALITY):
        raise PermissionDenied


class ResponseDelayForm(forms.Form):
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), choices=ContactChannel.choices, required=False)
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Unit"),
        queryset=Unit.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("All units"),
    )
    start = forms.DateField(
        label=gettext_lazy("First day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=gettext_lazy("Last day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    by = forms.ChoiceField(
        label=gettext_lazy("By"), choices=[("day", gettext_lazy("Day")), ("week", gettext_lazy("Week"))], required=False
    )

    def clean(self):
        data = super().clean()
        for name in ("start", "end"):
            day = data.get(name)
            if day and not EARLIEST <= day <= LATEST:
                self.add_error(
                    name, _("Give a date between %(first)s and %(last)s.") % {"first": EARLIEST, "last": LATEST}
                )
        end = data.get("end") or timezone.localdate()
        start = data.get("start") or end - dt.timedelta(days=DEFAULT_DAYS - 1)
        by = data.get("by") or "day"
        if not self.errors:
            if start > end:
                self.add_error("end", _("The last day must not be before the first day."))
            elif selectors.period_count(start=start, end=end, by=by) > selectors.MAX_PERIODS:
                self.add_error(
                    "start", _("Choose a shorter range: at most %(max)s periods.") % {"max": selectors.MAX_PERIODS}
                )
        return data | {"start": start, "end": end, "by": by, "channel": data.get("channel") or ContactChannel.CHAT}


def _seconds(value) -> str:
    return "" if value is None else _("%(seconds)s s") % {"seconds": f"{value:g}"}


@login_required
def response_delay(request):
    """Median and 90th percentile of the first-response delay by day or week against the target,
    the share within target, the figures by unit and the contacts by hour of the day."""
    _quality_or_admin(request.user)
    form = ResponseDelayForm(request.GET or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
    else:
        today = timezone.localdate()
        data = {"channel": ContactChannel.CHAT, "unit": None, "by": "day"}
        data |= {"start": today - dt.timedelta(days=DEFAULT_DAYS - 1), "end": today}
        if not form.is_bound:
            # The form shows the range the page shows.
            form = ResponseDelayForm(initial={"channel": data["channel"], "start": data["start"], "end": data["end"]})
    query = selectors.ResponseDelayQuery(
        channel=data["channel"], unit=data.get("unit"), start=data["start"], end=data["end"], by=data["by"]
    )
    figures = selectors.response_delay_statistics(query=query)
    target = query.target_seconds
    total = figures["total"]
    periods = figures["periods"]
    labels = [p["period"] for p in periods]
    delay_chart = Chart(
        id="response-delay",
        kind="line",
        labels=labels,
        series=[
            Series(_("Median"), [p["median_seconds"] for p in periods]),
            Series(_("90th percentile"), [p["p90_seconds"] for p in periods]),
        ],
        caption=_("First-response delay in seconds, by %(period)s")
        % {"period": _("day") if query.by == "day" else _("week")},
        target=target,
        target_label=_("Target"),
        unit=" s",
        y_min=0,
    )
    within_chart = Chart(
        id="response-within-target",
        kind="bar",
        labels=labels,
        series=[Series(_("Within target (%)"), [p["within_target"] for p in periods])],
        caption=_("Share of contacts answered within %(seconds)s seconds") % {"seconds": target},
        unit=" %",
        y_min=0,
        y_max=100,
    )
    hours = selectors.contacts_by_hour(query=query)
    hours_chart = Chart(
        id="contacts-by-hour",
        kind="bar",
        labels=[f"{row['hour']:02d}" for row in hours],
        series=[Series(pgettext("chats or phone calls", "Contacts"), [row["n"] for row in hours])],
        caption=_("Contacts by the hour they started (Helsinki time)"),
        y_min=0,
    )
    busiest = max(hours, key=lambda row: row["n"]) if total["n"] else None
    key_figures = [
        KeyFigure(pgettext("chats or phone calls", "Contacts"), total["n"]),
        KeyFigure(
            _("Median delay"),
            total["median_seconds"],
            unit=" s",
            target=target,
            target_met=None if total["median_seconds"] is None else total["median_seconds"] <= target,
        ),
        KeyFigure(
            _("90th percentile"),
            total["p90_seconds"],
            unit=" s",
            target=target,
            target_met=None if total["p90_seconds"] is None else total["p90_seconds"] <= target,
        ),
        KeyFigure(
            _("Within target"),
            total["within_target"],
            unit=" %",
            note=_("Answered within %(seconds)s seconds.") % {"seconds": target},
        ),
    ]
    return render(
        request,
        "portal/service_channels/response_delay.html",
        {
            "form": form,
            "query": query,
            "channel_label": ContactChannel(query.channel).label,
            "target": target,
            "key_figures": key_figures,
            "periods": periods,
            "delay_chart": delay_chart,
            "within_chart": within_chart,
            "hours_chart": hours_chart,
            "hours": hours,
            "busiest": busiest,
            "by_unit": selectors.response_delay_by_unit(query=query),
            "has_contacts": bool(total["n"]),
            "chat_target": settings.CHAT_RESPONSE_TARGET_SECONDS,
            "phone_target": settings.PHONE_RESPONSE_TARGET_SECONDS,
        },
    )


class NpsByChannelForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100, required=False)


def _nps_row(label: str, stats: dict) -> dict:
    total = stats["total"]
    return {"label": label, **total}


@login_required
def nps_by_channel(request):
    """Patients' NPS of the year by channel (visit, remote, chat, phone), by unit type (digital
    care as its own) and by service: where feedback is collected and what it says."""
    _quality_or_admin(request.user)
    form = NpsByChannelForm(request.GET or None)
    year = (form.cleaned_data.get("year") if form.is_valid() else None) or timezone.localdate().year
    base = {"group": RespondentGroup.PATIENT, "start": dt.date(year, 1, 1), "end": dt.date(year, 12, 31)}

    def stats(**filters) -> dict:
        return selectors.nps_statistics(query=selectors.StatisticsQuery(**base, **filters))

    channels = [_nps_row(label, stats(channel=value)) for value, label in Channel.choices]
    unit_types = [_nps_row(label, stats(unit_type=value)) | {"code": value} for value, label in UnitType.choices]
    services = [
        _nps_row(str(service.name), stats(service=service)) | {"collects_feedback": service.collects_feedback}
        for service in Service.objects.order_by("name")
    ]
    chart = Chart(
        id="nps-by-channel",
        kind="bar",
        labels=[row["label"] for row in channels],
        series=[Series(_("NPS"), [row["nps"] for row in channels])],
        caption=_("Patients' NPS by channel, %(year)s") % {"year": year},
        y_min=-100,
        y_max=100,
    )
    return render(
        request,
        "portal/service_channels/nps_by_channel.html",
        {
            "form": form,
            "year": year,
            "channels": channels,
            "unit_types": unit_types,
            "services": services,
            "chart": chart,
        },
    )
