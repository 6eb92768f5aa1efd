from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cooperation.api.serializers import EmailField
from cooperation.dates import validate_supported_date
from cooperation.models import CorporateCustomer, Language
from surveys import selectors
from surveys.models import (
    Channel,
    InvitationStatus,
    NpsRound,
    Practitioner,
    QuestionnaireVersion,
    RespondentGroup,
    Service,
    Unit,
    Visit,
)

#: A list body holds at most this many visits: big enough for the record system's batches,
#: small enough that one request stays one short transaction.
MAX_VISITS_PER_REQUEST = 1000


class UnitSerializer(serializers.ModelSerializer):
    nps_target = serializers.IntegerField(
        min_value=-100,
        max_value=100,
        required=False,
        allow_null=True,
        help_text=_("Defaults to 70 for care units and 50 for emergency units."),
    )

    class Meta:
        model = Unit
        fields = ["code", "name", "name_fi", "name_sv", "type", "nps_target"]


class PractitionerSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", queryset=Unit.objects.all())

    class Meta:
        model = Practitioner
        fields = ["code", "name", "unit"]


class ServiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Service
        fields = ["code", "name", "name_fi", "name_sv", "collects_feedback"]


class PatientSerializer(serializers.Serializer):
    external_id = serializers.CharField(max_length=64)
    email = EmailField(required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=Language.choices, required=False)


class VisitInSerializer(serializers.Serializer):
    """One visit as the patient-record system sends it; references are checked by the service."""

    external_id = serializers.CharField(max_length=64)
    customer = serializers.CharField(max_length=9, help_text=_("The customer's business ID."))
    patient = PatientSerializer()
    unit = serializers.CharField(max_length=40, help_text=_("The unit's code."))
    practitioner = serializers.CharField(max_length=40, required=False, allow_blank=True, allow_null=True)
    service = serializers.CharField(max_length=40, required=False, allow_blank=True, allow_null=True)
    channel = serializers.ChoiceField(choices=Channel.choices)
    ended_at = serializers.DateTimeField(validators=[validate_supported_date])


class SurveySerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[s for s in InvitationStatus.choices if s[0] != InvitationStatus.SENDING], allow_null=True
    )
    scheduled_for = serializers.DateTimeField(allow_null=True)
    skip_reason = serializers.CharField(allow_blank=True)


class VisitOutSerializer(serializers.ModelSerializer):
    customer = serializers.CharField(source="customer.business_id")
    patient = serializers.CharField(source="employee.external_id")
    unit = serializers.CharField(source="unit.code")
    practitioner = serializers.CharField(source="practitioner.code", allow_null=True, default=None)
    service = serializers.CharField(source="service.code", allow_null=True, default=None)
    survey = serializers.SerializerMethodField()

    class Meta:
        model = Visit
        fields = [
            "id",
            "external_id",
            "customer",
            "patient",
            "unit",
            "practitioner",
            "service",
            "channel",
            "ended_at",
            "survey",
        ]

    @extend_schema_field(SurveySerializer)
    def get_survey(self, visit) -> dict:
        return selectors.survey_status(getattr(visit, "invitation", None), now=self.context.get("now"))


class NpsRoundSerializer(serializers.ModelSerializer):
    respondent_group = serializers.ChoiceField(
        choices=[
            (RespondentGroup.SUPERVISOR.value, RespondentGroup.SUPERVISOR.label),
            (RespondentGroup.DECISION_MAKER.value, RespondentGroup.DECISION_MAKER.label),
        ]
    )
    customers = serializers.SlugRelatedField(
        slug_field="business_id",
        many=True,
        queryset=CorporateCustomer.objects.none(),
        help_text=_("Business IDs of the customers whose contacts are asked."),
    )
    started_by = serializers.EmailField(source="started_by.email", read_only=True)
    invitations = serializers.SerializerMethodField()
    questionnaire_version = serializers.PrimaryKeyRelatedField(
        queryset=QuestionnaireVersion.objects.filter(published_at__isnull=False),
        required=False,
        allow_null=True,
        help_text=_("A published questionnaire version (id): the link opens its questions. Null: the NPS question."),
    )
    anonymous = serializers.BooleanField(
        required=False, default=False, help_text=_("Answers shown only aggregated, never per person.")
    )

    class Meta:
        model = NpsRound
        fields = [
            "id", "respondent_group", "customers", "questionnaire_version", "anonymous", "started_by",
            "started_at", "invitations",
        ]  # fmt: skip
        read_only_fields = ["id", "started_by", "started_at"]

    def __init__(self, *args, customers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if customers is not None:
            self.fields["customers"].child_relation.queryset = customers

    def validate_customers(self, value):
        if not value:
            raise serializers.ValidationError(_("Choose at least one customer."))
        return value

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "integer"}})
    def get_invitations(self, nps_round) -> dict:
        return selectors.nps_round_invitation_counts(nps_round, user=self.context["request"].user)

    def to_representation(self, nps_round):
        data = super().to_representation(nps_round)
        # Only the customers the reader may see: an admin's round may span several portfolios.
        data["customers"] = [
            c.business_id for c in selectors.nps_round_customers(nps_round, user=self.context["request"].user)
        ]
        return data
