"""Excel exports of the visit list and the opinion search (core.exports.list_workbook)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import CHUNK, Column, list_workbook
from fieldwork.choices import OpinionKind, SpeakerKind, VisitStatus


def _moment(value):
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else None


def _label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else value


def _organisation(qs) -> str:
    return qs.order_by().values_list("organization__name", flat=True).first() or ""


def visit_workbook(qs) -> bytes:
    """The visits of a (scoped, filtered, sorted) list, one a row."""
    columns = [
        Column(_("ID"), 8, lambda v: v.pk),
        Column(_("Starts at"), 17, lambda v: _moment(v.starts_at)),
        Column(_("Ends at"), 17, lambda v: _moment(v.ends_at)),
        Column(_("Leader"), 26, lambda v: v.leader.full_name),
        Column(_("Purpose"), 48, lambda v: v.purpose, wrap=True),
        Column(
            _("Localities visited"), 30, lambda v: ", ".join(u.name for u in v.localities.all()), wrap=True
        ),
        Column(_("Units visited"), 30, lambda v: ", ".join(a.name for a in v.agencies.all()), wrap=True),
        Column(_("Status"), 14, lambda v: _label(VisitStatus, v.status)),
        Column(_("Sides heard"), 10, lambda v: v.sides_heard),
    ]
    return list_workbook(
        title=_("Field visits"),
        sheet=_("Visits"),
        columns=columns,
        rows=qs.iterator(chunk_size=CHUNK),
        organisation=_organisation(qs),
    )


def opinion_workbook(qs) -> bytes:
    """The opinions of a (scoped, filtered, sorted) search, one a row."""
    columns = [
        Column(_("ID"), 8, lambda o: o.pk),
        Column(_("Heard on"), 12, lambda o: o.heard_on),
        Column(_("Locality"), 24, lambda o: o.locality.name if o.locality_id else None),
        Column(_("Speaker"), 20, lambda o: _label(SpeakerKind, o.speaker_kind)),
        Column(_("Speaker's name"), 22, lambda o: o.speaker_name),
        Column(_("Topic"), 22, lambda o: o.topic.name if o.topic_id else None),
        Column(_("Kind of opinion"), 14, lambda o: _label(OpinionKind, o.kind)),
        Column(_("Content"), 60, lambda o: o.content, wrap=True),
        Column(_("Leader"), 24, lambda o: o.visit.leader.full_name),
        Column(_("Visit"), 8, lambda o: o.visit_id),
    ]
    return list_workbook(
        title=_("Opinions heard on field visits"),
        sheet=_("Opinions"),
        columns=columns,
        rows=qs.iterator(chunk_size=CHUNK),
        organisation=_organisation(qs),
    )
