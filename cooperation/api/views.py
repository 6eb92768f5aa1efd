"""The cooperation API (API.md): thin viewsets that scope reads with ``cooperation.selectors``
and write through ``cooperation.services``.

Who may do what: reads need a customer scope (admin all, account manager own portfolio, the
customer's decision-makers and supervisors their own company), writes the write scope (admin,
account manager own portfolio); employees and sick leaves also the integration, for every
customer. A role without the scope gets 403; an object outside it 404."""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response

from cooperation import selectors, services
from cooperation.access import customer_scope
from cooperation.api import serializers as s
from cooperation.api.errors import drf_detail, service_errors
from cooperation.models import (
    ActionItem,
    Contact,
    CorporateCustomer,
    Employee,
    Goal,
    Measurement,
    ResponsibilityAgreement,
    SickLeave,
    SteeringGroupMeeting,
)

#: The longest list body one request may carry: big enough for a nightly roster chunk, small
#: enough to validate and store in one transaction within a request's time.
MAX_LIST_ITEMS = 1000


class ScopedAccess(BasePermission):
    """Reads need the view's ``read_scope``, writes its ``write_scope``; a role with neither
    may not use the endpoint at all (403)."""

    def has_permission(self, request, view) -> bool:
        if not request.user.is_authenticated:
            return False
        scope = view.read_scope if request.method in SAFE_METHODS else view.write_scope
        return scope(request.user) is not None


class CooperationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, ScopedAccess]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    read_scope = staticmethod(customer_scope)
    write_scope = staticmethod(selectors.write_scope)
    #: ``selector(user=…)`` answers the objects the user may read.
    selector = staticmethod(selectors.customer_list)

    def get_queryset(self):
        return self.selector(user=self.request.user)

    def fresh(self, instance):
        """The object as a read shows it (with its related rows loaded anew after a write)."""
        return self.get_queryset().get(pk=instance.pk)

    # Subclasses name the service calls; the mixins below do the HTTP part.
    def service_create(self, data: dict, serializer):
        raise NotImplementedError

    def service_update(self, instance, data: dict, serializer):
        raise NotImplementedError

    def service_delete(self, instance) -> None:
        raise NotImplementedError


class ServiceCreateMixin:
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            instance = self.service_create(dict(serializer.validated_data), serializer)
        return Response(self.get_serializer(self.fresh(instance)).data, status=status.HTTP_201_CREATED)


class ServiceUpdateMixin:
    def partial_update(self, request, *args, **kwargs):
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            instance = self.service_update(instance, dict(serializer.validated_data), serializer)
        return Response(self.get_serializer(self.fresh(instance)).data)


class ServiceDestroyMixin:
    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        with service_errors():
            self.service_delete(instance)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Filters -----------------------------------------------------------------------------------


class CustomerFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label=_("Name or business ID"))

    class Meta:
        model = CorporateCustomer
        fields = ["segment"]

    def filter_search(self, queryset, name, value):
        return selectors.customers_matching(queryset, value)


def _customer_filter(path: str = "customer__business_id"):
    return django_filters.CharFilter(field_name=path, label=_("Business ID of the customer"))


class ContactFilter(django_filters.FilterSet):
    customer = _customer_filter()

    class Meta:
        model = Contact
        fields = ["customer", "role", "active"]


class EmployeeFilter(django_filters.FilterSet):
    customer = _customer_filter()

    class Meta:
        model = Employee
        fields = ["customer", "external_id"]


class SickLeaveFilter(django_filters.FilterSet):
    customer = _customer_filter()
    employee = django_filters.CharFilter(field_name="employee__external_id", label=_("External ID of the employee"))

    class Meta:
        model = SickLeave
        fields = ["customer", "employee"]


class AgreementFilter(django_filters.FilterSet):
    customer = _customer_filter()

    class Meta:
        model = ResponsibilityAgreement
        fields = ["customer", "phase"]


class GoalFilter(django_filters.FilterSet):
    customer = _customer_filter("agreement__customer__business_id")

    class Meta:
        model = Goal
        fields = ["customer", "agreement", "theme", "indicator"]


class MeasurementFilter(django_filters.FilterSet):
    customer = _customer_filter("goal__agreement__customer__business_id")

    class Meta:
        model = Measurement
        fields = ["customer", "goal", "source"]


class MeetingFilter(django_filters.FilterSet):
    customer = _customer_filter()

    class Meta:
        model = SteeringGroupMeeting
        fields = ["customer", "agreement"]


