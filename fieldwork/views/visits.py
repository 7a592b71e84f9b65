"""Pages of field visits, their briefing, the opinions heard and the opinion search."""

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core import audit
from core.calendar import default_deadline
from core.listing import SortOption
from core.toolkit import (
    ObjectActionView,
    ObjectDetailView,
    ObjectExportView,
    ObjectFormView,
    ObjectListView,
    can_write,
)
from fieldwork import exports
from fieldwork.choices import SpeakerKind, VisitStatus
from fieldwork.filters.visits import OneSideFilterSet, OpinionFilterSet, VisitFilterSet
from fieldwork.forms.visits import (
    CancelForm,
    CarryOutForm,
    OpinionEditForm,
    OpinionForm,
    VisitDirectiveForm,
    VisitForm,
)
from fieldwork.permissions import (
    can_cancel,
    can_carry_out,
    can_change_visit,
    can_issue_directive,
    can_plan_visits,
    can_prepare_briefing,
    can_read_briefing,
    can_record_opinions,
    can_reopen,
    sees_one_side,
)
from fieldwork.selectors import visits as selectors
from fieldwork.services import visits as services
from followup.choices import StatusBucket
from followup.services import leader_person
from org import selectors as org_selectors

# A directive from a visit gets the same default deadline as one from a session.
DIRECTIVE_DAYS = 30

VISIT_SORTS = [
    SortOption("starts", gettext_lazy("Starts at"), ("-starts_at", "-id")),
    SortOption("leader", gettext_lazy("Leader"), ("leader__sort_key", "-starts_at", "-id")),
    SortOption("sides", gettext_lazy("Sides heard"), ("sides_heard", "-starts_at", "-id")),
]
OPINION_SORTS = [
    SortOption("heard", gettext_lazy("Heard on"), ("-heard_on", "-id")),
]


