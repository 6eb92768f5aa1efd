"""Portal API endpoints that combine the apps: a goal's current indicator value."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from cooperation.access import customer_scope, is_customer_user
from cooperation.dates import validate_supported_date
from cooperation.models import Goal
from portal.indicators import goal_indicator_value


class GoalIndicatorQuerySerializer(serializers.Serializer):
    on = serializers.DateField(
        required=False, validators=[validate_supported_date], help_text=_("Date of the value (default: today).")
    )


class WindowSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class GoalIndicatorSerializer(serializers.Serializer):
    goal = serializers.IntegerField()
    indicator = serializers.CharField()
    indicator_label = serializers.CharField()
    computed = serializers.BooleanField(help_text=_("False: the latest measurement entered by hand."))
    current_value = serializers.FloatField(allow_null=True)
    measured_on = serializers.DateField(allow_null=True)
    window = WindowSerializer(allow_null=True)
    respondents = serializers.IntegerField(allow_null=True)
    baseline = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    target = serializers.DecimalField(max_digits=12, decimal_places=2)
    progress = serializers.FloatField(
        allow_null=True,
        help_text=_(
            "Per cent of the way from baseline to target, 0 to 100: 100 at or past the target, 0 when the "
            "value moved away from it; null without a value or a baseline."
        ),
    )
    target_reached = serializers.BooleanField(
        help_text=_("Whether the current value is at or past the target, in the goal's direction.")
    )


class GoalIndicatorView(APIView):
    """Who may read the goal (its customer's scope) may read its value; others get 404."""

    @extend_schema(
        summary="A goal's current indicator value and progress",
        parameters=[GoalIndicatorQuerySerializer],
        responses=GoalIndicatorSerializer,
    )
    def get(self, request, pk: int):
        scope = customer_scope(request.user, prefix="agreement__customer__")
        if scope is None:
            raise PermissionDenied
        params = GoalIndicatorQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        goal = get_object_or_404(Goal.objects.filter(scope).select_related("agreement__customer"), pk=pk)
        value = goal_indicator_value(
            goal=goal,
            on=params.validated_data.get("on") or timezone.localdate(),
            suppress=is_customer_user(request.user),
        )
        return Response(GoalIndicatorSerializer(value).data)
