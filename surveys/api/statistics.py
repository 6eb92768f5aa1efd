"""Statistics API: NPS, coping better, comments for quality staff, binding targets (API.md "Statistics")."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from cooperation.access import CUSTOMER_ROLES, Role, customer_scope, is_admin, is_customer_user
from cooperation.dates import validate_supported_date
from cooperation.models import CorporateCustomer, Segment
from surveys import publishable, selectors
from surveys.models import BindingTarget, Channel, Practitioner, RespondentGroup, Response, Service, TargetScope, Unit
from surveys.models import UnitType as UnitTypeChoices

# --- Who may read what -----------------------------------------------------------------------


class StatisticsAccess(BasePermission):
    """API.md: admin all, account manager own portfolio, the customer's people their own company
    (suppressed), quality staff all units; the integration may not read statistics."""

    ROLES = frozenset({Role.ADMIN, Role.ACCOUNT_MANAGER, Role.QUALITY, *CUSTOMER_ROLES})

    def has_permission(self, request, view) -> bool:
        return is_admin(request.user) or request.user.role in self.ROLES


class CommentAccess(BasePermission):
    """Comments are for the provider's quality staff (their own units) and administrators;
    no comment of an employee ever reaches the customer's people."""

    def has_permission(self, request, view) -> bool:
        return is_admin(request.user) or request.user.role == Role.QUALITY


