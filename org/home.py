"""The organisation's panels of the home page (registered in `OrgConfig.ready()`)."""

from django.utils import timezone

from org.selectors import assignment_list


def answers_context(request) -> dict:
    """What a leader answers for today: their current assignments."""
    user = request.user
    person = getattr(user, "person", None)
    mine = []
    if person is not None:
        mine = list(assignment_list(user=user, leader=person.pk, on=timezone.localdate())[:50])
    return {"person": person, "mine": mine}