class ActionItemFilter(django_filters.FilterSet):
    customer = _customer_filter("meeting__customer__business_id")

    class Meta:
        model = ActionItem
        fields = ["customer", "meeting", "done"]


# --- Customers and contacts ----------------------------------------------------------------------


class CustomerViewSet(ServiceCreateMixin, ServiceUpdateMixin, CooperationViewSet):
    """Corporate customers, by business ID."""

    serializer_class = s.CustomerSerializer
    filterset_class = CustomerFilter
    lookup_field = "business_id"
    lookup_value_regex = r"[^/]+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def service_create(self, data, serializer):
        return services.customer_create(**serializer.service_arguments(), by=self.request.user)

    def service_update(self, instance, data, serializer):
        return services.customer_update(customer=instance, **serializer.service_arguments(), by=self.request.user)


class ContactViewSet(ServiceCreateMixin, ServiceUpdateMixin, CooperationViewSet):
    """The customer's people: decision-makers, supervisors, HR."""

    serializer_class = s.ContactSerializer
    filterset_class = ContactFilter
    selector = staticmethod(selectors.contact_list)
    http_method_names = ["get", "post", "patch", "head", "options"]

    def service_create(self, data, serializer):
        return services.contact_create(**data)

    def service_update(self, instance, data, serializer):
        data.pop("customer", None)
        return services.contact_update(contact=instance, **data)


# --- Roster ------------------------------------------------------------------------------------


_EMPLOYEE_UPSERT_RESULT = PolymorphicProxySerializer(
    component_name="EmployeeUpsertResult",
    serializers=[s.EmployeeSerializer, s.EmployeeSerializer(many=True)],
    resource_type_field_name=None,
    many=False,
)


