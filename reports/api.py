"""The reports in the API, under /api/v1/reports/: the briefing to the Standing Committee."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router

from reports import formats
from reports.periods import briefing_period
from reports.permissions import can_read_briefing
from reports.views import last_month

router = Router(tags=["reports"])


@router.get(
    "/briefing",
    summary="The briefing to the Standing Committee for a period (the office and the Standing Board)",
    response={200: dict},
)
def get_briefing(
    request, period: str | None = None, format: str = "json", deputy: bool = False, signer: str = ""
):
    """`period`: a week (2026-W48), a month (2026-11), a quarter (2026-Q4), a year (2026) or a range of days
    (2026-11-01..2026-11-15); last month when left out. `format`: json (amounts in đồng, rates in %, hours
    in hours), or docx, the Party document (`deputy`: signed by a Deputy Secretary for the Secretary,
    K/T; `signer`: the name under the signature)."""
    if not can_read_briefing(request.user):
        raise Http404
    if format not in formats.FORMATS:
        choices = ", ".join(formats.FORMATS)
        raise ValidationError({"format": _("Choose one of: {choices}.").format(choices=choices)})
    try:
        chosen = briefing_period(period) if period else last_month()
    except ValidationError as exc:
        raise ValidationError({"period": exc.messages}) from exc
    report = formats.build(user=request.user, period=chosen, fmt=format)
    if format == "json":
        return formats.json_of(report)
    data = formats.render(report, format, **formats.options(format, deputy=deputy, signer=signer))
    return formats.download(request, report, format, data)
