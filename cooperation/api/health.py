"""GET /api/v1/customers/<business_id>/health/ (API.md "Statistics")."""

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cooperation import dates, selectors
from cooperation.access import CUSTOMER_ROLES, Role, customer_scope, is_admin, is_customer_user
from cooperation.dates import validate_supported_date
from cooperation.models import CorporateCustomer


class HealthAccess(IsAuthenticated):
    """Admin all, account managers their portfolio, the customer's people their own company;
    quality staff and the integration may not read it (403)."""

    ROLES = frozenset({Role.ADMIN, Role.ACCOUNT_MANAGER, *CUSTOMER_ROLES})

    def has_permission(self, request, view) -> bool:
        user = request.user
        return super().has_permission(request, view) and (is_admin(user) or user.role in self.ROLES)


class HealthQuerySerializer(serializers.Serializer):
    months = serializers.ChoiceField(choices=[6, 12], default=12)
    end = serializers.DateField(
        required=False,
        validators=[validate_supported_date],
        help_text=_(
            "Last day of the window (default: today). A customer's people: the last day of a closed month "
            "(default: the last one)."
        ),
    )


class HealthWindowSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class HealthSerializer(serializers.Serializer):
    window = HealthWindowSerializer()
    employees = serializers.IntegerField(allow_null=True)
    without_sick_leave = serializers.IntegerField(allow_null=True)
    health_percentage = serializers.FloatField(allow_null=True)
    sick_leave_days_per_person_year = serializers.FloatField(allow_null=True)
    suppressed = serializers.BooleanField(
        help_text=_("True (every figure null) when a customer's people ask about fewer than MIN_GROUP_SIZE employees.")
    )


class HealthPointSerializer(HealthSerializer):
    month = serializers.CharField()


HEALTH_RULES = _(
    "Provider staff may end the window on any day. A corporate customer's people (decision-makers, "
    "supervisors) read windows that end on the last day of a closed month only (400 otherwise; default: "
    "the last closed month), so that consecutive days cannot show the day one person went on sick "
    "leave; when the window holds fewer than MIN_GROUP_SIZE employees every figure is null and "
    "suppressed is true."
)


def _customer_and_params(request, business_id: str) -> tuple[CorporateCustomer, int, dt.date, bool]:
    params = HealthQuerySerializer(data=request.query_params)
    params.is_valid(raise_exception=True)
    customer = get_object_or_404(
        CorporateCustomer.objects.filter(customer_scope(request.user)), business_id=business_id
    )
    published = is_customer_user(request.user)
    end = params.validated_data.get("end")
    if published:
        today = dates.today()
        if end is None:
            end = selectors.last_closed_month_end(today)
        elif errors := selectors.health_end_errors(end, today=today):
            raise serializers.ValidationError({"end": errors})
    return customer, int(params.validated_data["months"]), end or timezone.localdate(), published


class CustomerHealthView(APIView):
    permission_classes = [HealthAccess]

    @extend_schema(
        summary="Health percentage of a customer",
        description=HEALTH_RULES,
        parameters=[HealthQuerySerializer],
        responses=HealthSerializer,
    )
    def get(self, request, business_id: str):
        customer, months, end, published = _customer_and_params(request, business_id)
        read = selectors.health_published if published else selectors.health_percentage
        return Response(HealthSerializer(read(customer=customer, months=months, end=end)).data)


class CustomerHealthSeriesView(APIView):
    permission_classes = [HealthAccess]

    @extend_schema(
        summary="Health percentage by month, for charts",
        description=str(_("Twelve points: the window of each month's end, the last one ending on `end`. "))
        + str(HEALTH_RULES),
        parameters=[HealthQuerySerializer],
        responses=HealthPointSerializer(many=True),
    )
    def get(self, request, business_id: str):
        customer, months, end, published = _customer_and_params(request, business_id)
        series = selectors.health_percentage_series(customer=customer, months=months, end=end, published=published)
        return Response(HealthPointSerializer(series, many=True).data)
