"""Questionnaire API: the versions and their questions, and a customer's results (per person
unless the round was anonymous), for admins and account managers (their portfolio)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from cooperation.access import customer_scope
from cooperation.models import CorporateCustomer
from surveys import selectors
from surveys.api.permissions import NpsRoundAccess
from surveys.models import Question, QuestionnaireTheme, QuestionnaireVersion


class QuestionSerializer(serializers.ModelSerializer):
    theme = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Question
        fields = [
            "code", "position", "kind", "required", "theme", "text", "text_fi", "text_sv",
            "low_label", "low_label_fi", "low_label_sv", "high_label", "high_label_fi", "high_label_sv",
            "options", "options_fi", "options_sv",
        ]  # fmt: skip


class ThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuestionnaireTheme
        fields = ["code", "position", "name", "name_fi", "name_sv"]


class QuestionnaireVersionSerializer(serializers.ModelSerializer):
    questionnaire = serializers.SlugRelatedField(slug_field="code", read_only=True)
    published_at = serializers.DateTimeField(allow_null=True, read_only=True)
    themes = ThemeSerializer(many=True, read_only=True)
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta:
        model = QuestionnaireVersion
        fields = ["id", "questionnaire", "number", "published_at", "themes", "questions"]


class QuestionnaireVersionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Questionnaire versions with their themes and questions in Finnish, Swedish and English; a
    published version (``published_at`` set) is frozen and may be sent in a round."""

    permission_classes = [IsAuthenticated, NpsRoundAccess]
    serializer_class = QuestionnaireVersionSerializer
    queryset = QuestionnaireVersion.objects.select_related("questionnaire").prefetch_related(
        "themes", "questions__theme"
    )


class ThemeResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    average = serializers.FloatField(allow_null=True, help_text=_("Null when hidden to protect anonymous answers."))
    change = serializers.FloatField(allow_null=True, help_text=_("From the year before; null when there is none."))
    respondents = serializers.IntegerField()


class PersonAnswerSerializer(serializers.Serializer):
    question = serializers.CharField()
    kind = serializers.CharField()
    value = serializers.CharField(allow_blank=True)


class PersonResultSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True)
    answered_at = serializers.DateTimeField()
    answers = PersonAnswerSerializer(many=True)


class CustomerResultsSerializer(serializers.Serializer):
    year = serializers.IntegerField(allow_null=True)
    years = serializers.ListField(child=serializers.IntegerField())
    respondents = serializers.IntegerField()
    suppressed = serializers.BooleanField(required=False)
    nps = serializers.IntegerField(allow_null=True)
    themes = ThemeResultSerializer(many=True)
    people = PersonResultSerializer(many=True, help_text=_("Named answers; never those of an anonymous round."))


class QuestionnaireResultsView(APIView):
    permission_classes = [IsAuthenticated, NpsRoundAccess]

    @extend_schema(
        summary="A customer's questionnaire results",
        description="Theme averages (1–5) of the decision-makers' questionnaire for a year (the latest by "
        "default) with the change from the year before, the NPS, and the answers per person except those "
        "of anonymous rounds. Averages that include anonymous answers of fewer than MIN_GROUP_SIZE people "
        "are null and `suppressed` is true.",
        parameters=[
            OpenApiParameter("customer", str, required=True, description="The customer's business ID."),
            OpenApiParameter("year", int, required=False),
        ],
        responses=CustomerResultsSerializer,
    )
    def get(self, request):
        business_id = request.query_params.get("customer", "")
        if not business_id:
            raise ValidationError({"customer": [_("Give the customer's business ID.")]})
        year = request.query_params.get("year")
        if year is not None:
            try:
                year = int(year)
            except ValueError:
                raise ValidationError({"year": [_("Give the year as a number, e.g. 2026.")]}) from None
        customer = get_object_or_404(
            CorporateCustomer.objects.filter(customer_scope(request.user)), business_id=business_id
        )
        results = selectors.customer_questionnaire_results(customer, year=year)
        for person in results["people"]:
            for answer in person["answers"]:
                answer["value"] = str(answer["value"])
        return ApiResponse(CustomerResultsSerializer(results).data)
