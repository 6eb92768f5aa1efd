"""Feedback cases API (API.md "Feedback cases and account alerts"): the quality staff of a
unit and administrators list and work its cases; every other role answers 403, a case of a
unit the person does not follow 404."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response as ApiResponse

from cooperation.access import Role, is_admin
from cooperation.dates import validate_supported_date
from surveys import selectors, services
from surveys.models import FeedbackCase, FeedbackCaseStatus, Unit


class FeedbackCaseAccess(BasePermission):
    """Quality staff (the units they follow) and administrators; customers' people, account
    managers and the integration may not use the endpoint at all."""

    def has_permission(self, request, view) -> bool:
        return is_admin(request.user) or request.user.role == Role.QUALITY


class FeedbackCaseQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=FeedbackCaseStatus.choices, required=False)
    unit = serializers.CharField(required=False, help_text=_("Unit code: one the person follows, else 404."))
    overdue = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text=_("true: only cases past their due time and open.")
    )


class FeedbackCaseSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    practitioner = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    comment = serializers.CharField(source="response.comment", read_only=True)
    owner = serializers.EmailField(source="owner.email", read_only=True, allow_null=True, default=None)
    overdue = serializers.SerializerMethodField()
    contact = serializers.SerializerMethodField(help_text=_("Only where the person asked to be contacted; else null."))
    cause = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = FeedbackCase
        fields = [
            "id",
            "unit",
            "practitioner",
            "score",
            "comment",
            "answered_at",
            "due_at",
            "status",
            "owner",
            "overdue",
            "contact_requested",
            "contact",
            "resolution",
            "cause",
            "closed_at",
            "escalated_at",
        ]
        read_only_fields = fields

    def get_overdue(self, case) -> bool:
        return case.is_overdue()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_contact(self, case) -> str | None:
        return case.contact if case.contact_requested and case.contact else None


class FeedbackCaseChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=FeedbackCaseStatus.choices, required=False)
    owner = serializers.EmailField(
        required=False, allow_null=True, help_text=_("Email of one of the unit's quality staff; null: nobody.")
    )
    resolution = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    cause = serializers.CharField(
        required=False, allow_null=True, max_length=40, help_text=_("Root cause code, e.g. waiting-time.")
    )


class FiguresQuerySerializer(serializers.Serializer):
    unit = serializers.CharField(required=False, help_text=_("Unit code: one the person follows, else 404."))
    start = serializers.DateField(required=False, validators=[validate_supported_date])
    end = serializers.DateField(required=False, validators=[validate_supported_date])

    def validate(self, attrs):
        if attrs.get("start") and attrs.get("end") and attrs["start"] > attrs["end"]:
            raise serializers.ValidationError({"end": [_("The end must not be before the start.")]})
        return attrs


class CauseCountSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    n = serializers.IntegerField()


class FiguresPeriodSerializer(serializers.Serializer):
    unit = serializers.CharField()
    unit_name = serializers.CharField()
    period = serializers.CharField(help_text=_("Quarter of the answer, YYYY-Qn (Helsinki)."))
    opened = serializers.IntegerField()
    closed = serializers.IntegerField()
    closed_in_time = serializers.IntegerField()
    closed_in_time_percent = serializers.FloatField(
        allow_null=True,
        help_text=_("Per cent of the cases closed, or past their due time, that were closed within it."),
    )
    median_hours_to_close = serializers.FloatField(allow_null=True)
    causes = CauseCountSerializer(many=True)


class FiguresSerializer(serializers.Serializer):
    target_hours = serializers.IntegerField()
    periods = FiguresPeriodSerializer(many=True)


def _followed_unit(user, code: str | None) -> Unit | None:
    """The unit a filter names: 404 for one the person does not follow, as for none at all."""
    if not code:
        return None
    return get_object_or_404(selectors.feedback_case_units(user), code=code)


@extend_schema_view(
    list=extend_schema(
        summary="Feedback cases of the units the person follows", parameters=[FeedbackCaseQuerySerializer]
    ),
    retrieve=extend_schema(summary="A feedback case"),
    partial_update=extend_schema(
        summary="Take, assign, move on or close a feedback case",
        request=FeedbackCaseChangeSerializer,
        responses=FeedbackCaseSerializer,
        description=_("Closing (status closed) needs both resolution and cause."),
    ),
)
class FeedbackCaseViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    permission_classes = [IsAuthenticated, FeedbackCaseAccess]
    serializer_class = FeedbackCaseSerializer
    filter_backends: list = []
    http_method_names = ["get", "patch", "head", "options"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        scope = selectors.feedback_case_scope(self.request.user)
        if scope is None:
            raise PermissionDenied
        if self.action != "list":
            return selectors.feedback_case_list(cases=scope)
        params = FeedbackCaseQuerySerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        return selectors.feedback_case_list(
            cases=scope,
            status=data.get("status"),
            unit=_followed_unit(self.request.user, data.get("unit")),
            overdue=data.get("overdue"),
        )

    def partial_update(self, request, *args, **kwargs):
        case = self.get_object()
        body = FeedbackCaseChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        changes = {name: data[name] for name in ("status", "resolution", "cause") if name in data}
        if "owner" in data:
            owner = None
            if data["owner"]:
                owner = get_user_model().objects.filter(email__iexact=data["owner"]).first()
                if owner is None:
                    raise serializers.ValidationError(
                        {"owner": [_("The owner must be one of the quality staff who follow this unit.")]}
                    )
            changes["owner"] = owner
        try:
            case = services.feedback_case_update(case=case, actor=request.user, **changes)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        case = selectors.feedback_case_list(cases=FeedbackCase.objects.filter(pk=case.pk)).get()
        return ApiResponse(FeedbackCaseSerializer(case).data)

    @extend_schema(
        summary="Feedback-case figures per unit and quarter",
        parameters=[FiguresQuerySerializer],
        responses=FiguresSerializer,
    )
    @action(detail=False, methods=["get"], url_path="figures", pagination_class=None)
    def figures(self, request):
        scope = selectors.feedback_case_scope(request.user)
        if scope is None:
            raise PermissionDenied
        params = FiguresQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        periods = selectors.feedback_case_figures(
            cases=scope,
            unit=_followed_unit(request.user, data.get("unit")),
            start=data.get("start"),
            end=data.get("end"),
        )
        return ApiResponse(FiguresSerializer({"target_hours": settings.FEEDBACK_CASE_HOURS, "periods": periods}).data)
