"""References to other records, on the pages and in the API, only for those who may see them.

The case of the issue: a follow-up directive reaches the ward's focal point (hoankiem), while the obstacle it
started from, the directive it follows up and the check that spawned it are out of the ward's reach.
"""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from conftest import BA_DINH, unit
from core import references
from core.scoping import reach_of
from core.testing import count_queries
from followup import services
from followup.choices import SourceKind, Verdict
from followup.models import Directive, Obstacle, ReSupervision

D = dt.date
API = "/api/v1/followup"
OUT_OF_REACH = "một mục ngoài phạm vi"
OBSTACLE_TITLE = "Vướng mặt bằng nút giao Kim Mã"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
@time_machine.travel(dt.datetime(2026, 6, 5, 9, 0, tzinfo=dt.UTC), tick=False)
def chain(hanoi, office, leader_user, construction, hoan_kiem_agency, hk):
    """Obstacle (Ba Đình) → directive to the Department of Construction → check, partly → follow-up, which
    the office hands to the Hoàn Kiếm ward."""
    ba_dinh = unit(BA_DINH)
    obstacle = services.obstacle_create(
        actor=office,
        organization=hanoi,
        title=OBSTACLE_TITLE,
        description="Còn 3 hộ.",
        category="site_clearance",
        resolution_level="standing_committee",
        locality=ba_dinh,
        raised_on=D(2026, 3, 2),
    )
    obstacle, first = services.obstacle_assign(
        actor=office,
        obstacle=obstacle,
        version=obstacle.version,
        responsible_agency=construction,
        deadline=D(2026, 4, 30),
        issued_by=leader_user.person,
        directive_content="Hoàn thành bồi thường nút giao Kim Mã.",
        on=D(2026, 3, 10),
    )
    check = services.resupervision_record(
        actor=office,
        check=first.resupervisions.get(),
        verdict=Verdict.PARTLY,
        method="on_site",
        checked_on=D(2026, 6, 1),
        evidence="Còn 1 hộ.",
        follow_up_content="Bồi thường nốt hộ còn lại.",
    )
    follow_up = check.follow_up
    follow_up = services.directive_update(
        actor=office, directive=follow_up, version=follow_up.version, lead_unit=hoan_kiem_agency, locality=hk
    )
    return {"obstacle": obstacle, "first": first, "check": check, "follow_up": follow_up}


