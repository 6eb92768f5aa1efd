"""Service contacts API: chats and phone calls from the contact-centre system, and their
response delay (API.md "Service contacts (chat and phone response delay)")."""

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cooperation.access import Role, is_admin
from cooperation.dates import validate_supported_date
from surveys import selectors, services
from surveys.api.list_bodies import one_or_list_recorded
from surveys.models import ContactChannel, ServiceContact, Unit

#: As for visits: big enough for the contact-centre system's batches, one short transaction.
MAX_CONTACTS_PER_REQUEST = 1000
#: The range the response-delay figures cover when no start is given: the 30 days to ``end``.
DEFAULT_DAYS = 30


class ContactLogAccess(BasePermission):
    """Contacts come from the contact-centre system: admins and the integration only."""

    def has_permission(self, request, view) -> bool:
        return is_admin(request.user) or request.user.role == Role.INTEGRATION


class ResponseDelayAccess(BasePermission):
    """The provider's own service figures: quality staff and admins."""

    def has_permission(self, request, view) -> bool:
        return is_admin(request.user) or request.user.role == Role.QUALITY


class ServiceContactInSerializer(serializers.Serializer):
    external_id = serializers.CharField(
        max_length=64, help_text=gettext_lazy("The contact's id in the sending system.")
    )
    channel = serializers.ChoiceField(choices=ContactChannel.choices)
    unit = serializers.CharField(max_length=40, help_text=gettext_lazy("The unit's code."))
    started_at = serializers.DateTimeField(validators=[validate_supported_date])
    first_response_at = serializers.DateTimeField(validators=[validate_supported_date])

    def validate(self, attrs):
        if attrs["first_response_at"] < attrs["started_at"]:
            raise serializers.ValidationError(
                {"first_response_at": [_("The first response cannot be before the contact started.")]}
            )
        return attrs


class ServiceContactOutSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code")

    class Meta:
        model = ServiceContact
        fields = ["id", "external_id", "channel", "unit", "started_at", "first_response_at", "response_seconds"]


CONTACT_BODY = PolymorphicProxySerializer(
    component_name="ServiceContactOrList",
    serializers=[ServiceContactInSerializer, ServiceContactInSerializer(many=True)],
    resource_type_field_name=None,
    many=False,
)
CONTACT_ANSWER = PolymorphicProxySerializer(
    component_name="ServiceContactAnswer",
    serializers=[ServiceContactOutSerializer, ServiceContactOutSerializer(many=True)],
    resource_type_field_name=None,
    many=False,
)


class ServiceContactLogView(APIView):
    permission_classes = [IsAuthenticated, ContactLogAccess]

    @extend_schema(
        summary="Record one chat or phone contact or a list of up to 1,000 (atomic, idempotent on external_id)",
        request=CONTACT_BODY,
        responses={
            201: OpenApiResponse(
                CONTACT_ANSWER, description="At least one new contact; one result per item, in order."
            ),
            200: OpenApiResponse(CONTACT_ANSWER, description="All contacts were known already; nothing was stored."),
            400: OpenApiResponse(description='{"field": [...]} or, for a list, {"errors": {"<index>": {...}}}'),
        },
    )
    def post(self, request):
        return one_or_list_recorded(
            request,
            max_items=MAX_CONTACTS_PER_REQUEST,
            too_many=_("Send from 1 to %(max)s contacts in a list."),
            parse=ServiceContactInSerializer,
            record=services.service_contacts_record,
            record_errors=services.ServiceContactErrors,
            represent=lambda results: ServiceContactOutSerializer([r.contact for r in results], many=True).data,
        )


class ResponseDelayQuerySerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=ContactChannel.choices, default=ContactChannel.CHAT)
    unit = serializers.CharField(required=False, max_length=40, help_text=gettext_lazy("Unit code."))
    start = serializers.DateField(
        required=False,
        validators=[validate_supported_date],
        help_text=gettext_lazy("First day, inclusive (Helsinki, by the contact's start); default: 29 days before end."),
    )
    end = serializers.DateField(
        required=False,
        validators=[validate_supported_date],
        help_text=gettext_lazy("Last day, inclusive (Helsinki); default: today."),
    )
    by = serializers.ChoiceField(choices=["day", "week"], required=False)

    def validate(self, attrs):
        end = attrs.get("end") or timezone.localdate()
        start = attrs.get("start") or max(end - dt.timedelta(days=DEFAULT_DAYS - 1), dt.date(1900, 1, 1))
        if start > end:
            raise serializers.ValidationError({"end": [_("The end must not be before the start.")]})
        if selectors.period_count(start=start, end=end, by=attrs.get("by")) > selectors.MAX_PERIODS:
            raise serializers.ValidationError(
                {"start": [_("Choose a shorter range: at most %(max)s periods.") % {"max": selectors.MAX_PERIODS}]}
            )
        return attrs | {"start": start, "end": end}


def response_delay_query(data: dict) -> selectors.ResponseDelayQuery:
    """The query of validated parameters; an unknown unit answers 404 as the unit itself would."""
    return selectors.ResponseDelayQuery(
        channel=data["channel"],
        unit=get_object_or_404(Unit, code=data["unit"]) if data.get("unit") else None,
        start=data["start"],
        end=data["end"],
        by=data.get("by"),
    )


class DelayCellSerializer(serializers.Serializer):
    n = serializers.IntegerField(help_text=gettext_lazy("Contacts started in the range."))
    median_seconds = serializers.FloatField(allow_null=True, help_text=gettext_lazy("Null without contacts."))
    p90_seconds = serializers.FloatField(allow_null=True, help_text=gettext_lazy("90th percentile (percentile_cont)."))
    within_target = serializers.FloatField(
        allow_null=True, help_text=gettext_lazy("Per cent of contacts answered within the target.")
    )


class DelayTotalSerializer(DelayCellSerializer):
    target_seconds = serializers.IntegerField()


class DelayPeriodSerializer(DelayCellSerializer):
    period = serializers.CharField(help_text=gettext_lazy("YYYY-MM-DD or ISO week YYYY-Www, Helsinki time."))


class ResponseDelaySerializer(serializers.Serializer):
    total = DelayTotalSerializer()
    periods = DelayPeriodSerializer(many=True)


class ResponseDelayView(APIView):
    permission_classes = [IsAuthenticated, ResponseDelayAccess]

    @extend_schema(
        summary="Response delay of chats or phone calls",
        description=gettext_lazy(
            "Time from a contact's start to its first response: median and 90th percentile "
            "(PostgreSQL's percentile_cont, linear interpolation) and the share within the channel's "
            "target (CHAT_RESPONSE_TARGET_SECONDS, PHONE_RESPONSE_TARGET_SECONDS). Days and weeks by "
            "the start in Helsinki time; every day or week of the range is listed, those without "
            "contacts with n 0 and null figures; without by, periods is empty. Quality staff and "
            "administrators."
        ),
        parameters=[ResponseDelayQuerySerializer],
        responses=ResponseDelaySerializer,
    )
    def get(self, request):
        params = ResponseDelayQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        query = response_delay_query(params.validated_data)
        return Response(selectors.response_delay_statistics(query=query))
