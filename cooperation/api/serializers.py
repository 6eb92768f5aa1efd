"""The shapes of the cooperation API (API.md). Serializers parse and present; the rules live in
``cooperation.services``.

A body field naming a customer, agreement or goal resolves only among the objects the user may
write, so naming another portfolio's object answers exactly as naming one that does not exist."""

from django.db import models
from django.utils.encoding import punycode
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cooperation import selectors
from cooperation.models import (
    ActionItem,
    Contact,
    CorporateCustomer,
    Employee,
    Goal,
    GoalChange,
    Measurement,
    Phase,
    PhaseTransition,
    ResponsibilityAgreement,
    Segment,
    SickLeave,
    SteeringGroupMeeting,
    Theme,
)

# --- Email addresses ---------------------------------------------------------------------------------


class EmailField(serializers.EmailField):
    """An address whose domain is internationalised (``a@bücher.fi``) is taken, as Django's
    validator does, and stored with the domain in its ASCII form (IDNA, ``a@xn--bcher-kva.fi``):
    the form mail servers use and the schema's ``format: email`` promises, so the same mailbox is
    always the same text (opt-outs and throttling compare addresses)."""

    def run_validation(self, data=serializers.empty):
        value = super().run_validation(data)
        if not value or "@" not in value:
            return value
        local, domain = value.rsplit("@", 1)
        return f"{local}@{punycode(domain)}"  # valid: the validator above checked its punycode


class ModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping, models.EmailField: EmailField}


# --- Fields that name objects within the user's scope ---------------------------------------------


class CustomerField(serializers.SlugRelatedField):
    """A customer by business ID, among those the user may write (``scope``)."""

    default_error_messages = {
        "does_not_exist": _("Unknown customer {value}."),
        "invalid": _("Unknown customer."),
    }

    def __init__(self, *, scope=selectors.write_scope, **kwargs):
        self.scope = scope
        kwargs.setdefault("slug_field", "business_id")
        kwargs.setdefault("queryset", CorporateCustomer.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self):
        return selectors.customer_choices(user=self.context["request"].user, scope=self.scope)


