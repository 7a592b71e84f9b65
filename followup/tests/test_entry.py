"""What the follow-up forms propose and accept, the same on the page, in the API and in the services: default
deadlines on working days, a follow-up directive written by the leader and named once by its source, days
that have happened, long texts within their limits and folded on the pages, and a notice's items in their
number order."""

import datetime as dt
import importlib
import io

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation
from openpyxl import Workbook

from core.exports import read_rows
from core.validators import LONG_TEXT
from followup import services
from followup.choices import SourceKind, Verdict
from followup.importers import import_directives
from followup.models import ConclusionNotice, Directive, Obstacle, ProgressReport

D = dt.date
API = "/api/v1/followup"
# 16:00 on Wednesday 02/12/2026 in Hanoi: thirty days later is New Year's Day 2027.
DEC_2 = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def december_2():
    with time_machine.travel(DEC_2, tick=False):
        yield


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def vi(msgid: str) -> str:
    with translation.override("vi"):
        return translation.gettext(msgid)


@pytest.fixture
def directive(hanoi, office, in_charge, construction):
    return services.directive_create(
        actor=office,
        organization=hanoi,
        number="15-TB/TU – mục 1",
        content="Hoàn thành bồi thường 12 hộ tuyến phố Hàng Bài.",
        issued_by=in_charge.person,
        issued_on=D(2026, 9, 1),
        lead_unit=construction,
        deadline=D(2026, 10, 30),
        source_kind=SourceKind.OTHER,
    )


# --- 1. default deadlines land on working days ---------------------------------------------------------


def test_a_follow_ups_default_deadline_is_a_working_day_on_the_form_and_in_the_service(directive, in_charge):
    check = directive.resupervisions.get()
    page = signed_in(in_charge).get(f"/followup/resupervisions/{check.pk}/record/").content.decode()
    # 02/12/2026 plus COSO_FOLLOW_UP_DAYS (30) is 01/01/2027, a holiday: proposed is Monday 04/01/2027.
    assert 'name="follow_up_deadline" value="04/01/2027"' in page
    check = services.resupervision_record(
        actor=in_charge,
        check=check,
        verdict=Verdict.PARTLY,
        method="on_site",
        checked_on=D(2026, 12, 1),
        evidence="Còn 2 hộ.",
        follow_up_content="Bàn giao nốt 2 hộ.",
    )
    assert check.follow_up.deadline == D(2027, 1, 4)
    # Its re-supervision: 30 days after that deadline is Wednesday 03/02/2027, a working day before Tết.
    assert check.follow_up.resupervisions.get().due_on == D(2027, 2, 3)


def test_a_re_supervision_due_in_tet_falls_due_after_it(hanoi, office, in_charge, construction):
    directive = services.directive_create(
        actor=office,
        organization=hanoi,
        content="Báo cáo kết quả.",
        issued_by=in_charge.person,
        lead_unit=construction,
        deadline=D(2027, 1, 7),  # plus 30 days: Saturday 06/02/2027, in Tết
        source_kind=SourceKind.OTHER,
    )
    assert directive.resupervisions.get().due_on == D(2027, 2, 11)


# --- 2. a follow-up: written by the leader, its source named once ------------------------------------


