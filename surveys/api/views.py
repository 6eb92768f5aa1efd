import django_filters
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.permissions import IsAuthenticated

from cooperation.access import customer_scope
from cooperation.models import CorporateCustomer
from surveys import selectors, services
from surveys.api.list_bodies import one_or_list_recorded
from surveys.api.permissions import MasterDataAccess, NpsRoundAccess, VisitAccess
from surveys.api.serializers import (
    MAX_VISITS_PER_REQUEST,
    NpsRoundSerializer,
    PractitionerSerializer,
    ServiceSerializer,
    UnitSerializer,
    VisitInSerializer,
    VisitOutSerializer,
)
from surveys.models import NpsRound, Practitioner, Service, Unit


class MasterDataViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [IsAuthenticated, MasterDataAccess]
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    filterset_fields = ["code"]


class UnitViewSet(MasterDataViewSet):
    queryset = Unit.objects.all()
    serializer_class = UnitSerializer
    filterset_fields = ["code", "type"]


class PractitionerViewSet(MasterDataViewSet):
    queryset = Practitioner.objects.select_related("unit")
    serializer_class = PractitionerSerializer
    filterset_fields = ["code", "unit__code"]


class ServiceViewSet(MasterDataViewSet):
    queryset = Service.objects.all()
    serializer_class = ServiceSerializer
    filterset_fields = ["code", "collects_feedback"]


VISIT_BODY = PolymorphicProxySerializer(
    component_name="VisitOrVisitList",
    serializers=[VisitInSerializer, VisitInSerializer(many=True)],
    resource_type_field_name=None,
    many=False,
)
VISIT_ANSWER = PolymorphicProxySerializer(
    component_name="VisitAnswer",
    serializers=[VisitOutSerializer, VisitOutSerializer(many=True)],
    resource_type_field_name=None,
    many=False,
)


@extend_schema_view(
    retrieve=extend_schema(summary="A visit and its survey", responses=VisitOutSerializer),
    create=extend_schema(
        summary="Record one visit or a list of up to 1,000 (atomic, idempotent on external_id)",
        request=VISIT_BODY,
        responses={
            201: OpenApiResponse(VISIT_ANSWER, description="At least one new visit; one result per item, in order."),
            200: OpenApiResponse(VISIT_ANSWER, description="All visits were known already."),
            400: OpenApiResponse(description='{"field": [...]} or, for a list, {"errors": {"<index>": {...}}}'),
        },
    ),
)
class VisitViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, VisitAccess]
    serializer_class = VisitOutSerializer
    queryset = selectors.visit_list()
    lookup_field = "external_id"
    lookup_value_regex = "[^/]+"

    def create(self, request, *args, **kwargs):
        return one_or_list_recorded(
            request,
            max_items=MAX_VISITS_PER_REQUEST,
            too_many=_("Send from 1 to %(max)s visits in a list."),
            parse=VisitInSerializer,
            record=services.visits_record,
            record_errors=services.VisitErrors,
            represent=lambda results: VisitOutSerializer(
                [r.visit for r in results], many=True, context={"now": timezone.now()}
            ).data,
        )


class NpsRoundFilter(django_filters.FilterSet):
    customer = django_filters.CharFilter(field_name="customers__business_id", help_text="A customer's business ID.")

    class Meta:
        model = NpsRound
        fields = ["customer", "respondent_group"]


@extend_schema_view(
    list=extend_schema(summary="NPS rounds for supervisors or decision-makers"),
    create=extend_schema(summary="Start an NPS round for chosen customers"),
)
class NpsRoundViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    permission_classes = [IsAuthenticated, NpsRoundAccess]
    serializer_class = NpsRoundSerializer
    filterset_class = NpsRoundFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return NpsRound.objects.none()
        return selectors.nps_round_list(customer_filter=customer_scope(self.request.user, prefix="customers__"))

    def get_serializer(self, *args, **kwargs):
        if getattr(self, "swagger_fake_view", False):
            return super().get_serializer(*args, **kwargs)
        customers = CorporateCustomer.objects.filter(customer_scope(self.request.user))
        return super().get_serializer(*args, customers=customers, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = services.nps_round_start(
            started_by=self.request.user,
            respondent_group=serializer.validated_data["respondent_group"],
            customers=serializer.validated_data["customers"],
            questionnaire_version=serializer.validated_data.get("questionnaire_version"),
            anonymous=serializer.validated_data.get("anonymous", False),
        )
