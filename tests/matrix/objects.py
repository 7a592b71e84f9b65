"""The objects that fill a route's parameters, per kind and per subject.

For every kind of record a route names, three objects are picked for a subject (a user):

- `own`: one the subject may reach (`core.scoping.visible`, or the kind's own rule for records that belong to
  one user: tokens, notifications, import jobs, a leader's own feed);
- `out`: one of the same organisation that is out of the subject's reach (none for those who see the whole
  organisation, and none for reference data, which every member of the organisation reads);
- `other`: one of the other organisation.

Each is a tuple of parameter values, in the order the route's parameters appear; `MISSING` fills every
parameter with an id that names no record. The picking reads the scoping rule, not the pages under test.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType

from core.converters import MAX_ID
from core.scoping import in_organization, visible

MISSING_ID = MAX_ID


@dataclass(frozen=True)
class Picks:
    """What fills a route's parameters for one subject: each variant a list of parameter tuples."""

    own: list[tuple]
    out: list[tuple]
    other: list[tuple]


def _first(qs) -> list[tuple]:
    pk = qs.order_by("pk").values_list("pk", flat=True).first()
    return [] if pk is None else [(pk,)]


def _org_qs(model, user):
    """Every record of `model` in the user's organisation, reach left aside."""
    return in_organization(model._base_manager.all(), user, model.scope)


def scoped(label: str) -> Callable:
    """A kind scoped by its model's `scope`: own is visible to the subject, out is in the organisation but not
    visible, other is in the other organisation."""

    def pick(user, other_user, where=None) -> Picks:
        model = apps.get_model(label)
        where = {key: value() if callable(value) else value for key, value in (where or {}).items()}
        everything = model._base_manager.filter(**(where or {}))
        seen = visible(everything, user)
        out = []
        if not (model.scope.reference or user.sees_all):
            out = _first(_org_qs(model, user).filter(**(where or {})).exclude(pk__in=seen.values("pk")))
        return Picks(
            own=_first(seen), out=out, other=_first(_org_qs(model, other_user).filter(**(where or {})))
        )

    pick.model = label
    return pick


def _by_owner(label: str, owner: str) -> Callable:
    """A record that belongs to one user (a token, a notification, an import job): own is the subject's,
    out is another user's of the same organisation, other is one of the other organisation."""

    def pick(user, other_user) -> Picks:
        model = apps.get_model(label)
        rows = model._base_manager.all()
        org = f"{owner}__organization_id"
        return Picks(
            own=_first(rows.filter(**{owner: user})),
            out=_first(rows.filter(**{org: user.organization_id}).exclude(**{owner: user})),
            other=_first(rows.filter(**{org: other_user.organization_id})),
        )

    return pick


def users(user, other_user) -> Picks:
    """Accounts are managed by the office of their organisation: own is another user of the organisation."""
    from accounts.models import User

    return Picks(
        own=_first(
            User.objects.filter(organization_id=user.organization_id, is_active=True).exclude(pk=user.pk)
        ),
        out=[],
        other=_first(User.objects.filter(organization_id=other_user.organization_id)),
    )


def leaders(user, other_user) -> Picks:
    """A leader's calendar and feed: the subject's own person when they have one, else the first leader of the
    organisation; out is another leader of the organisation for those who do not see it all."""
    from org.models import Person

    people = Person.objects.filter(user__isnull=False, archived_at__isnull=True)
    mine = getattr(user, "person", None)
    own = [(mine.pk,)] if mine else _first(people.filter(organization_id=user.organization_id))
    out = []
    if not user.sees_all:
        out = _first(
            people.filter(organization_id=user.organization_id).exclude(pk=getattr(mine, "pk", None))
        )
    return Picks(own=own, out=out, other=_first(people.filter(organization_id=other_user.organization_id)))


def _attachments(owner_label: str, owner_kind: Callable, to_owner: Callable) -> Callable:
    """A file attached to a record of `owner_label`: the files of the owner that `owner_kind` picks."""

    def pick(user, other_user) -> Picks:
        from core.models import Attachment

        model = apps.get_model(owner_label)
        ct = ContentType.objects.get_for_model(model)
        files = Attachment.objects.filter(content_type=ct)

        def file_of(owner_qs) -> list[tuple]:
            ids = {str(pk) for pk in owner_qs.values_list("pk", flat=True)}
            row = files.filter(object_id__in=ids).order_by("pk").first() if ids else None
            return [] if row is None else [to_owner(row)]

        seen = visible(model._base_manager.all(), user) if hasattr(model, "scope") else None
        return owner_kind(user, other_user, seen, file_of)

    return pick


def incident_files(user, other_user) -> Picks:
    from incidents.models import Incident

    def go(user, other_user, seen, file_of):
        org = _org_qs(Incident, user)
        return Picks(
            own=file_of(seen),
            out=[] if user.sees_all else file_of(org.exclude(pk__in=seen.values("pk"))),
            other=file_of(_org_qs(Incident, other_user)),
        )

    return _attachments("incidents.Incident", go, lambda a: (int(a.object_id), a.pk))(user, other_user)