def test_the_follow_up_content_is_the_leaders_own_and_required(directive, in_charge):
    check = directive.resupervisions.get()
    client = signed_in(in_charge)
    page = client.get(f"/followup/resupervisions/{check.pk}/record/").content.decode()
    # Empty, with the earlier directive beside it for reference.
    assert '<textarea name="follow_up_content"' in page and "Hoàn thành chỉ đạo:" not in page
    start = page.index('data-testid="earlier-directive"')
    assert "Hoàn thành bồi thường 12 hộ tuyến phố Hàng Bài." in page[start : start + 800]
    data = {"verdict": "partly", "method": "on_site", "checked_on": "01/12/2026", "evidence": "Còn 2 hộ."}
    refused = client.post(f"/followup/resupervisions/{check.pk}/record/", data)
    assert refused.status_code == 200
    assert refused.context["form"].errors["follow_up_content"] == [
        vi("Write the follow-up directive: what the unit must still do.")
    ]
    api = client.post(
        f"{API}/resupervisions/{check.pk}/record",
        {**data, "checked_on": "2026-12-01"},
        content_type="application/json",
    )
    assert api.status_code == 422 and set(api.json()["errors"]) == {"follow_up_content"}
    with pytest.raises(ValidationError) as refused:
        services.resupervision_record(
            actor=in_charge, check=check, verdict=Verdict.NOT_IMPLEMENTED, method="on_site",
            checked_on=D(2026, 12, 1), evidence="Chưa làm.", follow_up_content="   ",
        )  # fmt: skip
    assert set(refused.value.message_dict) == {"follow_up_content"}
    assert not Directive.objects.filter(parent=directive).exists()
    # An implemented verdict needs none.
    done = client.post(
        f"/followup/resupervisions/{check.pk}/record/",
        {**data, "verdict": "implemented", "evidence": "Xong."},
    )
    assert done.status_code == 302


def test_a_follow_ups_source_reads_tai_giam_sat_once_on_the_page_in_the_api_and_the_export(
    directive, in_charge, office
):
    check = services.resupervision_record(
        actor=in_charge,
        check=directive.resupervisions.get(),
        verdict=Verdict.PARTLY,
        method="on_site",
        checked_on=D(2026, 12, 1),
        evidence="Còn 2 hộ.",
        follow_up_content="Bàn giao nốt 2 hộ.",
    )
    follow_up = check.follow_up
    assert follow_up.content == "Bàn giao nốt 2 hộ."
    assert (
        follow_up.source_label
        == str(directive)
        == "15-TB/TU – mục 1: Hoàn thành bồi thường 12 hộ tuyến phố Hàng Bài."
    )
    client = signed_in(office)
    with translation.override("vi"):
        page = client.get(follow_up.get_absolute_url()).content.decode()
    start = page.index('data-testid="directive-source"')
    source = page[start : page.index("</dd>", start)]
    assert source.count("Tái giám sát") == 1 and str(directive) in source
    api = client.get(f"{API}/directives/{follow_up.pk}").json()["source"]
    assert api["kind_label"] == "tái giám sát" and api["label"] == str(directive)
    with translation.override("vi"):
        rows = read_rows(client.get(f"/followup/directives/export.xlsx?parent={directive.pk}").content)
    [row] = rows
    assert row["Nguồn"] == "tái giám sát" and "Tái giám sát" not in row["Văn bản nguồn"]


def test_the_migration_names_existing_follow_ups_sources_once(directive):
    Directive.objects.filter(pk=directive.pk).update(
        source_kind=SourceKind.RESUPERVISION, source_label="Tái giám sát: 15-TB/TU – mục 1: Hoàn thành"
    )
    migration = importlib.import_module("followup.migrations.0003_directive_sort_key")
    Directive.objects.filter(pk=directive.pk).update(sort_key="")
    migration.fill(apps, None)
    directive.refresh_from_db()
    assert directive.source_label == "15-TB/TU – mục 1: Hoàn thành"
    assert directive.sort_key != ""


# --- 3. a day that has happened is not in the future: one rule ----------------------------------------


def test_an_obstacle_raised_tomorrow_is_refused_like_a_check_dated_tomorrow(
    hanoi, hk, office, directive, in_charge
):
    message = vi("The date cannot be in the future: today is {today}.").format(today="02/12/2026")
    client = signed_in(office)
    form = {
        "title": "Vướng mặt bằng",
        "description": "Còn 12 hộ.",
        "category": "site_clearance",
        "resolution_level": "standing_committee",
        "locality": hk.pk,
        "raised_in": "report",
        "raised_on": "03/12/2026",
    }
    response = client.post("/followup/obstacles/new/", form)
    assert response.status_code == 200 and response.context["form"].errors["raised_on"] == [message]
    api = client.post(
        f"{API}/obstacles/",
        {
            "title": "Vướng mặt bằng",
            "description": "Còn 12 hộ.",
            "category": "site_clearance",
            "resolution_level": "standing_committee",
            "locality_code": hk.code,
            "raised_on": "2026-12-03",
        },
        content_type="application/json",
    )
    assert api.status_code == 422 and api.json()["errors"] == {"raised_on": [message]}
    check = directive.resupervisions.get()
    record = signed_in(in_charge).post(
        f"/followup/resupervisions/{check.pk}/record/",
        {"verdict": "implemented", "method": "on_site", "checked_on": "03/12/2026", "evidence": "Xong."},
    )
    assert record.context["form"].errors["checked_on"] == [message]
    assert not Obstacle.objects.exists()
    # Today is allowed, and today is Hanoi's: at 06:30 on 03/12 in Hanoi, UTC still reads 02/12.
    with time_machine.travel(dt.datetime(2026, 12, 2, 23, 30, tzinfo=dt.UTC), tick=False):
        assert client.post("/followup/obstacles/new/", form).status_code == 302


