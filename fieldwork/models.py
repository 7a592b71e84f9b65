"""Field work and time: leaders' work calendars, the field-time share, visits and the opinions heard.

A calendar entry is a single event or a series (an RFC 5545 rule). Its occurrences are laid out, one row per
day of each occurrence, in `EntryDay`, with the working time that day holds: the field-time share and the
meeting figures are sums over those rows in SQL, whatever the size of the calendar.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import ConfidentialMixin, CoreModel
from core.scoping import ScopeSpec
from core.text import fold
from fieldwork.choices import EntryKind, OpinionKind, SpeakerKind, VisitStatus


class FieldworkPolicy(CoreModel):
    """An organisation's targets: the field-time share (1/3 by default) and the cut in meetings."""

    scope = ScopeSpec(reference=True)

    organization = models.OneToOneField(
        "org.PartyCommittee",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="fieldwork_policy",
    )
    # A fraction kept exact: 1/3 is one third, not 33.33 %.
    share_target_numerator = models.PositiveSmallIntegerField(
        _("field-time target (numerator)"), default=1, validators=[MinValueValidator(1)]
    )
    share_target_denominator = models.PositiveSmallIntegerField(
        _("field-time target (denominator)"), default=3, validators=[MinValueValidator(1)]
    )
    meeting_reduction_percent = models.PositiveSmallIntegerField(
        _("meeting reduction target (%)"),
        default=15,
        validators=[MaxValueValidator(100)],
        help_text=_("How much fewer meeting hours than in the previous period of the same length."),
    )

    class Meta:
        verbose_name = _("field work policy")
        verbose_name_plural = _("field work policies")

    def __str__(self):
        return f"{self.share_target_numerator}/{self.share_target_denominator}"


