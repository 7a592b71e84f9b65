"""The toolkit's generic views: the write gate, post → service → field errors or conflict → message →
redirect (the import view is tested with the imports, in test_imports.py). Exercised with plain functions in
place of an app's services."""

from types import SimpleNamespace

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from core.errors import ConflictError
from core.testing import count_queries
from core.toolkit import ObjectActionView, ObjectFormView, can_write


class Record(SimpleNamespace):
    def get_absolute_url(self):
        return f"/records/{self.pk}/"


RECORD = Record(pk=7, name="Old", version=3)
calls = []


def get_record(*, user, pk, action="view"):
    if pk != RECORD.pk:
        raise Http404
    return RECORD


def record_rename(*, actor, record, version, name):
    calls.append(("rename", record.pk, version, name))
    if name == "taken":
        raise ValidationError({"name": ["This name is taken."]})
    if version != record.version:
        raise ConflictError("Stale")
    return Record(pk=record.pk, name=name, version=version + 1)


def record_archive(*, actor, record, version):
    calls.append(("archive", record.pk, version))
    if version != record.version:
        raise ConflictError("Stale")


class NameForm(forms.Form):
    name = forms.CharField()
    version = forms.IntegerField(required=False)


class Rename(ObjectFormView):
    permission = can_write
    gate = get_record
    form_class = NameForm
    initial_fields = ("name", "version")
    success_message = "Renamed"

    def update(self, request, record, data, version):
        return record_rename(actor=request.user, record=record, version=version, **data)

    def render_form(self, request, obj, form):
        return HttpResponse(form.errors.as_json(), status=200)


class Archive(ObjectActionView):
    permission = can_write
    gate, service, object_argument = get_record, record_archive, "record"


def _post(user, data, files=None):
    request = RequestFactory().post("/", data={**data, **(files or {})})
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _messages(request):
    return [str(m) for m in get_messages(request)]


@pytest.fixture(autouse=True)
def _reset():
    calls.clear()


def test_a_form_view_calls_the_service_and_redirects_with_a_message(office):
    request = _post(office, {"name": "New", "version": "3"})
    response = Rename.as_view()(request, pk=7)
    assert (response.status_code, response["Location"]) == (302, "/records/7/")
    assert calls == [("rename", 7, 3, "New")]
    assert _messages(request) == ["Renamed"]


def test_a_form_view_shows_the_service_s_field_errors_and_conflicts(office):
    response = Rename.as_view()(_post(office, {"name": "taken", "version": "3"}), pk=7)
    assert response.status_code == 200
    assert "This name is taken." in response.content.decode()
    response = Rename.as_view()(_post(office, {"name": "New", "version": "2"}), pk=7)
    assert response.content == b'{"__all__": [{"message": "Stale", "code": ""}]}'


def test_writes_answer_404_to_viewers_and_to_missing_records(office, viewer):
    with pytest.raises(Http404):
        Rename.as_view()(_post(viewer, {"name": "New", "version": "3"}), pk=7)
    with pytest.raises(Http404):
        Archive.as_view()(_post(viewer, {"version": "3"}), pk=7)
    with pytest.raises(Http404):
        Archive.as_view()(_post(office, {"version": "3"}), pk=8)
    assert calls == []


def test_an_action_view_shows_a_conflict_as_an_error_and_redirects(office):
    request = _post(office, {"version": "1"})
    response = Archive.as_view()(request, pk=7)
    assert (response.status_code, response["Location"]) == (302, "/records/7/")
    assert calls == [("archive", 7, 1)]
    assert _messages(request) == ["Stale"]


def test_the_write_gate_asks_without_querying(office, viewer):
    assert count_queries(lambda: (can_write(office), can_write(viewer))) == 0
    assert (can_write(office), can_write(viewer)) == (True, False)
