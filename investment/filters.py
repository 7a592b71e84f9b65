"""One filter definition for the project list, shared by the page, the API list and the export."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import FilterSet, FlagFilter, IdFilter
from investment.choices import ProjectGroup, ProjectStatus
from investment.models import Project


class ProjectFilterSet(FilterSet):
    """Projects by text (code or name), investor, status, the key-project flag and project group.

    The rows come from `investment.selectors.project_list`, already scoped to the reader."""

    investor = IdFilter(field_name="investor_id", label=_("Investor"))
    status = django_filters.ChoiceFilter(choices=ProjectStatus.choices, label=_("Status"))
    key = FlagFilter(field_name="is_key", label=_("Key project"))
    project_group = django_filters.ChoiceFilter(
        field_name="group", choices=ProjectGroup.choices, label=_("Project group")
    )

    class Meta:
        model = Project
        fields = ["q", "investor", "status", "key", "project_group"]