def test_the_focal_point_sees_out_of_reach_instead_of_the_chain_it_may_not_open(chain, focal_user):
    follow_up, first, check = chain["follow_up"], chain["first"], chain["check"]
    obstacle = chain["obstacle"]
    response = client_for(focal_user).get(f"/followup/directives/{follow_up.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count(OUT_OF_REACH) >= 3  # the chain's obstacle, the directive followed up, the source check
    assert OBSTACLE_TITLE not in html
    # The parent's content (its title) is not named by the page's references; the timeline, which shows
    # the audit's field values, is left to the typed history events.
    references_part = html.split('data-testid="timeline"')[0]
    assert "Kim Mã" not in references_part
    for record in (obstacle, first, check):
        assert record.get_absolute_url() not in html
    # And they are indeed out of reach: each answers 404.
    client = client_for(focal_user)
    assert [client.get(r.get_absolute_url()).status_code for r in (obstacle, first, check)] == [404] * 3


def test_the_office_sees_the_whole_chain(chain, office):
    follow_up = chain["follow_up"]
    html = client_for(office).get(f"/followup/directives/{follow_up.pk}/").content.decode()
    assert OUT_OF_REACH not in html
    assert OBSTACLE_TITLE in html
    for record in (chain["obstacle"], chain["first"], chain["check"]):
        assert record.get_absolute_url() in html


def test_the_api_gives_no_id_and_no_title_out_of_reach(chain, focal_user, office):
    follow_up, first, check = chain["follow_up"], chain["first"], chain["check"]
    for url in (f"{API}/directives/{follow_up.pk}", f"{API}/directives/?parent={first.pk}"):
        response = client_for(focal_user).get(url)
        assert "Kim Mã" not in response.content.decode()
    body = client_for(focal_user).get(f"{API}/directives/{follow_up.pk}").json()
    assert body["parent_id"] is None
    assert body["parent"] == {"id": None, "label": OUT_OF_REACH}
    assert (body["source"]["id"], body["source"]["label"]) == (None, OUT_OF_REACH)
    listed = client_for(focal_user).get(f"{API}/directives/").json()["items"]
    assert [(d["id"], d["parent_id"], d["source"]["id"]) for d in listed] == [(follow_up.pk, None, None)]
    # The office: the ids and the titles.
    body = client_for(office).get(f"{API}/directives/{follow_up.pk}").json()
    assert body["parent_id"] == first.pk and body["parent"]["id"] == first.pk
    assert body["source"]["id"] == check.pk and body["source"]["label"] == check_label(check)


def check_label(check: ReSupervision) -> str:
    return Directive.objects.get(pk=check.follow_up_id).source_label


def test_a_check_in_reach_does_not_name_the_item_out_of_reach(chain, make_user, hanoi, construction):
    """The resolving agency's focal point sees the obstacle's check but not the Ba Đình obstacle itself
    when it is not the resolving agency any more: the API says so without the id or the title."""
    from accounts.choices import Role

    focal = make_user(Role.FOCAL_POINT, hanoi, "dauMoiSXD", agency=construction)
    obstacle = Obstacle.objects.get(pk=chain["obstacle"].pk)
    check = services.resupervision_schedule(actor=None, obstacle=obstacle, due_on=D(2026, 7, 1))
    Obstacle.objects.filter(pk=obstacle.pk).update(responsible_agency=None)
    body = client_for(focal).get(f"{API}/resupervisions/{check.pk}").json()
    assert (body["obstacle_id"], body["item_label"]) == (None, OUT_OF_REACH)
    listed = client_for(focal).get(f"{API}/resupervisions/").json()["items"]
    assert {(c["id"], c["obstacle_id"]) for c in listed if c["item_kind"] == "obstacle"} == {(check.pk, None)}


def test_references_resolve_in_one_query_per_model(chain, focal_user, office, django_assert_num_queries):
    records = [chain["obstacle"], chain["first"], chain["follow_up"], None]
    reach_of(focal_user), getattr(focal_user, "person", None)  # both computed once per request
    with django_assert_num_queries(2):
        refs = references.resolve(focal_user, records)
    assert [r.visible for r in refs] == [False, False, True, False]
    assert [r.id for r in refs] == [None, None, chain["follow_up"].pk, None]
    assert refs[0].label == str(references.OUT_OF_REACH) and refs[0].url == ""
    assert all(r.visible for r in references.resolve(office, records[:3]))
    assert chain["first"].source_kind == SourceKind.OBSTACLE


def test_the_export_names_no_record_out_of_reach(chain, focal_user, office):
    import io

    from django.utils import translation
    from openpyxl import load_workbook

    def row_of_follow_up(user) -> dict:
        content = client_for(user).get("/followup/directives/export.xlsx").content
        rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(content)).active.iter_rows()]
        with translation.override("vi"):
            source, parent = translation.gettext("Source document"), translation.gettext("Follows up (ID)")
        header = next(r for r in rows if source in r)
        row = next(r for r in rows if "Bồi thường nốt hộ còn lại." in r)
        return {"source": row[header.index(source)], "parent": row[header.index(parent)]}

    assert row_of_follow_up(focal_user) == {"source": OUT_OF_REACH, "parent": None}
    expected = {"source": chain["follow_up"].source_label, "parent": chain["first"].pk}
    assert row_of_follow_up(office) == expected


def test_a_list_checks_its_directives_sources_in_its_own_query_whatever_their_number(
    chain, office, focal_user
):
    """Notices are sources no selector of followup reads: their reach is still checked in the list's own
    query, not once per directive (each directive here has a notice of its own)."""
    organization, first = chain["first"].organization, chain["first"]
    issued = []

    def issue(count):
        for n in range(len(issued), len(issued) + count):
            notice = services.notice_create(
                actor=office,
                organization=organization,
                number=f"{n + 1}-TB/TU",
                issued_on=D(2026, 3, 1),
                title=f"Kết luận số {n + 1}",
            )
            issued.append(notice)
            services.directive_create(
                actor=office,
                organization=organization,
                content=f"Chỉ đạo theo thông báo {notice.number}",
                issued_by=first.issued_by,
                lead_unit=chain["follow_up"].lead_unit,
                issued_on=D(2026, 6, 1),
                deadline=D(2026, 9, 1),
                source_kind=SourceKind.CONCLUSION_NOTICE,
                source=notice,
            )

    def listed(user):
        client = client_for(user)
        client.get(f"{API}/directives/")  # warm the caches (content types, the session)
        return count_queries(lambda: client.get(f"{API}/directives/?page_size=100"))

    issue(2)
    small = {user.username: listed(user) for user in (office, focal_user)}
    issue(20)
    assert {user.username: listed(user) for user in (office, focal_user)} == small
    items = client_for(office).get(f"{API}/directives/?source_kind=conclusion_notice&page_size=100").json()
    assert {(i["source"]["id"], i["source"]["label"]) for i in items["items"]} == {
        (notice.pk, str(notice)) for notice in issued
    }
