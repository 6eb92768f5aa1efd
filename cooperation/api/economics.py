"""Work-health economics in the API (API.md "Work-health economics"): matrix templates, a
customer's matrices and their results, and the early-retirement fee estimate. Thin: the rules
are in ``cooperation.economics``."""

from decimal import Decimal

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from cooperation import selectors as cooperation_selectors
from cooperation.access import customer_scope
from cooperation.api.errors import service_errors
from cooperation.economics import retirement, selectors, services
from cooperation.economics.models import Direction, WorkHealthMatrix
from cooperation.models import CorporateCustomer


class CustomerDataAccess(BasePermission):
    """Reads: whoever reads the customer (admin, its account manager, its own people); writes:
    whoever may change it (admin, its account manager). Other roles: 403."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user.is_authenticated:
            return False
        scope = customer_scope if request.method in SAFE_METHODS else cooperation_selectors.write_scope
        return scope(user) is not None


class ProviderStaffAccess(BasePermission):
    """Templates are the provider's tools: admin and account managers."""

    def has_permission(self, request, view) -> bool:
        return request.user.is_authenticated and cooperation_selectors.write_scope(request.user) is not None


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    direction = serializers.ChoiceField(choices=Direction.choices)
    thresholds = serializers.ListField(
        child=serializers.FloatField(), min_length=11, max_length=11, help_text=_("For points 10 down to 0.")
    )
    weight = serializers.FloatField()


class IndicatorResultSerializer(IndicatorSerializer):
    result = serializers.FloatField(allow_null=True)
    points = serializers.IntegerField(allow_null=True, help_text=_("Null while the result is missing."))
    value = serializers.FloatField(allow_null=True, help_text=_("Points × weight; null while the result is missing."))


class MatrixTemplateSerializer(serializers.Serializer):
    code = serializers.CharField(source="template")
    name = serializers.CharField()
    year = serializers.IntegerField()
    indicators = IndicatorSerializer(many=True)


class MatrixSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    year = serializers.IntegerField()
    indicators = IndicatorResultSerializer(many=True)
    total = serializers.FloatField(help_text=_("Sum of the indicators' values; missing results add nothing."))
    complete = serializers.BooleanField(help_text=_("False while any result is missing."))
    previous_total = serializers.FloatField(allow_null=True, help_text=_("The customer's total of the year before."))
    change = serializers.FloatField(
        allow_null=True, help_text=_("Total minus the previous year's; null unless both years are complete.")
    )


class MatrixCreateSerializer(serializers.Serializer):
    template = serializers.CharField(max_length=40)
    year = serializers.IntegerField()


#: ``{"<indicator code>": number | null, …}``
RESULTS_BODY = {
    "type": "object",
    "additionalProperties": {"type": "number", "nullable": True},
    "example": {"sick_leave_days": 13.2, "accidents": None},
}

MATRIX_RULES = _(
    "Each result gets the points of the threshold nearest to it (10 at or beyond the best, 0 at or "
    "beyond the worst; a result exactly halfway gets the lower points); its value is points × weight, "
    "and the total is the sum over the indicators with a result."
)


class MatrixTemplateListView(APIView):
    permission_classes = [ProviderStaffAccess]

    @extend_schema(summary="Work-health matrix templates to copy", responses=MatrixTemplateSerializer(many=True))
    def get(self, request):
        summaries = [selectors.matrix_summary(matrix=m) for m in selectors.matrix_templates()]
        return Response(MatrixTemplateSerializer(summaries, many=True).data)


def _customer(request, business_id: str) -> CorporateCustomer:
    scope = customer_scope if request.method in SAFE_METHODS else cooperation_selectors.write_scope
    return get_object_or_404(CorporateCustomer.objects.filter(scope(request.user)), business_id=business_id)


