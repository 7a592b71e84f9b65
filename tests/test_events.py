"""Typed audit events: a kind and its parameters are stored, and the sentence is written when read, in
the reader's language; events stored before kinds existed still read; a page of events costs a query per
model it names, not a query per event."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from accounts.choices import Role
from core import audit, events
from core.models import AuditAction, AuditEvent
from core.services import attachment_add
from core.testing import count_queries
from org.models import Person
from org.services import person_create

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _pdf(name: str, size: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF + b" " * (size - len(PDF)), content_type="application/pdf")


@pytest.fixture
def tam(make_user, hanoi):
    return make_user(Role.OFFICE, hanoi, "thanhtam", full_name="Âu Thị Thanh Tâm")


def _event(**kwargs) -> AuditEvent:
    return AuditEvent.objects.select_related("actor", "content_type").get(pk=audit.record(**kwargs).pk)


def test_the_same_stored_event_reads_in_the_readers_language(hanoi, tam):
    person = person_create(actor=tam, organization=hanoi, full_name="Nguyễn Văn A")
    event = _event(actor=tam, action=AuditAction.ARCHIVE, instance=person, kind="", params={})
    with translation.override("vi"):
        assert events.sentence(event) == "Âu Thị Thanh Tâm lưu trữ cán bộ"
    with translation.override("en"):
        assert events.sentence(event) == "Âu Thị Thanh Tâm archived the person"
    assert event.params == {} and event.note == ""  # nothing translated was stored


def test_an_attachment_reads_with_its_size_in_kb_with_a_decimal_comma(hanoi, tam):
    person = person_create(actor=tam, organization=hanoi, full_name="Nguyễn Văn A")
    attachment = attachment_add(
        actor=tam, organization=hanoi, instance=person, upload=_pdf("anh-hien-truong.pdf", 24254)
    )
    [event] = audit.history_for(attachment)
    assert (event.kind, event.params) == ("attachment.added", {"name": "anh-hien-truong.pdf", "size": 24254})
    with translation.override("vi"):
        assert events.sentence(event) == "Đính kèm anh-hien-truong.pdf (23,7 KB)"
        [row] = audit.timeline([event])
    with translation.override("en"):
        assert events.sentence(event) == "Attached anh-hien-truong.pdf (23.7 KB)"
    # The sentence names the file and its size: the timeline does not repeat them, but names the actor.
    assert row.changes == [] and row.names_actor is False


@pytest.mark.parametrize(
    ("size", "vi", "en"),
    [
        (512, "512 B", "512 B"),
        (24254, "23,7 KB", "23.7 KB"),
        (3_250_000, "3,1 MB", "3.1 MB"),
        (None, "—", "—"),
    ],
)
def test_file_sizes_are_written_for_people(size, vi, en):
    with translation.override("vi"):
        assert events.filesize(size) == vi
    with translation.override("en"):
        assert events.filesize(size) == en


def test_an_event_stored_without_a_kind_still_reads_by_its_action(hanoi, tam):
    person = person_create(actor=tam, organization=hanoi, full_name="Nguyễn Văn A")
    # As the trail stored events before kinds existed: no kind, no params, a note written in prose.
    old = AuditEvent(
        actor=tam,
        action=AuditAction.UPDATE,
        content_type=audit.history_for(person).first().content_type,
        object_id=str(person.pk),
        object_repr=str(person),
        changes={"position": ["", "Bí thư"]},
        note="Đã cập nhật chức vụ",
    )
    old.save()
    event = AuditEvent.objects.select_related("actor", "content_type").get(pk=old.pk)
    assert (event.kind, event.params) == ("", {})
    with translation.override("vi"):
        [row] = audit.timeline([event])
        assert row.sentence == "Âu Thị Thanh Tâm cập nhật cán bộ"
    assert [(c.field, c.before, c.after) for c in row.changes] == [("position", "—", "Bí thư")]
    client = Client()
    client.force_login(tam)
    page = client.get(f"/history/{event.content_type_id}/{person.pk}/").content.decode()
    assert "Âu Thị Thanh Tâm cập nhật cán bộ" in page and "Đã cập nhật chức vụ" in page


def test_a_kind_no_app_registers_reads_by_its_action(hanoi, tam):
    person = person_create(actor=tam, organization=hanoi, full_name="Nguyễn Văn A")
    event = _event(actor=tam, action=AuditAction.RESTORE, instance=person, kind="nobody.knows_me")
    with translation.override("en"):
        assert events.sentence(event) == "Âu Thị Thanh Tâm restored the person"


def test_a_sentence_names_the_records_its_params_point_at_loaded_once_per_model(hanoi, tam):
    events.register(
        "test.named", "{actor} named {person}", refs={"person": "org.Person"}
    )  # a kind as an app registers it
    people = [person_create(actor=tam, organization=hanoi, full_name=f"Đồng chí {n}") for n in range(5)]
    stored = [
        _event(actor=tam, action=AuditAction.UPDATE, instance=p, kind="test.named", params={"person": p.pk})
        for p in people
    ]
    stored.append(_event(actor=tam, action=AuditAction.UPDATE, kind="test.named", params={"person": 99999}))
    rows = []
    queries = count_queries(lambda: rows.extend(audit.timeline(stored)))
    assert [row.sentence for row in rows] == [
        *(f"Âu Thị Thanh Tâm named Đồng chí {n}" for n in range(5)),
        "Âu Thị Thanh Tâm named #99999",
    ]
    assert queries == 1  # the people, in one query; actors and record kinds came with the events
    assert Person.objects.count() >= 5


def test_the_system_acts_when_nobody_is_signed_in(hanoi):
    event = _event(
        actor=None, action=AuditAction.IMPORT, kind="units.imported", params={"created": 3, "renamed": 1}
    )
    with translation.override("vi"):
        assert (
            events.sentence(event)
            == "Hệ thống nhập danh mục đơn vị hành chính: 3 đơn vị mới, 1 đơn vị đổi tên"
        )
    with translation.override("en"):
        assert events.sentence(event) == "System imported the administrative units: 3 new, 1 renamed"


def test_the_history_page_reads_in_sentences_with_the_changes_one_click_away(hanoi, tam):
    person = person_create(actor=tam, organization=hanoi, full_name="Nguyễn Văn A")
    client = Client()
    client.force_login(tam)
    ct = audit.history_for(person).first().content_type_id
    page = client.get(f"/history/{ct}/{person.pk}/").content.decode()
    assert "Âu Thị Thanh Tâm tạo cán bộ" in page
    sentence_at = page.index("Âu Thị Thanh Tâm tạo cán bộ")
    details_at = page.index("<details", sentence_at)
    assert page.index("Nguyễn Văn A", details_at) > details_at  # the stored name sits inside the disclosure
    client.cookies["django_language"] = "en"
    assert "Âu Thị Thanh Tâm created the person" in client.get(f"/history/{ct}/{person.pk}/").content.decode()
