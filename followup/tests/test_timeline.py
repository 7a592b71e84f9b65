"""The follow-up detail pages read their timeline in sentences, in the reader's language; the services
store kinds and parameters, not prose; more events do not cost more queries."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import translation

from core import audit, events
from core.testing import assert_flat_queries
from followup import services
from followup.choices import SourceKind

D = dt.date


def client_for(user, language: str | None = None) -> Client:
    client = Client()
    client.force_login(user)
    if language:
        client.cookies["django_language"] = language
    return client


def _sentences(page: str) -> list[str]:
    start = page.index('data-testid="timeline"')
    return re.findall(r'data-testid="event-sentence">([^<]*)<', page[start:])


@pytest.fixture
def obstacle(hanoi, office, in_charge, hk):
    return services.obstacle_create(
        actor=office,
        organization=hanoi,
        title="Vướng mặt bằng tuyến phố Hàng Bài",
        description="Còn 12 hộ chưa nhận tiền bồi thường.",
        category="site_clearance",
        resolution_level="standing_committee",
        locality=hk,
        raised_by=in_charge.person,
        raised_in="supervision_session",
        raised_on=D(2026, 3, 2),
    )


@pytest.fixture
def directive(hanoi, office, in_charge, construction, finance):
    return services.directive_create(
        actor=office,
        organization=hanoi,
        content="Rà soát hồ sơ.",
        issued_by=in_charge.person,
        lead_unit=construction,
        cooperating_units=[finance],
        issued_on=D(2026, 1, 2),
        deadline=D(2026, 1, 31),
        source_kind=SourceKind.OTHER,
    )


def test_the_obstacle_page_reads_its_escalation_in_sentences(obstacle, office):
    services.obstacle_escalate(actor=office, obstacle=obstacle, version=1)
    page = client_for(office).get(obstacle.get_absolute_url()).content.decode()
    assert _sentences(page) == [
        "Người dùng vanphong báo cáo khó khăn, vướng mắc lên Ban Thường vụ",
        "Người dùng vanphong ghi nhận khó khăn, vướng mắc",
    ]
    english = client_for(office, "en").get(obstacle.get_absolute_url()).content.decode()
    assert _sentences(english)[0] == "Người dùng vanphong escalated the obstacle to the Standing Committee"
    [event] = audit.history_for(obstacle).filter(kind="obstacle.escalated")
    assert event.params == {"from": "new", "to": "escalated", "verdict": ""}


def test_progress_and_completion_are_stored_as_kinds_not_prose(directive, construction_focal):
    services.directive_report_progress(
        actor=construction_focal, directive=directive, version=directive.version, text="Đã rà 40 hồ sơ."
    )
    directive.refresh_from_db()
    report = services.directive_report_progress(
        actor=construction_focal,
        directive=directive,
        version=directive.version,
        text="Xong.",
        claims_done=True,
    )
    done, progress = audit.history_for(directive).filter(
        kind__in=["directive.progress_reported", "directive.completion_reported"]
    )
    assert (done.kind, done.params, done.note) == ("directive.completion_reported", {"report": report.pk}, "")
    assert (progress.kind, progress.note) == ("directive.progress_reported", "")
    with translation.override("vi"):
        assert events.sentence(done).endswith(" báo cáo đã hoàn thành")
    with translation.override("en"):
        assert events.sentence(progress).endswith(" reported progress")


def test_the_directive_page_shows_cooperating_units_by_name_in_the_disclosure(directive, office, finance):
    page = client_for(office).get(directive.get_absolute_url()).content.decode()
    timeline = page[page.index('data-testid="timeline"') :]
    assert "Người dùng vanphong thay đổi đơn vị phối hợp" in timeline
    assert finance.name in timeline[timeline.index("<details") :]


def test_a_verdict_closes_the_directive_and_reads_in_the_readers_language(directive, office):
    services.resupervision_record(
        actor=office,
        check=directive.resupervisions.get(),
        verdict="implemented",
        method="documents",
        checked_on=D(2026, 2, 10),
        evidence="Biên bản kiểm tra.",
    )
    [closed] = audit.history_for(directive).filter(kind="directive.closed")
    assert (closed.params, closed.note) == ({"verdict": "implemented"}, "")
    with translation.override("en"):
        assert events.sentence(closed) == (
            "Người dùng vanphong closed the directive: re-supervision found it implemented"
        )


def test_the_directive_page_costs_the_same_queries_with_more_events(directive, office, construction_focal):
    client = client_for(office)

    def load():
        assert client.get(directive.get_absolute_url()).status_code == 200

    def grow():
        for n in range(3):
            directive.refresh_from_db()
            services.directive_report_progress(
                actor=construction_focal, directive=directive, version=directive.version, text=f"Lần {n}."
            )

    grow()
    load()  # warm the caches
    assert_flat_queries(load, grow)
    assert len(_sentences(client.get(directive.get_absolute_url()).content.decode())) >= 8