class AgreementField(serializers.PrimaryKeyRelatedField):
    default_error_messages = {
        "does_not_exist": _("Unknown agreement {pk_value}."),
        "incorrect_type": _("Unknown agreement."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", ResponsibilityAgreement.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self):
        return selectors.agreement_choices(user=self.context["request"].user)


class GoalField(serializers.PrimaryKeyRelatedField):
    default_error_messages = {
        "does_not_exist": _("Unknown goal {pk_value}."),
        "incorrect_type": _("Unknown goal."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Goal.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self):
        return selectors.goal_choices(user=self.context["request"].user)


class StaysPutMixin:
    """The object a child hangs on (its customer, agreement, goal) is fixed at creation."""

    fixed_parent: str = "customer"

    def validate(self, attrs):
        attrs = super().validate(attrs)
        parent = self.fixed_parent
        if self.instance is not None and parent in attrs and attrs[parent] != getattr(self.instance, parent):
            raise serializers.ValidationError({parent: [_("This cannot change after creation.")]})
        return attrs


# --- Customers and contacts -------------------------------------------------------------------------


class CustomerSerializer(serializers.ModelSerializer):
    segment = serializers.ChoiceField(
        choices=Segment.choices,
        required=False,
        allow_null=True,
        help_text=_("Leave out to derive it from the headcount (large from 250); null drops an override."),
    )
    segment_override = serializers.CharField(read_only=True)
    industry = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=_(
            "The section letter of Statistics Finland's industrial classification TOL 2008, from A to U "
            "(a section's official name in Finnish, Swedish or English is taken too); empty for none."
        ),
    )
    industry_name = serializers.CharField(
        read_only=True, help_text=_("The industry's official name, in the language the request asks for.")
    )
    account_manager = serializers.EmailField(
        source="account_manager.email",
        required=False,
        allow_null=True,
        help_text=_("Email of an existing user with the role account-manager or admin."),
    )

    class Meta:
        model = CorporateCustomer
        fields = [
            "business_id",
            "name",
            "segment",
            "segment_override",
            "headcount",
            "industry",
            "industry_name",
            "account_manager",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # The service checks the business ID (format, check digit, uniqueness) in one place.
        extra_kwargs = {"business_id": {"validators": []}}

    def validate_business_id(self, value):
        if self.instance is not None and value != self.instance.business_id:
            raise serializers.ValidationError(_("The business ID cannot change."))
        return value

    def service_arguments(self) -> dict:
        data = dict(self.validated_data)
        if "account_manager" in data:
            data["account_manager_email"] = (data.pop("account_manager") or {}).get("email")
        if self.instance is not None:
            data.pop("business_id", None)
        return data


class ContactSerializer(StaysPutMixin, ModelSerializer):
    customer = CustomerField()

    class Meta:
        model = Contact
        fields = [
            "id",
            "customer",
            "name",
            "role",
            "title",
            "email",
            "phone",
            "language",
            "active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


# --- Roster -----------------------------------------------------------------------------------------


class EmployeeSerializer(ModelSerializer):
    customer = CustomerField(scope=selectors.roster_scope)

    class Meta:
        model = Employee
        fields = [
            "id",
            "customer",
            "external_id",
            "email",
            "language",
            "employed_from",
            "employed_until",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # An upsert: (customer, external_id) may already exist.
        validators = []


class SickLeaveSerializer(serializers.ModelSerializer):
    customer = CustomerField(scope=selectors.roster_scope)
    employee = serializers.CharField(source="employee.external_id", help_text=_("The employee's external ID."))
    days = serializers.IntegerField(read_only=True)

    class Meta:
        model = SickLeave
        fields = ["id", "customer", "employee", "start", "end", "days", "created_at"]
        read_only_fields = ["created_at"]

    def validate(self, attrs):
        external_id = attrs["employee"]["external_id"]
        employee = Employee.objects.filter(customer=attrs["customer"], external_id=external_id).first()
        if employee is None:
            raise serializers.ValidationError({"employee": [_("Unknown employee %(id)s.") % {"id": external_id}]})
        attrs["employee"] = employee
        return attrs


# --- Agreements and goals ---------------------------------------------------------------------------


class PhaseTransitionSerializer(serializers.ModelSerializer):
    by = serializers.EmailField(source="by.email", read_only=True)

    class Meta:
        model = PhaseTransition
        fields = ["id", "from_phase", "to_phase", "by", "at", "note"]
        read_only_fields = fields


class TransitionRequestSerializer(serializers.Serializer):
    to_phase = serializers.ChoiceField(choices=Phase.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class GoalSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Goal
        fields = ["id", "theme", "indicator", "custom_indicator", "baseline", "target", "due_date"]
        read_only_fields = fields


class AgreementSerializer(StaysPutMixin, serializers.ModelSerializer):
    customer = CustomerField()
    themes = serializers.ListField(child=serializers.ChoiceField(choices=Theme.choices), required=False)
    identified_themes = serializers.ListField(child=serializers.ChoiceField(choices=Theme.choices), required=False)
    next_phase = serializers.CharField(read_only=True, allow_null=True)
    goals = GoalSummarySerializer(many=True, read_only=True)

    class Meta:
        model = ResponsibilityAgreement
        fields = [
            "id",
            "customer",
            "title",
            "period_start",
            "period_end",
            "phase",
            "next_phase",
            "customer_responsibility_goals",
            "themes",
            "identified_themes",
            "identification_notes",
            "support_actions",
            "agreed_by_provider",
            "agreed_by_customer",
            "agreed_at",
            "goals",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["phase", "agreed_at", "created_at", "updated_at"]


class GoalChangeSerializer(serializers.ModelSerializer):
    by = serializers.EmailField(source="by.email", read_only=True)

    class Meta:
        model = GoalChange
        fields = ["at", "by", "changes"]
        read_only_fields = fields


class GoalSerializer(StaysPutMixin, serializers.ModelSerializer):
    fixed_parent = "agreement"
    agreement = AgreementField()
    customer = serializers.CharField(source="agreement.customer.business_id", read_only=True)
    changes = GoalChangeSerializer(many=True, read_only=True)

    class Meta:
        model = Goal
        fields = [
            "id",
            "agreement",
            "customer",
            "theme",
            "indicator",
            "custom_indicator",
            "description",
            "baseline",
            "target",
            "due_date",
            "changes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # The database's constraint on custom indicators is checked by the service, per field.
        validators = []


class MeasurementSerializer(serializers.ModelSerializer):
    goal = GoalField()
    source = serializers.ChoiceField(
        choices=[Measurement.Source.MANUAL, Measurement.Source.CUSTOMER], default=Measurement.Source.MANUAL
    )

    class Meta:
        model = Measurement
        fields = ["id", "goal", "measured_on", "value", "source", "note", "created_at"]
        read_only_fields = ["created_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["source"] = instance.source  # computed snapshots are shown as they are
        return data


# --- Steering-group meetings ------------------------------------------------------------------------


class ActionItemSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False, help_text=_("Give it to change an item; leave out for a new one."))
    meeting = serializers.PrimaryKeyRelatedField(read_only=True)
    description = serializers.CharField(required=False)
    owner = serializers.CharField(required=False, max_length=200)

    class Meta:
        model = ActionItem
        fields = ["id", "meeting", "description", "owner", "due_date", "done", "done_at"]
        read_only_fields = ["done_at"]


class MeetingSerializer(StaysPutMixin, serializers.ModelSerializer):
    customer = CustomerField()
    agreement = AgreementField(required=False, allow_null=True)
    action_items = ActionItemSerializer(many=True, required=False)

    class Meta:
        model = SteeringGroupMeeting
        fields = [
            "id",
            "customer",
            "agreement",
            "date",
            "agenda",
            "provider_participants",
            "customer_participants",
            "minutes",
            "decisions",
            "action_items",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