class Organisation:
    """Pages of the organisation's field work: someone without an organisation reaches nothing."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.committee = org_selectors.committee_or_404(request.user)
        return super().dispatch(request, *args, **kwargs)


# --- visits


class VisitList(Organisation, ObjectListView):
    selector = selectors.visit_list
    filterset = VisitFilterSet
    sorts = VISIT_SORTS
    template_name, partial_name, nav = "fieldwork/visit_list.html", "fieldwork/_visit_rows.html", "visits"
    export_url = "fieldwork:visit_export"
    primary_filters = ("q", "status")

    def get_extra_context(self, request, page, filterset):
        return {
            "may_plan": can_plan_visits(request.user),
            "statuses": VisitStatus.choices,
            "sees_one_side": sees_one_side(request.user),
        }


class VisitExport(Organisation, ObjectExportView):
    selector = selectors.visit_list
    filterset = VisitFilterSet
    sorts = VISIT_SORTS
    workbook = exports.visit_workbook
    filename = "visits"


class VisitDetail(Organisation, ObjectDetailView):
    """A visit: who went where and why, the briefing, what was found, the opinions heard and how many sides,
    the directives given and their status, and the buttons of what may be done next."""

    gate = selectors.get_visit_for_user
    template_name, context_object_name, nav = "fieldwork/visit_detail.html", "visit", "visits"
    actions = {
        "change": can_change_visit,
        "carry_out": can_carry_out,
        "cancel": can_cancel,
        "reopen": can_reopen,
        "briefing": can_prepare_briefing,
        "opinion": can_record_opinions,
        "directive": can_issue_directive,
    }
    forms: dict = {}

    def get_extra_context(self, request, visit):
        user = request.user
        localities = list(visit.localities.all())
        forms = {}
        if can_record_opinions(user, visit):
            forms["opinion_form"] = self.forms.get("opinion_form") or OpinionForm(
                topics=org_selectors.field_list(user=user), localities=visit.localities.all()
            )
        if can_issue_directive(user, visit):
            forms["directive_form"] = self.forms.get("directive_form") or VisitDirectiveForm(
                agencies=org_selectors.agency_list(user=user),
                initial={"deadline": default_deadline(visit.organization_id, DIRECTIVE_DAYS)},
            )
        opinions = selectors.opinions_of(visit)
        archived = selectors.archived_opinions_of(visit) if can_record_opinions(user, visit) else []
        return {
            "archived_opinions": archived,
            "localities": localities,
            "agencies": list(visit.agencies.all()),
            "participants": list(visit.participants.all()),
            "opinions": opinions,
            "sides": sorted({str(SpeakerKind(o.speaker_kind).label) for o in opinions}),
            "speaker_count": len(SpeakerKind.values),
            "directives": selectors.directives_of(user=user, visit=visit),
            "bucket_labels": dict(StatusBucket.choices),
            "briefing_shown": can_read_briefing(user, visit),
            "briefing": visit.briefing.get("sections", [])
            if visit.briefing and can_read_briefing(user, visit)
            else [],
            "events": audit.timeline(audit.history_for(visit)[:40], known=[visit]),
            **forms,
        }


class VisitEdit(Organisation, ObjectFormView):
    """Plan a visit (no pk) or correct one: the office for any leader, a leader for themselves."""

    permission = can_write
    gate = selectors.get_visit_for_user
    form_class = VisitForm
    template_name, context_object_name, nav = "fieldwork/visit_form.html", "visit", "visits"
    success_message = gettext_lazy("The visit has been saved.")

    def get_form_kwargs(self, request, visit):
        user = request.user
        if visit is None and not can_plan_visits(user):
            raise Http404
        leaders = org_selectors.person_list(user=user, leaders_only=True)
        if not user.is_office:
            # A leader plans their own visits: the one choice is themselves.
            own = leader_person(user)
            leaders = org_selectors.person_list(user=user).filter(pk=own.pk if own else None)
        return {
            "leaders": leaders,
            "localities": org_selectors.unit_list(user=user),
            "agencies": org_selectors.agency_list(user=user),
            "people": org_selectors.person_list(user=user),
            "leader_fixed": not user.is_office,
        }

    def get_initial(self, request, visit):
        if visit is None:
            own = leader_person(request.user)
            return {"leader": own.pk if own else None}
        return {
            "leader": visit.leader_id,
            "purpose": visit.purpose,
            "starts_at": timezone.localtime(visit.starts_at),
            "ends_at": timezone.localtime(visit.ends_at),
            "localities": [u.pk for u in visit.localities.all()],
            "agencies": [a.pk for a in visit.agencies.all()],
            "participants": [p.pk for p in visit.participants.all()],
            "other_participants": visit.other_participants,
            "agenda": visit.agenda,
            "version": visit.version,
        }

    def create(self, request, data):
        return services.visit_create(actor=request.user, organization=self.committee, **data)

    def update(self, request, visit, data, version):
        return services.visit_update(actor=request.user, visit=visit, version=version, **data)


class VisitStatusForm(Organisation, ObjectFormView):
    """Carry a visit out or cancel it: a form of its own (what was found; the reason)."""

    permission = can_write
    gate = selectors.get_visit_for_user
    context_object_name, nav = "visit", "visits"
    template_name = "fieldwork/visit_status_form.html"
    allowed = staticmethod(can_carry_out)

    def get_object(self, request, pk):
        visit = super().get_object(request, pk)
        if not self.allowed(request.user, visit):
            raise Http404
        return visit

    def get_initial(self, request, visit):
        return {"version": visit.version, "findings": visit.findings, "results": visit.results}


class VisitCarryOut(VisitStatusForm):
    form_class = CarryOutForm
    allowed = staticmethod(can_carry_out)
    success_message = gettext_lazy("The visit has been marked as carried out; its time counts in the share.")

    def update(self, request, visit, data, version):
        return services.visit_carry_out(actor=request.user, visit=visit, version=version, **data)

    def get_extra_context(self, request, visit):
        return {"title": gettext_lazy("Carry out the visit"), "submit": gettext_lazy("Mark as carried out")}


class VisitCancel(VisitStatusForm):
    form_class = CancelForm
    allowed = staticmethod(can_cancel)
    success_message = gettext_lazy("The visit has been cancelled.")

    def get_initial(self, request, visit):
        return {"version": visit.version}

    def update(self, request, visit, data, version):
        return services.visit_cancel(actor=request.user, visit=visit, version=version, **data)

    def get_extra_context(self, request, visit):
        return {"title": gettext_lazy("Cancel the visit"), "submit": gettext_lazy("Cancel the visit")}


class VisitReopen(Organisation, ObjectActionView):
    gate, service, object_argument = selectors.get_visit_for_user, services.visit_reopen, "visit"
    success_message = gettext_lazy("The visit is planned again.")


class VisitBriefing(Organisation, ObjectActionView):
    gate, service, object_argument = selectors.get_visit_for_user, services.visit_prepare_briefing, "visit"
    success_message = gettext_lazy("The briefing has been prepared from today's data.")


class VisitArchive(Organisation, ObjectActionView):
    gate, service, object_argument = selectors.get_visit_for_user, services.visit_archive, "visit"
    success_message = gettext_lazy("The visit has been archived.")

    def get_success_url(self, visit):
        return reverse("fieldwork:visit_list")


class VisitRaise(Organisation, ObjectFormView):
    """A form posted from the visit's page (an opinion, a directive): the page again with the form and its
    errors (400) when refused, else back to the visit."""

    http_method_names = ["post"]
    permission = can_write
    form_name = ""
    allowed = staticmethod(can_record_opinions)

    def get_object(self, request, pk):
        visit = selectors.get_visit_for_user(user=request.user, pk=pk)
        if not self.allowed(request.user, visit):
            raise Http404
        return visit

    def get_success_url(self, visit):
        return visit.get_absolute_url()

    def render_form(self, request, visit, form):
        page = VisitDetail(forms={self.form_name: form})
        page.setup(request, pk=visit.pk)
        page.committee = self.committee
        return page.render_detail(request, visit, status=400)


class VisitOpinion(VisitRaise):
    form_class, form_name = OpinionForm, "opinion_form"
    allowed = staticmethod(can_record_opinions)
    success_message = gettext_lazy("The opinion has been recorded.")

    def get_form_kwargs(self, request, visit):
        return {"topics": org_selectors.field_list(user=request.user), "localities": visit.localities.all()}

    def save(self, request, visit, form):
        services.opinion_add(actor=request.user, visit=visit, **self.form_data(form))
        return visit


class VisitDirective(VisitRaise):
    form_class, form_name = VisitDirectiveForm, "directive_form"
    allowed = staticmethod(can_issue_directive)
    success_message = gettext_lazy("The directive has been issued.")

    def get_form_kwargs(self, request, visit):
        return {"agencies": org_selectors.agency_list(user=request.user)}

    def save(self, request, visit, form):
        services.visit_issue_directive(actor=request.user, visit=visit, **self.form_data(form))
        return visit


class OpinionEdit(Organisation, ObjectFormView):
    """Correct an opinion heard (the office, or the leader of its visit); an archived one is shown with its
    "Restore" button."""

    permission = can_write
    gate = selectors.get_opinion_for_user
    form_class = OpinionEditForm
    template_name, context_object_name, nav = "fieldwork/opinion_form.html", "opinion", "visits"
    initial_fields = ("speaker_kind", "speaker_name", "topic", "kind", "content", "locality", "version")
    success_message = gettext_lazy("The opinion has been corrected.")

    def get_form_kwargs(self, request, opinion):
        return {
            "topics": org_selectors.field_list(user=request.user),
            "localities": opinion.visit.localities.all(),
        }

    def update(self, request, opinion, data, version):
        return services.opinion_update(actor=request.user, opinion=opinion, version=version, **data)

    def get_success_url(self, opinion):
        return opinion.visit.get_absolute_url()


class OpinionArchive(Organisation, ObjectActionView):
    gate, service, object_argument = selectors.get_opinion_for_user, services.opinion_archive, "opinion"
    success_message = gettext_lazy("The opinion has been archived.")

    def get_success_url(self, opinion):
        return opinion.visit.get_absolute_url()


class OpinionRestore(OpinionArchive):
    service = services.opinion_restore
    success_message = gettext_lazy("The opinion has been restored.")


# --- many sides


class OneSideVisits(Organisation, ObjectListView):
    """The carried-out visits that heard only one kind of speaker, per leader and per locality."""

    permission = sees_one_side
    selector = selectors.one_side_visits
    filterset = OneSideFilterSet
    sorts = VISIT_SORTS
    template_name, partial_name, nav = "fieldwork/one_side.html", "fieldwork/_visit_rows.html", "one_side"
    primary_filters = ("q", "leader", "locality")

    def get_extra_context(self, request, page, filterset):
        return selectors.one_side_tallies(filterset.qs)


# --- the opinion search


class OpinionSearch(Organisation, ObjectListView):
    """Opinions by words (diacritics ignored), topic, speaker, kind, locality, leader and period; the count
    stops at 1,000."""

    selector = selectors.opinion_list
    filterset = OpinionFilterSet
    sorts = OPINION_SORTS
    template_name, partial_name, nav = (
        "fieldwork/opinion_search.html",
        "fieldwork/_opinion_rows.html",
        "opinions",
    )
    export_url = "fieldwork:opinion_export"
    primary_filters = ("q", "topic", "speaker", "locality")
    per_page = 25  # a search is read from the top: a short page renders fast over 200,000 opinions

    def sorted(self, request, queryset):
        """A page of the sorted matches is read by ids first (selectors.SearchPage), its count capped."""
        queryset, sort = super().sorted(request, queryset)
        count, self.more = selectors.capped_count(queryset)
        return selectors.SearchPage(queryset, count), sort

    def known_count(self, request, filterset):
        return None  # SearchPage gives the capped count as its length

    def get_extra_context(self, request, page, filterset):
        user = request.user
        return {
            "more": self.more,
            "cap": selectors.COUNT_CAP,
            "topics": org_selectors.field_list(user=user),
            "speakers": SpeakerKind.choices,
            "localities": org_selectors.unit_list(user=user, level=2).order_by("sort_key", "id"),
        }


class OpinionExport(Organisation, ObjectExportView):
    selector = selectors.opinion_list
    filterset = OpinionFilterSet
    sorts = OPINION_SORTS
    workbook = exports.opinion_workbook
    filename = "opinions"