def test_the_services_refuse_every_day_that_has_not_happened(
    obstacle_for_moves, office, directive, in_charge
):
    tomorrow = D(2026, 12, 3)
    with pytest.raises(ValidationError) as refused:
        services.obstacle_move(
            actor=office, obstacle=obstacle_for_moves, status="escalated", version=1, on=tomorrow
        )
    assert set(refused.value.message_dict) == {"on"}
    with pytest.raises(ValidationError) as refused:
        services.notice_create(
            actor=office, organization=directive.organization, number="9-TB/TU", issued_on=tomorrow, title="x"
        )
    assert set(refused.value.message_dict) == {"issued_on"}
    with pytest.raises(ValidationError) as refused:
        services.directive_update(
            actor=office, directive=directive, version=directive.version, issued_on=tomorrow
        )
    assert set(refused.value.message_dict) == {"issued_on"}


@pytest.fixture
def obstacle_for_moves(hanoi, hk, office):
    return services.obstacle_create(
        actor=office,
        organization=hanoi,
        title="Vướng mặt bằng",
        description="Còn 12 hộ.",
        category="site_clearance",
        resolution_level="standing_committee",
        locality=hk,
        raised_on=D(2026, 11, 2),
    )


# --- 4. long texts have a limit, and fold on the page ----------------------------------------------------


def test_a_36000_character_progress_report_is_refused_everywhere(directive, construction_focal):
    text = ("Đã chi trả tiền bồi thường. " * 1300).strip()  # about 36,000 characters
    assert len(text) > 36_000
    client = signed_in(construction_focal)
    page = client.post(
        f"/followup/directives/{directive.pk}/report/", {"text": text, "version": directive.version}
    )
    assert page.status_code == 200
    with translation.override("vi"):
        assert page.context["report_form"].errors["text"] == [
            f"Tối đa 5.000 ký tự; văn bản này có {len(text):,} ký tự.".replace(",", ".")
        ]
    api = client.post(
        f"{API}/directives/{directive.pk}/progress",
        {"text": text, "version": directive.version},
        content_type="application/json",
    )
    assert api.status_code == 422 and list(api.json()["errors"]) == ["text"]
    assert "5.000" in api.json()["errors"]["text"][0]
    with pytest.raises(ValidationError) as refused:
        services.directive_report_progress(
            actor=construction_focal, directive=directive, version=directive.version, text=text
        )
    assert set(refused.value.message_dict) == {"text"}
    assert not ProgressReport.objects.exists()
    # At the limit, it is accepted.
    services.directive_report_progress(
        actor=construction_focal, directive=directive, version=directive.version, text="x" * LONG_TEXT
    )


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda s, o, d, long: s.obstacle_create(
            actor=o, organization=d.organization, title="x", description=long, category="other",
            resolution_level="commune", agency=d.lead_unit,
        ), "description"),
        (lambda s, o, d, long: s.directive_update(actor=o, directive=d, version=d.version, content=long),
         "content"),
        (lambda s, o, d, long: s.notice_create(
            actor=o, organization=d.organization, number="9-TB/TU", issued_on=D(2026, 12, 1), title="x",
            summary=long * 2,
        ), "summary"),
        (lambda s, o, d, long: s.resupervision_record(
            actor=o, check=d.resupervisions.get(), verdict="implemented", method="on_site",
            checked_on=D(2026, 12, 1), evidence=long,
        ), "evidence"),
    ],
)  # fmt: skip
def test_every_long_text_has_its_limit_in_the_services(directive, office, call, field):
    with pytest.raises(ValidationError) as refused:
        call(services, office, directive, "x" * (LONG_TEXT + 1))
    assert set(refused.value.message_dict) == {field}