class CustomerMatrixListView(APIView):
    permission_classes = [CustomerDataAccess]

    @extend_schema(
        summary="A customer's work-health matrices, newest year first",
        description=MATRIX_RULES,
        responses=MatrixSerializer(many=True),
    )
    def get(self, request, business_id: str):
        customer = _customer(request, business_id)
        matrices = selectors.customer_matrices(customer=customer)
        return Response(MatrixSerializer([selectors.matrix_summary(matrix=m) for m in matrices], many=True).data)

    @extend_schema(
        summary="Copy a template as the customer's matrix for a year",
        request=MatrixCreateSerializer,
        responses={201: MatrixSerializer},
    )
    def post(self, request, business_id: str):
        customer = _customer(request, business_id)
        body = MatrixCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            matrix = services.matrix_copy_template(
                customer=customer,
                template_code=body.validated_data["template"],
                year=body.validated_data["year"],
                by=request.user,
            )
        matrix = selectors.customer_matrices(customer=customer).get(pk=matrix.pk)
        return Response(MatrixSerializer(selectors.matrix_summary(matrix=matrix)).data, status=status.HTTP_201_CREATED)


def _matrix(request, pk: int) -> WorkHealthMatrix:
    scope = customer_scope if request.method in SAFE_METHODS else cooperation_selectors.write_scope
    try:
        return selectors.matrix_get(scope=scope(request.user, prefix="customer__"), pk=pk)
    except WorkHealthMatrix.DoesNotExist:
        raise Http404 from None


class MatrixDetailView(APIView):
    permission_classes = [CustomerDataAccess]

    @extend_schema(
        summary="A work-health matrix with its points and total", description=MATRIX_RULES, responses=MatrixSerializer
    )
    def get(self, request, pk: int):
        return Response(MatrixSerializer(selectors.matrix_summary(matrix=_matrix(request, pk))).data)


class MatrixResultsView(APIView):
    permission_classes = [CustomerDataAccess]
    http_method_names = ["put", "options"]

    @extend_schema(
        summary="Record a matrix's results for its year",
        description=str(_("Indicators not named keep their result; null makes a result missing. ")) + str(MATRIX_RULES),
        request={"application/json": RESULTS_BODY},
        responses=MatrixSerializer,
    )
    def put(self, request, pk: int):
        matrix = _matrix(request, pk)
        if not isinstance(request.data, dict):
            raise ValidationError(
                {"non_field_errors": [_("Give the results as an object of indicator codes and numbers.")]}
            )
        with service_errors():
            services.matrix_results_record(matrix=matrix, results=request.data)
        return Response(MatrixSerializer(selectors.matrix_summary(matrix=_matrix(request, pk))).data)


class EarlyRetirementFeeQuery(serializers.Serializer):
    monthly_pension = serializers.DecimalField(
        max_digits=9,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(100_000),
        required=False,
        help_text=_("The disability pension a month, in euros (or give the salary)."),
    )
    salary = serializers.DecimalField(
        max_digits=9,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(1_000_000),
        required=False,
        help_text=_("Monthly salary in euros; the pension is estimated as 60 per cent of it when not given."),
    )
    age = serializers.IntegerField(min_value=15, max_value=75, required=False)

    def validate(self, attrs):
        if attrs.get("monthly_pension") is None and attrs.get("salary") is None:
            raise ValidationError({"monthly_pension": [_("Give the monthly pension or the salary.")]})
        return attrs


class EarlyRetirementFeeSerializer(serializers.Serializer):
    fee = serializers.IntegerField(help_text=_("Euros."))
    assumptions = serializers.DictField()


class EarlyRetirementFeeView(APIView):
    permission_classes = [CustomerDataAccess]

    @extend_schema(
        summary="The early-retirement fee avoided by keeping one person at work",
        description=retirement.__doc__,
        parameters=[EarlyRetirementFeeQuery],
        responses=EarlyRetirementFeeSerializer,
    )
    def get(self, request):
        query = EarlyRetirementFeeQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(retirement.early_retirement_fee(**query.validated_data))
