"""One filter definition per list: django-filter FilterSets that the page, the API list and the export share.

A list's FilterSet lives in its app's `filters.py` and is applied in exactly three places, all through the
helpers below: the page and the export through `filter_page` (an invalid value is dropped, so the page still
shows the rest of the filters applied), and the API through `filter_api` (an invalid value is a 422 that
names the parameter, so a client learns of its mistake). A valid query string gives the same rows in all
three; `core.testing.assert_same_rows` proves it per list.
"""

import datetime as dt

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from pydantic import create_model

from core.text import search_terms

# Ids within what the databases store (as core.api_inputs.MAX_ID): a larger number would overflow.
MAX_ID = 2**63 - 1
TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


class FlagField(forms.Field):
    """A yes/no query parameter: 1/true/yes/on or 0/false/no/off; blank means "not given"."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        raise ValidationError(_("Enter yes (1) or no (0)."), code="invalid")


class DayField(forms.DateField):
    """A date as the pages write it (dd/mm/yyyy) or as the API does (yyyy-mm-dd), within sane years."""

    input_formats = ["%d/%m/%Y", "%Y-%m-%d"]

    def to_python(self, value):
        day = super().to_python(value)
        if day is not None and not dt.date(1990, 1, 1) <= day <= dt.date(2100, 12, 31):
            raise ValidationError(_("The date must read dd/mm/yyyy or yyyy-mm-dd."), code="invalid")
        return day


class FlagFilter(django_filters.Filter):
    """A yes/no filter; with no `method`, "yes" keeps the rows where the field is true."""

    field_class = FlagField

    def filter(self, qs, value):
        if value is None:
            return qs
        return super().filter(qs, value)


class IdFilter(django_filters.NumberFilter):
    """A record id (a positive integer within what the database stores)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class DayFilter(django_filters.DateFilter):
    field_class = DayField


class SearchFilter(django_filters.CharFilter):
    """Every folded word must appear in the record's folded `search_text` ("hoan kiem" finds "Hoàn Kiếm")."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("field_name", "search_text")
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        for word in search_terms(value):
            qs = qs.filter(**{f"{self.field_name}__contains": word})
        return qs


class FilterSet(django_filters.FilterSet):
    """The project's base FilterSet: `q` searches without diacritics; `request` is there for filters that
    depend on who asks (the office sees the archived, say)."""

    q = SearchFilter()

    @property
    def applied(self) -> dict:
        """The values actually applied (valid and not blank), for the page's form and an export's heading."""
        self.is_valid()
        return {k: v for k, v in self.form.cleaned_data.items() if v not in (None, "", [])}


def filter_page(filterset_class, request, queryset: QuerySet, data=None) -> FilterSet:
    """The page's and the export's reading of the filters: invalid values are dropped, the rest applied."""
    return filterset_class(request.GET if data is None else data, queryset=queryset, request=request)


def filter_api(filterset_class, request, queryset: QuerySet, query: Schema | None = None) -> QuerySet:
    """The API's reading of the same filters: any invalid value is a 422 naming its parameter.

    `query` is the operation's parsed `filter_schema` (it only documents the parameters); the values come
    from it when given, else from the query string."""
    data = request.GET if query is None else {k: v for k, v in query.dict().items() if v is not None}
    filterset = filterset_class(data, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise ValidationError({name: list(errors) for name, errors in filterset.errors.items()})
    return filterset.qs


def filter_schema(filterset_class, name: str) -> type[Schema]:
    """A ninja query schema that documents a FilterSet's parameters in the OpenAPI document. Every
    parameter is text there, so that the FilterSet alone decides what is valid, as on the page."""
    fields = {}
    for key, flt in filterset_class.base_filters.items():
        description = str(flt.label) if flt.label else key
        fields[key] = (str | None, Field(None, description=description))
    return create_model(name, __base__=Schema, **fields)
