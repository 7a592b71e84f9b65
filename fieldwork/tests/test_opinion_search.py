"""The opinion search: every word, with or without diacritics ("đ" as "d"), through the database's text
index, with the other filters, a capped count, and the same rows in the page, the API and the export."""

import pytest
from django.db import connection
from django.test import Client

from core.testing import assert_same_rows
from fieldwork.choices import OpinionKind, SpeakerKind
from fieldwork.models import Opinion
from fieldwork.selectors import visits as selectors
from fieldwork.services import visits as services

pytestmark = pytest.mark.django_db

SEARCH = {
    "page": "/fieldwork/opinions/",
    "api": "/api/v1/fieldwork/opinions/",
    "export": "/fieldwork/opinions/export/",
}


@pytest.fixture
def opinions(make_visit, office, land):
    visit = make_visit(days_ago=3)
    said = [
        (SpeakerKind.CITIZEN, "Đề nghị sớm đền bù đất đai cho các hộ dân", land),
        (SpeakerKind.BUSINESS, "Thủ tục cấp phép xây dựng còn chậm", None),
        (SpeakerKind.CADRE, "Đường ngõ ngập úng sau mưa", land),
    ]
    return [
        services.opinion_add(
            actor=office,
            visit=visit,
            speaker_kind=speaker,
            kind=OpinionKind.PROPOSAL,
            content=text,
            topic=topic,
        )
        for speaker, text, topic in said
    ]


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_words_are_found_with_or_without_diacritics(opinions, office):
    first, second, third = opinions
    client = login(office)
    for query in ("đền bù", "den bu", "ĐỀN BÙ", "dat dai", "đất"):
        assert assert_same_rows(client, f"q={query}", **SEARCH) == {first.pk}, query
    assert assert_same_rows(client, "q=ngap ung", **SEARCH) == {third.pk}
    assert assert_same_rows(client, "q=duong", **SEARCH) == {third.pk}
    assert assert_same_rows(client, "q=cap phep chậm", **SEARCH) == {second.pk}
    assert assert_same_rows(client, "q=den bu xay dung", **SEARCH) == set()
    assert assert_same_rows(client, "q=ho", **SEARCH) == {first.pk}  # a short word: matched without the index


def test_the_other_filters(opinions, office, land):
    first, second, third = opinions
    client = login(office)
    assert assert_same_rows(client, f"topic={land.pk}", **SEARCH) == {first.pk, third.pk}
    assert assert_same_rows(client, "speaker=business", **SEARCH) == {second.pk}
    day = first.heard_on.strftime("%d/%m/%Y")
    assert assert_same_rows(client, f"from={day}&to={day}", **SEARCH) == {first.pk, second.pk, third.pk}
    assert assert_same_rows(client, f"locality={first.locality_id}&q=dat", **SEARCH) == {first.pk}
    assert client.get("/api/v1/fieldwork/opinions/?speaker=bogus").status_code == 422


def test_the_index_is_the_databases_own(opinions):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM fieldwork_opinion_fts WHERE fieldwork_opinion_fts MATCH '\"den bu\"'"
            )
        else:
            cursor.execute(
                "SELECT count(*) FROM pg_indexes WHERE indexname = 'fieldwork_opinion_search_trgm'"
            )
        assert cursor.fetchone()[0] == 1
    sql = str(selectors.search_opinions(Opinion.objects.all(), "ngập úng").query)
    assert ("fieldwork_opinion_fts" in sql) == (connection.vendor == "sqlite")


def test_the_count_stops_at_the_cap(opinions, office, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    body = login(office).get("/api/v1/fieldwork/opinions/").json()
    assert (body["count"], body["more"]) == (2, True)
    page = login(office).get("/fieldwork/opinions/").content.decode()
    assert "Hơn 2 ý kiến" in page


def test_many_matches_give_the_same_rows_walking_the_opinions_by_day(opinions, office, monkeypatch):
    monkeypatch.setattr(selectors, "MANY_MATCHES", 0)  # every search counts as having many matches
    first, second, _third = opinions
    client = login(office)
    assert assert_same_rows(client, "q=đền bù", **SEARCH) == {first.pk}
    assert assert_same_rows(client, "q=chậm", **SEARCH) == {second.pk}
    sql = str(selectors.search_opinions(Opinion.objects.all(), "ngập úng").query)
    assert ('+"fieldwork_opinion"."id"' in sql) == (connection.vendor == "sqlite")
