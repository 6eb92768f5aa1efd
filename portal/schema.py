"""The served OpenAPI schema documents the API's error answers (API.md "Conventions") for every
operation, in one place instead of per view: 400 where an operation takes input (a body or query
parameters) or writes, 401 and 403 everywhere, 404 where it names an object (a path parameter, or a filter
naming a customer, unit, practitioner, service, agreement, goal, meeting or employee), 415 where
it reads a body."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent

#: Query parameters that name objects: naming one the user may not see answers 404, as the
#: object itself would (API.md "Statistics").
OBJECT_PARAMETERS = frozenset(
    {"customer", "unit", "practitioner", "service", "agreement", "goal", "meeting", "employee"}
)

_MESSAGES = {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object"}]}}

ERROR_SCHEMAS = {
    "ValidationErrors": {
        "type": "object",
        "description": _(
            'Messages by field: {"field": ["message", …]}, nested objects for nested fields, '
            '"non_field_errors" for the body as a whole; a list body answers '
            '{"errors": {"<index>": {…}}} for its invalid items.'
        ),
        "additionalProperties": {"anyOf": [_MESSAGES, {"type": "object"}, {"type": "string"}]},
    },
    "ErrorDetail": {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
}

ERROR_RESPONSES = {
    "400": ("ValidationErrors", _("Invalid input: what is wrong, by field.")),
    "401": ("ErrorDetail", _("No credentials, or invalid ones.")),
    "403": ("ErrorDetail", _("The user's role may not use this endpoint.")),
    "404": ("ErrorDetail", _("No such object, or one the user may not see.")),
    "415": ("ErrorDetail", _("A body in a media type the operation does not read.")),
}


class PortalAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, adding the error answers each operation can give."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        parameters = operation.get("parameters", [])
        query = {p["name"] for p in parameters if p.get("in") == "query"}
        codes = ["401", "403"]
        # A write may be refused by the rules of the service behind it even without a body (a delete).
        if "requestBody" in operation or query or method.upper() not in ("GET", "HEAD", "OPTIONS"):
            codes.append("400")
        if any(p.get("in") == "path" for p in parameters) or query & OBJECT_PARAMETERS:
            codes.append("404")
        if "requestBody" in operation:
            codes.append("415")
        responses = operation.setdefault("responses", {})
        for code in sorted(codes):
            component, description = ERROR_RESPONSES[code]
            response = responses.setdefault(code, {"description": description})
            response.setdefault("content", {"application/json": {"schema": self._error_component(component)}})
        return operation

    def _error_component(self, name: str) -> dict:
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=name, schema=ERROR_SCHEMAS[name]
        )
        self.registry.register_on_missing(component)
        return component.ref


class BlankableEmailField(OpenApiSerializerFieldExtension):
    """An email field that may be left blank answers "" when it is, which ``format: email`` alone
    does not allow: such a field is an email address or the empty string."""

    target_class = "rest_framework.fields.EmailField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if not self.target.allow_blank:
            return schema
        email = {"type": schema.pop("type", "string"), "format": schema.pop("format", "email")}
        if self.target.max_length:
            email["maxLength"] = self.target.max_length
        return {"anyOf": [email, {"type": "string", "maxLength": 0}], **schema}
