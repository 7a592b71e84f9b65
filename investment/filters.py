"""One filter definition per list of the investment app, shared by the page and the API list.

The RAG filter is computed, not stored: the figures of every project in the filtered rows at the date asked
(`at`, today by default) in the plan year asked (`year`, the year of `at` by default), then `pk__in` the
projects of the chosen status."""

import datetime as dt

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import DayFilter, FilterSet, FlagFilter, IdFilter
from investment import analytics
from investment.choices import ProjectGroup, ProjectStatus, Rag
from investment.models import Project, SupervisionSession, WorkingGroup


class YearFilter(django_filters.NumberFilter):
    """A plan year: read by the RAG filter and the rate columns, it filters no row by itself."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 2000)
        kwargs.setdefault("max_value", 2100)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return qs


class AtFilter(DayFilter):
    """The date the figures are read at (the end of its month): read by the RAG filter, filters no row."""

    def filter(self, qs, value):
        return qs


def figures_date(filterset) -> tuple[dt.date, int]:
    """The date and plan year a list's figures are read at: `at` and `year` when valid, else today."""
    data = filterset.form.cleaned_data if filterset.is_valid() else {}
    at = data.get("at") or timezone.localdate()
    return at, data.get("year") or at.year


class ProjectFilterSet(FilterSet):
    """Projects by text, working group, investor, locality, key, status, project group, and RAG status."""

    group = IdFilter(field_name="group_links__group_id", label=_("Working group"), distinct=True)
    investor = IdFilter(field_name="investor_id", label=_("Investor"))
    locality = IdFilter(field_name="sites__locality_id", label=_("Locality"), distinct=True)
    key = FlagFilter(field_name="is_key", label=_("Key project"))
    status = django_filters.ChoiceFilter(choices=ProjectStatus.choices, label=_("Status"))
    project_group = django_filters.ChoiceFilter(
        field_name="group", choices=ProjectGroup.choices, label=_("Project group")
    )
    rag = django_filters.ChoiceFilter(
        choices=Rag.choices, label=_("Disbursement status"), method="filter_rag"
    )
    year = YearFilter(label=_("Plan year"))
    at = AtFilter(label=_("As of"))

    class Meta:
        model = Project
        fields = ["q", "group", "investor", "locality", "key", "status", "project_group", "rag", "year", "at"]

    def filter_rag(self, queryset, name, value):
        at, year = figures_date(self)
        by_project = analytics.figures_by(
            queryset, "pk", organization_id=self.request.user.organization_id, at=at, year=year
        )
        if value == Rag.NONE:
            chosen = [pk for pk, f in by_project.items() if f.rag != Rag.NONE]
            return queryset.exclude(pk__in=chosen)
        return queryset.filter(pk__in=[pk for pk, f in by_project.items() if f.rag == value])

    def filter_queryset(self, queryset):
        # The RAG status is read over the rows the other filters leave, so it runs last.
        rag = self.form.cleaned_data.get("rag")
        others = {k: v for k, v in self.form.cleaned_data.items() if k != "rag"}
        for name, value in others.items():
            queryset = self.filters[name].filter(queryset, value)
        if rag:
            queryset = self.filters["rag"].filter(queryset, rag)
        return queryset


class GroupFilterSet(FilterSet):
    """Working groups by text and by a member (a person)."""

    member = IdFilter(field_name="members__person_id", label=_("Member"), distinct=True)

    class Meta:
        model = WorkingGroup
        fields = ["q", "member"]


class SessionFilterSet(FilterSet):
    """Supervision sessions by text, group, project and period."""

    group = IdFilter(field_name="group_id", label=_("Working group"))
    project = IdFilter(field_name="projects__id", label=_("Project"), distinct=True)
    held_from = DayFilter(field_name="held_on", lookup_expr="gte", label=_("Held from"))
    held_to = DayFilter(field_name="held_on", lookup_expr="lte", label=_("Held to"))

    class Meta:
        model = SupervisionSession
        fields = ["q", "group", "project", "held_from", "held_to"]
