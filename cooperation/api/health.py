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

from cooperation import selectors
from cooperation.access import CUSTOMER_ROLES, Role, customer_scope, is_admin
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
        required=False, validators=[validate_supported_date], help_text=_("Last day of the window (default: today).")
    )


class HealthWindowSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class HealthSerializer(serializers.Serializer):
    window = HealthWindowSerializer()
    employees = serializers.IntegerField()
    without_sick_leave = serializers.IntegerField()
    health_percentage = serializers.FloatField(allow_null=True)
    sick_leave_days_per_person_year = serializers.FloatField(allow_null=True)


class HealthPointSerializer(HealthSerializer):
    month = serializers.CharField()


def _customer_and_params(request, business_id: str) -> tuple[CorporateCustomer, int, dt.date]:
    params = HealthQuerySerializer(data=request.query_params)
    params.is_valid(raise_exception=True)
    customer = get_object_or_404(
        CorporateCustomer.objects.filter(customer_scope(request.user)), business_id=business_id
    )
    end = params.validated_data.get("end") or timezone.localdate()
    return customer, int(params.validated_data["months"]), end


class CustomerHealthView(APIView):
    permission_classes = [HealthAccess]

    @extend_schema(
        summary="Health percentage of a customer", parameters=[HealthQuerySerializer], responses=HealthSerializer
    )
    def get(self, request, business_id: str):
        customer, months, end = _customer_and_params(request, business_id)
        return Response(HealthSerializer(selectors.health_percentage(customer=customer, months=months, end=end)).data)


class CustomerHealthSeriesView(APIView):
    permission_classes = [HealthAccess]

    @extend_schema(
        summary="Health percentage by month, for charts",
        description=str(_("Twelve points: the window of each month's end, the last one ending on `end`.")),
        parameters=[HealthQuerySerializer],
        responses=HealthPointSerializer(many=True),
    )
    def get(self, request, business_id: str):
        customer, months, end = _customer_and_params(request, business_id)
        series = selectors.health_percentage_series(customer=customer, months=months, end=end)
        return Response(HealthPointSerializer(series, many=True).data)
