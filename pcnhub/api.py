"""What every API answer shares: lists paged within bounds; writes with the body checked, one
action run, and its refusals answered the same way everywhere: 400 with the reasons by field,
403 when visible but not the caller's to do, 404 (from the view's queryset) when out of
scope."""

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, pagination, serializers, status
from rest_framework.response import Response

MAX_LIMIT = 1000  # rows a page; the largest list (a region's practices) takes a few pages
MAX_OFFSET = 10**9  # far beyond any list, and within every database's integer range


class Pagination(pagination.LimitOffsetPagination):
    """?limit= and ?offset= as whole numbers within bounds, else 400 saying which: a number
    past the database's integers (2^63) must never reach it as a 500."""

    max_limit = MAX_LIMIT

    def get_limit(self, request):
        return _bounded(request, self.limit_query_param, 1, MAX_LIMIT, self.default_limit)

    def get_offset(self, request):
        return _bounded(request, self.offset_query_param, 0, MAX_OFFSET, 0)

    def get_schema_operation_parameters(self, view):
        bounds = {self.limit_query_param: (1, MAX_LIMIT), self.offset_query_param: (0, MAX_OFFSET)}
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            low, high = bounds[parameter["name"]]
            parameter["schema"].update(minimum=low, maximum=high)
            parameter["description"] += f" A whole number from {low:,} to {high:,}; else 400."
        return parameters


def _bounded(request, name: str, low: int, high: int, default: int) -> int:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return default
    # The length check comes first: int() of a string of thousands of digits is refused.
    if len(raw) > len(str(high)) or not raw.isdigit() or not low <= int(raw) <= high:
        raise exceptions.ValidationError(
            {name: [f"Give {name} as a whole number from {low:,} to {high:,}."]}
        )
    return int(raw)


class RefusalSerializer(serializers.Serializer):
    detail = serializers.CharField()


class StepErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="what was refused and why, in one sentence")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="messages by field; non_field_errors for the rest",
    )


def refusals(scope: str) -> dict:
    """The 400/403/404 answers of a write, for its OpenAPI description; `scope` names what
    was not found."""
    return {
        400: OpenApiResponse(StepErrorSerializer, description="a malformed body, or refused"),
        403: OpenApiResponse(RefusalSerializer, description="visible, but not yours to act on"),
        404: OpenApiResponse(RefusalSerializer, description=f"no such {scope} in your scope"),
    }


def step_errors(error: ValidationError) -> dict:
    """An action's refusal as {"detail": ..., "errors": {field: [messages]}}."""
    errors = error.message_dict if hasattr(error, "error_dict") else None
    if errors is None:
        errors = {"non_field_errors": error.messages}
    return {"detail": "; ".join(error.messages), "errors": errors}


def run_step(request, body_class, run) -> Response | None:
    """Check the body (when there is one), then `run(validated data)`; None when it went
    through, else the refusal to answer with."""
    body = body_class(data=request.data) if body_class else None
    if body is not None and not body.is_valid():
        return Response(
            {"detail": "the request body is not valid", "errors": body.errors},
            status=status.HTTP_400_BAD_REQUEST,
        )
    try:
        run(body.validated_data if body is not None else {})
    except PermissionDenied as error:
        return Response({"detail": str(error)}, status=status.HTTP_403_FORBIDDEN)
    except ValidationError as error:
        return Response(step_errors(error), status=status.HTTP_400_BAD_REQUEST)
    return None