class BindingTargetAccess(BasePermission):
    """Binding targets: set by administrators and quality staff, read by account managers too."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if is_admin(user) or user.role == Role.QUALITY:
            return True
        return request.method in SAFE_METHODS and user.role == Role.ACCOUNT_MANAGER


def statistics_customers(user):
    """The customers whose statistics a user may read."""
    scope = customer_scope(user)
    return CorporateCustomer.objects.filter(Q() if scope is None else scope)


# --- Query parameters ------------------------------------------------------------------------


class StatisticsQuerySerializer(serializers.Serializer):
    group = serializers.ChoiceField(choices=RespondentGroup.choices, default=RespondentGroup.PATIENT)
    customer = serializers.CharField(
        required=False,
        help_text=_("Business ID of a corporate customer (a customer's people: only their own; others answer 404)."),
    )
    segment = serializers.ChoiceField(choices=Segment.choices, required=False, help_text=_("Provider staff only."))
    unit = serializers.CharField(required=False, help_text=_("Unit code. Provider staff only."))
    unit_type = serializers.ChoiceField(
        choices=UnitTypeChoices.choices,
        required=False,
        help_text=_("A customer's people: with group=patient only."),
    )
    practitioner = serializers.CharField(required=False, help_text=_("Practitioner code. Provider staff only."))
    service = serializers.CharField(required=False, help_text=_("Service code. Provider staff only."))
    channel = serializers.ChoiceField(choices=Channel.choices, required=False, help_text=_("Provider staff only."))
    start = serializers.DateField(
        required=False,
        validators=[validate_supported_date],
        help_text=_(
            "First answer date, inclusive (Helsinki). A customer's people: 1 January or the first day of "
            "end's quarter (one quarter or the year to date)."
        ),
    )
    end = serializers.DateField(
        required=False,
        validators=[validate_supported_date],
        help_text=_(
            "Last answer date, inclusive (Helsinki). A customer's people: the last day of a closed quarter, "
            "in the same year as start; default: the year to date of the latest closed quarter."
        ),
    )
    by = serializers.ChoiceField(
        choices=["month", "quarter", "year"],
        required=False,
        help_text=_("A customer's people: quarter or year only."),
    )

    def validate(self, attrs):
        if attrs.get("start") and attrs.get("end") and attrs["start"] > attrs["end"]:
            raise serializers.ValidationError({"end": [_("The end must not be before the start.")]})
        return attrs


class PublishedQuerySerializer(serializers.Serializer):
    """The parameters of a customer's people; the rules are publishable.published_question's."""

    group = serializers.ChoiceField(choices=RespondentGroup.choices, default=RespondentGroup.PATIENT)
    customer = serializers.CharField(required=False)
    unit_type = serializers.ChoiceField(choices=UnitTypeChoices.choices, required=False)
    start = serializers.DateField(required=False, validators=[validate_supported_date])
    end = serializers.DateField(required=False, validators=[validate_supported_date])
    by = serializers.CharField(required=False)


def published_question(request) -> publishable.PublishedQuestion:
    """The table of the fixed set a customer's person asks for: 404 for another company, 400
    with a message per field for anything outside the set (surveys/publishable.py)."""
    errors = publishable.parameter_errors(request.query_params.keys())
    params = PublishedQuerySerializer(data=request.query_params)
    if not params.is_valid():
        errors = params.errors | errors
    if errors:
        raise serializers.ValidationError(errors)
    data = params.validated_data
    customer = CorporateCustomer.objects.filter(pk=request.user.customer_id or 0).first()
    if customer is None or data.get("customer", customer.business_id) != customer.business_id:
        raise Http404
    try:
        return publishable.published_question(
            customer=customer,
            group=data["group"],
            unit_type=data.get("unit_type"),
            start=data.get("start"),
            end=data.get("end"),
            by=data.get("by"),
        )
    except DjangoValidationError as error:
        raise serializers.ValidationError(error.message_dict) from error


def statistics_query(request) -> selectors.StatisticsQuery:
    """The query a request of provider staff asks for within what its user may see. A filter
    naming an object the user may not see answers 404, as the object itself would."""
    params = StatisticsQuerySerializer(data=request.query_params)
    params.is_valid(raise_exception=True)
    return resolve_statistics_query(request.user, params.validated_data)


def resolve_statistics_query(user, data: dict) -> selectors.StatisticsQuery:
    """The StatisticsQuery of validated parameters for provider staff (also used by the pages).
    A customer's people never get here: they read surveys/publishable.py."""
    if is_customer_user(user):
        raise PermissionDenied
    customer = None
    scope = Q()
    if data.get("customer"):
        customer = get_object_or_404(statistics_customers(user), business_id=data["customer"])
    elif user.role == Role.ACCOUNT_MANAGER and not is_admin(user):
        scope = Q(customer__account_manager_id=user.pk)
    return selectors.StatisticsQuery(
        group=data.get("group", RespondentGroup.PATIENT),
        scope=scope,
        customer=customer,
        segment=data.get("segment"),
        unit=get_object_or_404(Unit, code=data["unit"]) if data.get("unit") else None,
        unit_type=data.get("unit_type"),
        practitioner=get_object_or_404(Practitioner, code=data["practitioner"]) if data.get("practitioner") else None,
        service=get_object_or_404(Service, code=data["service"]) if data.get("service") else None,
        channel=data.get("channel"),
        start=data.get("start"),
        end=data.get("end"),
        by=data.get("by"),
    )


# --- Answers ---------------------------------------------------------------------------------


class NpsCellSerializer(serializers.Serializer):
    n = serializers.IntegerField(allow_null=True)
    promoters = serializers.IntegerField(allow_null=True)
    passives = serializers.IntegerField(allow_null=True)
    detractors = serializers.IntegerField(allow_null=True)
    nps = serializers.FloatField(allow_null=True)
    moe95 = serializers.FloatField(allow_null=True, help_text=_("95 % margin of error, NPS points."))
    suppressed = serializers.BooleanField()


class NpsTotalSerializer(NpsCellSerializer):
    target = serializers.IntegerField(allow_null=True)
    target_met = serializers.BooleanField(allow_null=True)
    invitations_sent = serializers.IntegerField(allow_null=True, help_text=_("Null when the cell is suppressed."))
    response_rate = serializers.FloatField(
        allow_null=True,
        help_text=_(
            "Per cent of the invitations answered. A customer's people: answers within the link's life, "
            "shown once every link of the period has expired; null when suppressed."
        ),
    )
    response_rate_without_reminders = serializers.FloatField(
        allow_null=True,
        required=False,
        help_text=_(
            "Provider staff only: the per cent of the invitations answered before any reminder "
            "(answers after the one reminder left out), next to response_rate; null when nothing was sent."
        ),
    )