@extend_schema_view(
    create=extend_schema(
        summary="Upsert employees by (customer, external_id)",
        description=(
            "One object or a list of up to 1,000. A list is atomic: one invalid item rejects the request "
            '(400, {"errors": {"<index>": {...}}}) and stores nothing. Answers 201 if any employee is new, '
            "else 200. Fields left out keep their stored values."
        ),
        request=PolymorphicProxySerializer(
            component_name="EmployeeUpsert",
            serializers=[s.EmployeeSerializer, s.EmployeeSerializer(many=True)],
            resource_type_field_name=None,
            many=False,
        ),
        responses={200: _EMPLOYEE_UPSERT_RESULT, 201: _EMPLOYEE_UPSERT_RESULT},
    )
)
class EmployeeViewSet(CooperationViewSet):
    """The customer's employees (the roster)."""

    serializer_class = s.EmployeeSerializer
    filterset_class = EmployeeFilter
    selector = staticmethod(selectors.employee_list)
    read_scope = staticmethod(selectors.roster_scope)
    write_scope = staticmethod(selectors.roster_scope)
    http_method_names = ["get", "post", "head", "options"]

    def create(self, request, *args, **kwargs):
        if isinstance(request.data, list):
            return self._create_many(request.data)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            employee, created = services.employee_upsert(**serializer.validated_data)
        return Response(
            self.get_serializer(employee).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    def _create_many(self, items: list):
        if len(items) > MAX_LIST_ITEMS:
            raise ValidationError(
                {"non_field_errors": [_("Send at most %(n)d items at a time.") % {"n": MAX_LIST_ITEMS}]}
            )
        # Parse each item on its own and check the parsed ones with the service too, so the answer
        # names every bad item at once; then store all or nothing.
        errors: dict[int, dict] = {}
        parsed: list[tuple[int, dict]] = []
        for index, item in enumerate(items):
            serializer = self.get_serializer(data=item)
            if serializer.is_valid():
                parsed.append((index, serializer.validated_data))
            else:
                errors[index] = serializer.errors
        try:
            with transaction.atomic():
                results = services.employee_upsert_many(items=[data for _index, data in parsed])
                if errors:
                    raise services.ItemsInvalid({})  # undo: a list is stored all or nothing
        except services.ItemsInvalid as e:
            errors.update({parsed[int(i)][0]: drf_detail(DjangoValidationError(d)) for i, d in e.by_index.items()})
        if errors:
            raise ValidationError({"errors": {str(index): errors[index] for index in sorted(errors)}})
        any_new = any(created for _employee, created in results)
        return Response(
            self.get_serializer([employee for employee, _created in results], many=True).data,
            status=status.HTTP_201_CREATED if any_new else status.HTTP_200_OK,
        )


@extend_schema_view(
    create=extend_schema(
        description="Record a sick leave. Sending the same leave again answers the stored one (200).",
        responses={201: s.SickLeaveSerializer, 200: s.SickLeaveSerializer},
    )
)
class SickLeaveViewSet(CooperationViewSet):
    """Sick leaves of the customer's employees (employee = its external ID)."""

    serializer_class = s.SickLeaveSerializer
    filterset_class = SickLeaveFilter
    selector = staticmethod(selectors.sick_leave_list)
    read_scope = staticmethod(selectors.roster_scope)
    write_scope = staticmethod(selectors.roster_scope)
    http_method_names = ["get", "post", "head", "options"]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            leave, created = services.sick_leave_create(**serializer.validated_data)
        return Response(
            self.get_serializer(leave).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


# --- Agreements, goals, measurements -------------------------------------------------------------


class AgreementViewSet(ServiceCreateMixin, ServiceUpdateMixin, ServiceDestroyMixin, CooperationViewSet):
    """Responsibility-goal agreements. The phase moves only through ``transitions``."""

    serializer_class = s.AgreementSerializer
    filterset_class = AgreementFilter
    selector = staticmethod(selectors.agreement_list)

    def service_create(self, data, serializer):
        return services.agreement_create(**data)

    def service_update(self, instance, data, serializer):
        data.pop("customer", None)
        return services.agreement_update(agreement=instance, **data)

    def service_delete(self, instance):
        services.agreement_delete(agreement=instance)

    @extend_schema(
        methods=["GET"],
        summary="The agreement's phase history",
        responses=s.PhaseTransitionSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Move the agreement to its next phase",
        description=(
            "orientation → identification → planning → agreed → follow-up → closed, one step at a time. "
            "Answers the agreement."
        ),
        request=s.TransitionRequestSerializer,
        responses={201: s.AgreementSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def transitions(self, request, pk=None):
        agreement = self.get_object()
        if request.method == "GET":
            history = selectors.agreement_transitions(agreement=agreement)
            return Response(s.PhaseTransitionSerializer(history, many=True).data)
        serializer = s.TransitionRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            agreement = services.agreement_advance(agreement=agreement, by=request.user, **serializer.validated_data)
        return Response(
            s.AgreementSerializer(self.fresh(agreement), context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


class GoalViewSet(ServiceCreateMixin, ServiceUpdateMixin, ServiceDestroyMixin, CooperationViewSet):
    """Goals of agreements; every change after creation is kept in ``changes``."""

    serializer_class = s.GoalSerializer
    filterset_class = GoalFilter
    selector = staticmethod(selectors.goal_list)

    def service_create(self, data, serializer):
        return services.goal_create(**data)

    def service_update(self, instance, data, serializer):
        data.pop("agreement", None)
        return services.goal_update(goal=instance, by=self.request.user, **data)

    def service_delete(self, instance):
        services.goal_delete(goal=instance)


class MeasurementViewSet(ServiceCreateMixin, CooperationViewSet):
    """Measured values of goals' indicators."""

    serializer_class = s.MeasurementSerializer
    filterset_class = MeasurementFilter
    selector = staticmethod(selectors.measurement_list)
    http_method_names = ["get", "post", "head", "options"]

    def service_create(self, data, serializer):
        return services.measurement_record(**data)


# --- Steering-group meetings ---------------------------------------------------------------------


class MeetingViewSet(ServiceCreateMixin, ServiceUpdateMixin, CooperationViewSet):
    """Steering-group meetings with their action items. In a change, ``action_items`` with an
    ``id`` change that item, those without are added, and items left out stay."""

    serializer_class = s.MeetingSerializer
    filterset_class = MeetingFilter
    selector = staticmethod(selectors.meeting_list)
    http_method_names = ["get", "post", "patch", "head", "options"]

    def service_create(self, data, serializer):
        return services.meeting_create(by=self.request.user, **data)

    def service_update(self, instance, data, serializer):
        data.pop("customer", None)
        return services.meeting_update(meeting=instance, by=self.request.user, **data)


class ActionItemViewSet(ServiceUpdateMixin, CooperationViewSet):
    """Action items of steering-group meetings: ``PATCH {"done": true}`` marks one done."""

    serializer_class = s.ActionItemSerializer
    filterset_class = ActionItemFilter
    selector = staticmethod(selectors.action_item_list)
    http_method_names = ["get", "patch", "head", "options"]

    def service_update(self, instance, data, serializer):
        data.pop("id", None)
        return services.action_item_update(action_item=instance, by=self.request.user, **data)
