"""Query-string parsing for the API: the as-at date and the FilterSets.

Every bad value answers 400 with a message naming the parameter, never a 500 or a silently
ignored filter, so a typo cannot pass for an empty result.
"""

import re
from datetime import date

import django_filters as filters
from django.db.models import Q
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from organisations import queries
from organisations.models import ListSize, Measure, Organisation, OrgKind, Relationship, RelType

DATE_MESSAGE = "Enter a date as YYYY-MM-DD, e.g. 2019-07-01."
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(value: str, name: str) -> date:
    # fromisoformat alone would also take 20190701 and week dates; the API promises one form.
    if _ISO_DATE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValidationError({name: [DATE_MESSAGE]})


def as_at_from(request) -> date:
    """The ?as_at= date, today when absent."""
    value = request.query_params.get("as_at") if request is not None else None
    if value is None or value == "":
        return timezone.localdate()
    return parse_date(value, "as_at")


class CodeFilter(filters.CharFilter):
    """ODS codes are upper case; accept any case without a case-insensitive scan."""

    def filter(self, qs, value):
        return super().filter(qs, value.strip().upper() if value else value)


class StrictDateFilter(filters.DateFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        kwargs.setdefault("error_messages", {"invalid": DATE_MESSAGE})
        super().__init__(*args, **kwargs)


_TRUE_FALSE = [("true", "true"), ("false", "false")]


class OrganisationFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=OrgKind.choices)
    code = CodeFilter(field_name="code", help_text="ODS code, exact")
    q = filters.CharFilter(method="filter_q", help_text="name contains, or exact ODS code")
    parent = filters.CharFilter(
        method="filter_parent",
        help_text="ODS code of an organisation: its members as at the date (a PCN's practices, "
        "a commissioner's PCNs)",
    )
    open = filters.ChoiceFilter(
        choices=_TRUE_FALSE,
        method="filter_open",
        help_text="open (true) or closed / not yet open (false) as at the date",
    )
    ordering = filters.OrderingFilter(
        fields=["code", "name", "kind", "open_date", "close_date", "postcode"]
    )

    class Meta:
        model = Organisation
        fields = ["kind", "code"]

    def filter_q(self, queryset, name, value: str):
        term = value.strip()
        return queryset.filter(Q(code__iexact=term) | Q(name__icontains=term)) if term else queryset

    def filter_parent(self, queryset, name, value: str):
        above = Organisation.objects.filter(code=value.strip().upper()).first()
        if above is None:
            return queryset.none()
        return queryset.filter(pk__in=queries.members(above, as_at_from(self.request)))

    def filter_open(self, queryset, name, value: str):
        day = as_at_from(self.request)
        closed = Q(open_date__gt=day) | Q(close_date__lt=day)
        return queryset.exclude(closed) if value == "true" else queryset.filter(closed)


class RelationshipFilter(filters.FilterSet):
    rel_type = filters.ChoiceFilter(choices=RelType.choices)
    child = CodeFilter(field_name="child__code", help_text="ODS code of the child")
    parent = CodeFilter(field_name="parent__code", help_text="ODS code of the parent")

    class Meta:
        model = Relationship
        fields = ["rel_type", "child", "parent"]


SEXES = [("ALL", "ALL"), ("MALE", "MALE"), ("FEMALE", "FEMALE")]


class ListSizeFilter(filters.FilterSet):
    sex = filters.ChoiceFilter(choices=SEXES)
    age = filters.CharFilter(help_text="ALL, a single year (0-94, 95+) or a band such as 5_9")
    measure = filters.ChoiceFilter(choices=Measure.choices)
    # `from` is a Python keyword, so the filter is declared as from_date and renamed below.
    from_date = StrictDateFilter(
        field_name="extract_date", lookup_expr="gte", help_text="extract date on or after"
    )
    to = StrictDateFilter(
        field_name="extract_date", lookup_expr="lte", help_text="extract date on or before"
    )

    class Meta:
        model = ListSize
        fields = ["sex", "age", "measure"]

    @classmethod
    def get_filters(cls):
        found = super().get_filters()
        found["from"] = found.pop("from_date")
        return found