class NpsPeriodSerializer(NpsCellSerializer):
    period = serializers.CharField(help_text=_("YYYY-MM, YYYY-Qn or YYYY in Helsinki time."))
    cumulative_nps = serializers.FloatField(allow_null=True, help_text=_("From 1 January to the period's end."))


class NpsStatisticsSerializer(serializers.Serializer):
    total = NpsTotalSerializer()
    periods = NpsPeriodSerializer(many=True)


class CopingCellSerializer(serializers.Serializer):
    n = serializers.IntegerField(allow_null=True, help_text=_('Answers other than "not applicable".'))
    yes = serializers.IntegerField(allow_null=True)
    partly = serializers.IntegerField(allow_null=True)
    no = serializers.IntegerField(allow_null=True)
    not_applicable = serializers.IntegerField(allow_null=True)
    coping_better = serializers.FloatField(allow_null=True, help_text=_("Share of yes or partly, per cent."))
    suppressed = serializers.BooleanField()


class CopingPeriodSerializer(CopingCellSerializer):
    period = serializers.CharField()
    cumulative_coping_better = serializers.FloatField(allow_null=True)


class CopingStatisticsSerializer(serializers.Serializer):
    total = CopingCellSerializer()
    periods = CopingPeriodSerializer(many=True)


STATISTICS_RULES = _(
    "Provider staff (administrators, account managers for their portfolio, quality staff) may "
    "combine every filter. A corporate customer's people (decision-makers, supervisors) read a fixed "
    "set of tables of their own company: by group, by unit type (patients only), by quarter or year, "
    "for one closed quarter or the year to date (start 1 January or the first day of end's "
    "quarter, end the last day of a quarter of the same year). A quarter is published the day after "
    "it ends and never changes afterwards. Any other filter or period answers 400 with a message "
    "per field. Cells of fewer than MIN_GROUP_SIZE respondents (empty ones included) are suppressed "
    "(null figures, suppressed: true), and so is every cell from which one could be worked out with "
    "the others: one pattern for all figures of a cell, invitations and response rate included."
)


class NpsView(APIView):
    permission_classes = [IsAuthenticated, StatisticsAccess]

    @extend_schema(
        summary="Net Promoter Score",
        description=STATISTICS_RULES,
        parameters=[StatisticsQuerySerializer],
        responses=NpsStatisticsSerializer,
    )
    def get(self, request):
        if is_customer_user(request.user):
            return ApiResponse(publishable.published_statistics(published_question(request), kind="nps"))
        return ApiResponse(selectors.nps_statistics(query=statistics_query(request)))


class CopingView(APIView):
    permission_classes = [IsAuthenticated, StatisticsAccess]

    @extend_schema(
        summary="Coping better after the appointment",
        description=STATISTICS_RULES,
        parameters=[StatisticsQuerySerializer],
        responses=CopingStatisticsSerializer,
    )
    def get(self, request):
        if is_customer_user(request.user):
            return ApiResponse(publishable.published_statistics(published_question(request), kind="coping"))
        return ApiResponse(selectors.coping_statistics(query=statistics_query(request)))


# --- Comments for quality staff --------------------------------------------------------------


class CommentQuerySerializer(serializers.Serializer):
    unit = serializers.CharField(required=False)
    start = serializers.DateField(required=False, validators=[validate_supported_date])
    end = serializers.DateField(required=False, validators=[validate_supported_date])


class CommentSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    practitioner = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    practitioner_name = serializers.CharField(source="practitioner.name", read_only=True, default=None, allow_null=True)
    service = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    group = serializers.ChoiceField(source="respondent_group", choices=RespondentGroup.choices, read_only=True)

    class Meta:
        model = Response
        fields = [
            "id",
            "answered_at",
            "group",
            "score",
            "coping",
            "comment",
            "language",
            "unit",
            "practitioner",
            "practitioner_name",
            "service",
            "channel",
        ]


