"""An integrity race (two reports given the same code at the same moment) is a clean 409 with a clear
message, in the API and on the page: not a 503, not a traceback, and nothing is saved."""

from django.test import Client

from incidents.models import Incident
from incidents.tests.conftest import report
from incidents.tests.test_api import new_incident
from incidents.tests.test_pages import intake

MESSAGE = (
    "Người khác vừa lưu một thay đổi trùng khớp vào cùng thời điểm nên dữ liệu của bạn chưa được lưu. "
    "Hãy tải lại trang và thử lại."
)


def _lose_the_race(monkeypatch, taken: str) -> None:
    """The code counted for the new report is taken by a concurrent one between the validation (which found
    it free) and the insert, which the unique constraint then refuses."""
    monkeypatch.setattr("incidents.services._next_code", lambda organization, year: taken)
    monkeypatch.setattr(Incident, "validate_constraints", lambda self, exclude=None: None)


def test_the_api_answers_409_for_an_integrity_race(hanoi, routed, office, monkeypatch):
    first = report(hanoi, office)
    _lose_the_race(monkeypatch, first.code)
    client = Client()
    client.force_login(office)
    response = client.post("/api/v1/incidents/", new_incident(), content_type="application/json")
    assert response.status_code == 409 and response.json() == {"detail": MESSAGE}
    assert list(Incident.objects.values_list("pk", flat=True)) == [first.pk]


def test_the_page_shows_a_clean_conflict_for_an_integrity_race(hanoi, routed, office, monkeypatch):
    first = report(hanoi, office)
    _lose_the_race(monkeypatch, first.code)
    client = Client(raise_request_exception=False)
    client.force_login(office)
    response = client.post("/incidents/new/", intake())
    body = response.content.decode()
    assert response.status_code == 409 and MESSAGE in body and "Traceback" not in body
    assert list(Incident.objects.values_list("pk", flat=True)) == [first.pk]
