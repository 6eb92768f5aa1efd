"""Service errors (Django's ValidationError) as the API's 400 answers (API.md "Conventions")."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError
from rest_framework.settings import api_settings

from cooperation.services import ItemsInvalid


def drf_detail(error: DjangoValidationError) -> dict:
    """``{"field": ["message", …]}``; errors not about one field go under ``non_field_errors``."""
    if hasattr(error, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
            for field, messages in error.message_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}


@contextmanager
def service_errors(*, index: int | None = None) -> Iterator[None]:
    """Turn a service's ValidationError into a 400 answer; a list's errors go by item index:
    ``{"errors": {"<index>": {…}}}``."""
    try:
        yield
    except ItemsInvalid as e:
        raise ValidationError(
            {"errors": {i: drf_detail(DjangoValidationError(errors)) for i, errors in e.by_index.items()}}
        ) from e
    except DjangoValidationError as e:
        detail = drf_detail(e)
        raise ValidationError({"errors": {str(index): detail}} if index is not None else detail) from e