@extend_schema(
    summary="Comments of the quality person's units, by practitioner",
    parameters=[CommentQuerySerializer],
)
class CommentListView(generics.ListAPIView):
    permission_classes = [IsAuthenticated, CommentAccess]
    serializer_class = CommentSerializer
    filter_backends: list = []

    def get_queryset(self):
        params = CommentQuerySerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        unit = get_object_or_404(Unit, code=data["unit"]) if data.get("unit") else None
        return selectors.comments_for_quality(
            user=self.request.user, unit=unit, start=data.get("start"), end=data.get("end")
        )


# --- Binding targets -------------------------------------------------------------------------


class BindingTargetSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", queryset=Unit.objects.all(), required=False, allow_null=True)
    customer = serializers.SlugRelatedField(
        slug_field="business_id", queryset=CorporateCustomer.objects.all(), required=False, allow_null=True
    )
    group = serializers.ChoiceField(
        source="respondent_group", choices=RespondentGroup.choices, default=RespondentGroup.PATIENT
    )

    class Meta:
        model = BindingTarget
        fields = [
            "id",
            "year",
            "scope",
            "unit",
            "customer",
            "group",
            "target",
            "explanation",
            "corrective_actions",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]
        validators: list = []  # the scope rules below give per-field messages

    def validate(self, attrs):
        merged = {name: getattr(self.instance, name, None) for name in ("scope", "unit", "customer")} | attrs
        scope = merged.get("scope")
        errors = {}
        if scope == TargetScope.UNIT and not merged.get("unit"):
            errors["unit"] = [_("A unit target needs a unit.")]
        if scope == TargetScope.CUSTOMER and not merged.get("customer"):
            errors["customer"] = [_("A customer target needs a customer.")]
        if scope != TargetScope.UNIT and merged.get("unit"):
            errors["unit"] = [_("Only a unit target names a unit.")]
        if scope != TargetScope.CUSTOMER and merged.get("customer"):
            errors["customer"] = [_("Only a customer target names a customer.")]
        if errors:
            raise serializers.ValidationError(errors)
        same = BindingTarget.objects.filter(
            year=merged.get("year", getattr(self.instance, "year", None)),
            scope=scope,
            unit=merged.get("unit"),
            customer=merged.get("customer"),
            respondent_group=merged.get("respondent_group")
            or getattr(self.instance, "respondent_group", RespondentGroup.PATIENT),
        )
        if self.instance is not None:
            same = same.exclude(pk=self.instance.pk)
        if same.exists():
            raise serializers.ValidationError({"year": [_("A binding target for this year and scope exists.")]})
        return attrs


class BindingTargetQuarterSerializer(NpsPeriodSerializer):
    met = serializers.BooleanField(allow_null=True)
    cumulative_met = serializers.BooleanField(allow_null=True)


class BindingTargetReportSerializer(serializers.Serializer):
    target = BindingTargetSerializer()
    year = NpsTotalSerializer()
    met = serializers.BooleanField(allow_null=True)
    quarters = BindingTargetQuarterSerializer(many=True)


@extend_schema_view(
    list=extend_schema(summary="Binding NPS targets"),
    report=extend_schema(summary="The year against the binding target", responses=BindingTargetReportSerializer),
)
class BindingTargetViewSet(viewsets.ModelViewSet):
    permission_classes = [IsAuthenticated, BindingTargetAccess]
    serializer_class = BindingTargetSerializer
    filterset_fields = ["year", "scope"]

    queryset = BindingTarget.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return selectors.binding_target_list(user=self.request.user)

    @action(detail=True, methods=["get"])
    def report(self, request, pk=None):
        report = selectors.binding_target_report(target=self.get_object())
        report["target"] = BindingTargetSerializer(report["target"]).data
        return ApiResponse(report)
