"""What working-group membership reaches: registered with core's scoping at start-up.

A member of a working group (its leader, deputies, secretary and members, while their term runs) reaches
the group's projects, its supervision sessions, and the obstacles raised about those projects, so that
the directives issued on them are reached too (followup's typed links). The records are passed as
subqueries: one query here finds the groups, and the lists stay one query each.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from core.scoping import Reach


def current_groups_of(person, today=None) -> list[int]:
    """The ids of the working groups `person` sits on today (terms and memberships in force)."""
    from investment.models import GroupMember

    today = today or timezone.localdate()
    return list(
        GroupMember.objects.filter(person=person, valid_from__lte=today, group__archived_at__isnull=True)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .filter(Q(group__term_end__isnull=True) | Q(group__term_end__gte=today))
        .values_list("group_id", flat=True)
        .distinct()
    )


def group_reach(user, reach: Reach) -> None:
    """A group member's projects, sessions and the obstacles about those projects."""
    from followup.models import Obstacle
    from investment.models import GroupProject, Project, SupervisionSession

    person = getattr(user, "person", None)
    if person is None or user.is_focal_point:
        return
    group_ids = current_groups_of(person)
    if not group_ids:
        return
    projects = GroupProject.objects.filter(group_id__in=group_ids).values("project_id")
    reach.add_records("investment.project", projects)
    reach.add_records(
        "investment.supervisionsession",
        SupervisionSession.objects.filter(group_id__in=group_ids).values("pk"),
    )
    project_type = ContentType.objects.get_for_model(Project)
    reach.add_records(
        "followup.obstacle",
        Obstacle.objects.filter(subject_type=project_type, subject_id__in=projects).values("pk"),
    )