def test_an_imported_content_over_the_limit_is_refused_by_cell(hanoi, office, in_charge, construction):
    notice = services.notice_create(
        actor=office, organization=hanoi, number="15-TB/TU", issued_on=D(2026, 11, 2), title="Kết luận"
    )
    wb = Workbook()
    ws = wb.active
    ws.append(["Số hiệu", "Nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời hạn", "Lãnh đạo chỉ đạo"])
    ws.append(["1", "x" * (LONG_TEXT + 1), construction.code, "", "31/12/2026", in_charge.person.full_name])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "chi-dao.xlsx"
    result = import_directives(actor=office, notice=notice, file=out)
    assert [e.column for e in result.errors] == ["B (Nội dung)"] and not result.created


def test_a_long_description_folds_on_the_obstacle_page(hanoi, hk, office):
    long = ("Còn 12 hộ chưa nhận tiền bồi thường, nhà thầu thiếu mặt bằng thi công liên tục. " * 60).strip()
    obstacle = services.obstacle_create(
        actor=office, organization=hanoi, title="Vướng mặt bằng", description=long, category="other",
        resolution_level="commune", locality=hk,
    )  # fmt: skip
    with translation.override("vi"):
        page = signed_in(office).get(obstacle.get_absolute_url()).content.decode()
    start = page.index('data-testid="obstacle-description"')
    block = page[start : page.index("</details>", start)]
    assert '<details class="long-text"' in block and "Xem thêm" in block and "Thu gọn" in block
    assert long in block  # whole, folded under the first lines


# --- 5. a notice's items in their number order -----------------------------------------------------------


def test_a_notices_items_are_in_number_order_on_the_page_in_the_api_and_the_export(
    hanoi, office, in_charge, construction
):
    notice = services.notice_create(
        actor=office, organization=hanoi, number="214-TB/TU", issued_on=D(2026, 11, 2), title="Kết luận"
    )
    # Entered in the order 4, 3, 1, 2, 10, 5, and due in that order too; one without a reference.
    for item, due in ((4, 5), (3, 6), (1, 7), (2, 8), (10, 9), (5, 10), (None, 4)):
        services.directive_create(
            actor=office,
            organization=hanoi,
            number=f"214-TB/TU – mục {item}" if item else "",
            content=f"Nội dung mục {item}",
            issued_by=in_charge.person,
            issued_on=D(2026, 11, 2),
            lead_unit=construction,
            deadline=D(2026, 12, due),
            source_kind=SourceKind.CONCLUSION_NOTICE,
            source=notice,
        )
    expected = [f"214-TB/TU – mục {n}" for n in (1, 2, 3, 4, 5, 10)] + [""]
    client = signed_in(office)
    page = client.get(f"/followup/notices/{notice.pk}/")
    assert [d.number for d in page.context["page"]] == expected
    listed = client.get(f"/followup/directives/?notice={notice.pk}")
    assert [d.number for d in listed.context["page"]] == expected
    api = client.get(f"{API}/directives/?notice={notice.pk}").json()["items"]
    assert [d["number"] for d in api] == expected
    with translation.override("vi"):
        rows = read_rows(client.get(f"/followup/directives/export.xlsx?notice={notice.pk}").content)
    assert [row["Số hiệu"] or "" for row in rows] == expected
    # Asked for, the deadline order still holds.
    by_deadline = client.get(f"/followup/directives/?notice={notice.pk}&sort=deadline")
    assert [d.deadline.day for d in by_deadline.context["page"]] == [4, 5, 6, 7, 8, 9, 10]
    assert ConclusionNotice.objects.get(pk=notice.pk).directives.count() == 7