class CalendarEntry(CoreModel):
    """An entry of a leader's work calendar (lịch công tác), once or recurring by an RFC 5545 rule."""

    # The office and the Standing Board see every calendar; a leader sees their own.
    scope = ScopeSpec(people=("leader",))

    organization = models.ForeignKey(
        "org.PartyCommittee", verbose_name=_("organisation"), on_delete=models.PROTECT
    )
    leader = models.ForeignKey(
        "org.Person", verbose_name=_("leader"), on_delete=models.PROTECT, related_name="calendar_entries"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    title = models.CharField(_("title"), max_length=300)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    all_day = models.BooleanField(_("all day"), default=False)
    place = models.CharField(_("place"), max_length=300, blank=True)
    locality = models.ForeignKey(
        "org.AdministrativeUnit",
        verbose_name=_("locality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    chaired = models.BooleanField(_("chaired by the leader"), default=False)
    # An RFC 5545 RRULE ("FREQ=WEEKLY;BYDAY=MO;COUNT=10"), empty for a single entry.
    recurrence = models.CharField(_("recurrence rule"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)
    # A carried-out visit keeps its field-visit entry here, so that its time counts in the share.
    visit = models.OneToOneField(
        "Visit", null=True, blank=True, on_delete=models.PROTECT, related_name="calendar_entry"
    )
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    search_text = models.CharField(max_length=400, editable=False, default="")

    class Meta:
        verbose_name = _("calendar entry")
        verbose_name_plural = _("calendar entries")
        indexes = [
            models.Index(fields=["leader", "starts_at"], name="fieldwork_entry_leader_start"),
            models.Index(fields=["organization", "starts_at"], name="fieldwork_entry_org_start"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.title} {self.place}")[:400]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("fieldwork:entry_detail", args=[self.pk])


class EntryDay(models.Model):
    """One calendar day of one occurrence of an entry, with the working time it holds that day.

    Written by the entry's services only; the leader, kind and chaired flag are copied from the entry so that
    the share and the meeting figures are one indexed aggregate."""

    entry = models.ForeignKey(CalendarEntry, on_delete=models.CASCADE, related_name="days")
    organization = models.ForeignKey("org.PartyCommittee", on_delete=models.PROTECT, related_name="+")
    leader = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    chaired = models.BooleanField(default=False)
    day = models.DateField()
    # The part of the occurrence that falls on `day` (local time), and the start of its occurrence.
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    occurrence_start = models.DateTimeField()
    # The first day of its occurrence: counting these counts occurrences (meetings held).
    is_first_day = models.BooleanField(default=True)
    # Minutes of that part inside the organisation's working time (0 on a day off).
    working_minutes = models.PositiveIntegerField(default=0)
    # All the minutes of that part, working time or not.
    minutes = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        indexes = [
            models.Index(fields=["leader", "day", "kind"], name="fieldwork_day_leader"),
            models.Index(fields=["organization", "day", "kind"], name="fieldwork_day_org"),
        ]

    def __str__(self):
        return f"{self.entry_id} {self.day}"


class CalendarFeed(models.Model):
    """A leader's secret iCalendar feed URL; revoking it makes the URL answer 404 for good."""

    leader = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="calendar_feeds")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return f"{self.leader_id}"


class Visit(ConfidentialMixin, CoreModel):
    """A field visit (chuyến đi cơ sở): planned, then carried out or cancelled with a reason."""

    # The office and the Standing Board see every visit; the leader who leads it sees it, and so do the
    # people who went and the units visited (their focal points).
    scope = ScopeSpec(people=("leader",), more_agencies=("agencies",))

    organization = models.ForeignKey(
        "org.PartyCommittee", verbose_name=_("organisation"), on_delete=models.PROTECT
    )
    leader = models.ForeignKey(
        "org.Person", verbose_name=_("leading leader"), on_delete=models.PROTECT, related_name="visits"
    )
    participants = models.ManyToManyField(
        "org.Person", verbose_name=_("people who went"), related_name="visits_joined", blank=True
    )
    other_participants = models.CharField(_("other people who went"), max_length=500, blank=True)
    localities = models.ManyToManyField(
        "org.AdministrativeUnit", verbose_name=_("localities visited"), related_name="visits", blank=True
    )
    agencies = models.ManyToManyField(
        "org.Agency", verbose_name=_("units visited"), related_name="visits", blank=True
    )
    purpose = models.CharField(_("purpose"), max_length=500)
    agenda = models.TextField(_("agenda"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(
        _("status"), max_length=20, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    # How many kinds of speaker were heard (ý kiến nhiều chiều): kept by the opinions' services.
    sides_heard = models.PositiveSmallIntegerField(_("sides heard"), default=0, editable=False)
    # The briefing prepared beforehand, as figures and lines taken from Cơ Sở's own data when it was made.
    briefing = models.JSONField(_("briefing"), default=dict, blank=True)
    briefing_at = models.DateTimeField(_("briefing prepared at"), null=True, blank=True)
    findings = models.TextField(_("what was found"), blank=True)
    results = models.TextField(_("results"), blank=True)
    carried_out_at = models.DateTimeField(_("carried out at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    search_text = models.CharField(max_length=400, editable=False, default="")

    class Meta:
        verbose_name = _("field visit")
        verbose_name_plural = _("field visits")
        indexes = [
            models.Index(fields=["organization", "starts_at"], name="fieldwork_visit_org_start"),
            models.Index(fields=["leader", "starts_at"], name="fieldwork_visit_leader_start"),
            # The visits that heard only one side.
            models.Index(fields=["organization", "sides_heard", "status"], name="fieldwork_visit_org_sides"),
        ]

    def __str__(self):
        return _("Visit of {date}: {purpose}").format(
            date=self.starts_at.strftime("%d/%m/%Y"), purpose=self.purpose
        )

    def refresh_derived(self):
        self.search_text = fold(self.purpose)[:400]

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("fieldwork:visit_detail", args=[self.pk])


class Opinion(CoreModel):
    """An opinion heard on a visit (ý kiến): who spoke, on what topic, what kind, and what was said."""

    scope = ScopeSpec(
        people=("visit__leader",), more_agencies=("visit__agencies",), confidential_via=("visit",)
    )

    organization = models.ForeignKey(
        "org.PartyCommittee", verbose_name=_("organisation"), on_delete=models.PROTECT
    )
    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="opinions"
    )
    speaker_kind = models.CharField(_("speaker"), max_length=20, choices=SpeakerKind.choices)
    speaker_name = models.CharField(_("speaker's name"), max_length=200, blank=True)
    topic = models.ForeignKey(
        "org.Field",
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind of opinion"), max_length=20, choices=OpinionKind.choices)
    content = models.TextField(_("content"))
    # Where it was said (one of the visit's localities), and when: copied so that search filters need no join.
    locality = models.ForeignKey(
        "org.AdministrativeUnit",
        verbose_name=_("locality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    heard_on = models.DateField(_("heard on"))
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The folded content and speaker's name: what the text index searches (no diacritics, đ as d).
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        indexes = [
            models.Index(fields=["organization", "heard_on"], name="fieldwork_opinion_org_heard"),
            models.Index(fields=["locality", "heard_on"], name="fieldwork_opinion_locality"),
            # The live opinions by day, which a search with many matches walks (fieldwork.selectors.visits).
            models.Index(fields=["organization", "archived_at", "heard_on"], name="fieldwork_opinion_live"),
        ]

    def __str__(self):
        return self.content[:80]

    def refresh_derived(self):
        self.search_text = fold(f"{self.content} {self.speaker_name}")

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)
