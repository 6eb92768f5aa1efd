"""A POST whose body is one item or a list of up to N (API.md: visits, contacts-log): validated
together, recorded in one transaction or not at all, answered item by item in order."""

from collections.abc import Callable

from rest_framework import serializers, status
from rest_framework.response import Response


def one_or_list_recorded(
    request,
    *,
    max_items: int,
    too_many: str,
    parse: type[serializers.Serializer],
    record: Callable,
    record_errors: type[Exception],
    represent: Callable[[list], list],
) -> Response:
    """``record(items=…)`` stores the validated items (raising ``record_errors`` with ``.errors``
    by item index); ``represent(results)`` gives the answer's items. ``too_many`` is a message
    with ``%(max)s``. 201 if any item was new, 200 if all were known; 400 with the errors of the
    one item, or by index for a list."""
    many = isinstance(request.data, list)
    items = request.data if many else [request.data]
    if many and not 1 <= len(items) <= max_items:
        return Response({"non_field_errors": [too_many % {"max": max_items}]}, status=status.HTTP_400_BAD_REQUEST)
    # One list serializer: its fields are built once, not once per item.
    serializer = parse(data=items, many=True)
    errors = {}
    if serializer.is_valid():
        validated = serializer.validated_data
    else:
        errors = {index: e for index, e in enumerate(serializer.errors) if e}
    if not errors:
        try:
            results = record(items=validated)
        except record_errors as exc:
            errors = exc.errors
    if errors:
        body = {"errors": {str(i): e for i, e in sorted(errors.items())}} if many else errors[0]
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    out = represent(results)
    answer_status = status.HTTP_201_CREATED if any(r.created for r in results) else status.HTTP_200_OK
    return Response(out if many else out[0], status=answer_status)
