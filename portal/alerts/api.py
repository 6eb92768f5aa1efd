"""The alerts API (API.md "Feedback cases and account alerts"): account managers read their
portfolio's alerts and acknowledge them; administrators all. Other roles 403; an alert of
another portfolio 404."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from portal.alerts import selectors, services
from portal.alerts.models import Alert, AlertKind
from portal.alerts.services import NOTE_MAX_LENGTH


class MayHandleAlerts(BasePermission):
    def has_permission(self, request, view) -> bool:
        return selectors.may_handle_alerts(request.user)


class AlertSerializer(serializers.ModelSerializer):
    customer = serializers.CharField(
        source="customer.business_id", read_only=True, help_text=_("Business ID of the customer.")
    )
    kind = serializers.ChoiceField(choices=AlertKind.choices, read_only=True)
    reason = serializers.SerializerMethodField(help_text=_("Why the alert was raised, in the caller's language."))
    acknowledged_at = serializers.DateTimeField(read_only=True, allow_null=True)
    cleared_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text=_("When the condition cleared; null while the alert is open.")
    )

    class Meta:
        model = Alert
        fields = ["id", "customer", "kind", "reason", "raised_at", "acknowledged_at", "cleared_at"]
        read_only_fields = fields

    def get_reason(self, alert: Alert) -> str:
        return selectors.reason(alert)


class AcknowledgeSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=NOTE_MAX_LENGTH, help_text=_("What will be done, or why nothing needs to be done.")
    )


class AlertQuerySerializer(serializers.Serializer):
    customer = serializers.CharField(required=False, max_length=9, help_text=_("Business ID of the customer."))
    open = serializers.BooleanField(required=False, allow_null=True, default=None)


class AlertViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, MayHandleAlerts]
    serializer_class = AlertSerializer
    filter_backends = []
    lookup_value_regex = r"[0-9]{1,10}"

    def get_queryset(self):
        alerts = selectors.alerts_for(self.request.user).select_related("customer").order_by("-raised_at", "-pk")
        if self.action != "list":
            return alerts
        params = AlertQuerySerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        if params.validated_data.get("customer") is not None:
            alerts = alerts.filter(customer__business_id=params.validated_data["customer"])
        is_open = params.validated_data.get("open")
        if is_open is not None:
            alerts = alerts.filter(cleared_at__isnull=is_open)
        return alerts

    @extend_schema(
        summary="Account alerts of the caller's portfolio (an administrator's: all), newest first",
        parameters=[
            OpenApiParameter("customer", str, description="Only this customer's alerts (its business ID)."),
            OpenApiParameter("open", bool, description="true: open alerts only; false: closed ones only."),
        ],
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="Acknowledge an alert with a note",
        request=AcknowledgeSerializer,
        responses=AlertSerializer,
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        alert = get_object_or_404(self.get_queryset(), pk=pk)
        data = AcknowledgeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            alert = services.acknowledge_alert(alert=alert, user=request.user, note=data.validated_data["note"])
        except DjangoValidationError as error:
            raise ValidationError(
                error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
            ) from error
        return Response(AlertSerializer(alert, context=self.get_serializer_context()).data)