def report_files(user, other_user) -> Picks:
    """A file attached to a directive's progress report: reached through the directive."""
    from followup.models import Directive, ProgressReport

    def go(user, other_user, seen, file_of):
        directives = visible(Directive._base_manager.all(), user)
        reports = ProgressReport.objects.all()
        org = reports.filter(directive__organization_id=user.organization_id)
        return Picks(
            own=file_of(reports.filter(directive__in=directives.values("pk"))),
            out=[] if user.sees_all else file_of(org.exclude(directive__in=directives.values("pk"))),
            other=file_of(reports.filter(directive__organization_id=other_user.organization_id)),
        )

    return _attachments("followup.ProgressReport", go, lambda a: (a.pk,))(user, other_user)


def group_members(user, other_user) -> Picks:
    from investment.models import GroupMember

    rows = GroupMember.objects.all()
    return Picks(
        own=_first(rows.filter(group__organization_id=user.organization_id)),
        out=[],
        other=_first(rows.filter(group__organization_id=other_user.organization_id)),
    )


def years(user, other_user) -> Picks:
    """A target curve is the organisation's for a year: the year names no record of anyone else."""
    return Picks(own=[(dt.date.today().year,)], out=[], other=[])


def feeds(user, other_user) -> Picks:
    """A calendar feed is read by its secret address, without signing in: a live one answers, a revoked one
    answers as one that never existed."""
    from fieldwork.models import CalendarFeed

    live = CalendarFeed.objects.filter(revoked_at__isnull=True, leader__organization_id=user.organization_id)
    dead = CalendarFeed.objects.filter(revoked_at__isnull=False, leader__organization_id=user.organization_id)
    first = lambda qs: [(t,) for t in qs.order_by("pk").values_list("token", flat=True)[:1]]  # noqa: E731
    return Picks(own=first(live), out=first(dead), other=[])


def history(user, other_user) -> Picks:
    """The history page of every record type that is scoped: (content type, id) for each."""
    own, out, other = [], [], []
    for model in apps.get_models():
        if not hasattr(model, "scope"):
            continue
        ct = ContentType.objects.get_for_model(model).pk
        picks = scoped(model._meta.label)(user, other_user)
        own += [(ct, *p) for p in picks.own]
        out += [(ct, *p) for p in picks.out]
        other += [(ct, *p) for p in picks.other]
    return Picks(own=own, out=out, other=other)


def no_object(user, other_user) -> Picks:
    return Picks(own=[()], out=[], other=[])


KINDS: dict[str, Callable] = {
    "unit": scoped("org.AdministrativeUnit"),
    "agency": scoped("org.Agency"),
    "person": scoped("org.Person"),
    "body": scoped("org.Body"),
    "membership": scoped("org.Membership"),
    "assignment": scoped("org.Assignment"),
    "calendar_exception": scoped("core.CalendarException"),
    "notice": scoped("followup.ConclusionNotice"),
    "obstacle": scoped("followup.Obstacle"),
    "directive": scoped("followup.Directive"),
    "resupervision": scoped("followup.ReSupervision"),
    "incident": scoped("incidents.Incident"),
    "project": scoped("investment.Project"),
    "plan": scoped("investment.CapitalPlan"),
    "group": scoped("investment.WorkingGroup"),
    "session": scoped("investment.SupervisionSession"),
    "entry": scoped("fieldwork.CalendarEntry"),
    "visit": scoped("fieldwork.Visit"),
    "opinion": scoped("fieldwork.Opinion"),
    "issued": scoped("reports.IssuedReport"),
    "draft": scoped("reports.BriefingDraft"),
    "issue_job": _by_owner("reports.IssueJob", "requested_by"),
    "user": users,
    "token": _by_owner("accounts.ApiToken", "user"),
    "notification": _by_owner("core.Notification", "user"),
    "import_job": _by_owner("core.ImportJob", "created_by"),
    "leader": leaders,
    "group_member": group_members,
    "incident_file": incident_files,
    "report_file": report_files,
    "year": years,
    "feed": feeds,
    "history": history,
    None: no_object,
}

# How many parameters each kind fills.
ARITY = {"incident_file": 2, "history": 2, None: 0}


def arity(kind) -> int:
    return ARITY.get(kind, 1)


def missing(kind) -> tuple:
    """Parameters naming no record (for the feed, a token nobody was given)."""
    if kind == "feed":
        return ("no-such-feed-token",)
    if kind == "history":
        from incidents.models import Incident

        return (ContentType.objects.get_for_model(Incident).pk, MISSING_ID)
    return (MISSING_ID,) * arity(kind)


__all__ = ["KINDS", "MISSING_ID", "Picks", "arity", "missing"]
