"""`coso backup` and `coso restore`: a database and its files round-trip; restore checks before writing."""

import datetime as dt
import json
import zipfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from conftest import HOAN_KIEM, unit
from core import backup
from core.models import AuditEvent
from org.models import PartyCommittee

PDF = b"%PDF-1.7 minutes of the visit"


@pytest.fixture(autouse=True)
def english():
    """The refusals are matched in English here; the last test reads the commands in Vietnamese."""
    with translation.override("en"):
        yield


def dump() -> list[dict]:
    """Every record backup keeps, as the backup serialises them, parsed: the thing a round trip must keep."""
    out = StringIO()
    call_command(
        "dumpdata",
        *[f"--exclude={label}" for label in backup.EXCLUDED],
        natural_foreign=True,
        format="exactjson",
        stdout=out,
    )
    return json.loads(out.getvalue())


def empty_the_database():
    """A freshly migrated database, inside the test's transaction: content types come back under new ids."""
    if connection.vendor == "postgresql":  # TRUNCATE refuses while the test's deferred checks are pending
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", verbosity=0, interactive=False)
    if connection.vendor == "postgresql":  # as a restore's own transaction has them: checked at commit
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "attachments" / "2026").mkdir(parents=True)
    (settings.MEDIA_ROOT / "attachments" / "2026" / "bien-ban.pdf").write_bytes(PDF)
    return settings.MEDIA_ROOT


@pytest.fixture
def world(hanoi, hcmc, office, leader_user, focal_user, assign):
    assign(leader_user.person, unit(HOAN_KIEM), dt.date(2025, 7, 1))


def test_a_database_and_its_files_round_trip(world, media, tmp_path):
    before = dump()
    assert len(before) > 300  # units, organisations, people, users, assignments, their history
    archive = tmp_path / "backup.zip"
    summary = backup.backup(archive)
    assert summary.records == len(before) and summary.files == 1
    exported = AuditEvent.objects.get(action="export", note="coso backup")
    assert exported.changes == {"records": len(before), "files": 1, "file": "backup.zip"}

    empty_the_database()
    (media / "attachments" / "2026" / "bien-ban.pdf").unlink()
    assert PartyCommittee.objects.count() == 0

    restored = backup.restore(archive)
    assert restored.records == len(before) and restored.files == 1
    after = dump()
    restores = [o for o in after if o["model"] == "core.auditevent" and o["fields"]["action"] == "restore"]
    assert len(restores) == 1 and restores[0]["fields"]["changes"]["file"] == "backup.zip"
    assert [o for o in after if o not in restores] == before  # everything else exactly as it was
    assert (media / "attachments" / "2026" / "bien-ban.pdf").read_bytes() == PDF
    assert PartyCommittee.objects.get(code="hanoi").root_unit.code == 1


def test_a_database_that_holds_records_is_refused_and_left_alone(world, media, tmp_path):
    archive = tmp_path / "backup.zip"
    backup.backup(archive)
    before = dump()
    with pytest.raises(backup.BackupError, match="already holds records"):
        backup.restore(archive)
    assert dump() == before


def _rewrite(archive, name: str, change) -> None:
    with zipfile.ZipFile(archive) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts[name] = change(parts.get(name))
    with zipfile.ZipFile(archive, "w") as target:
        for filename, content in parts.items():
            if content is not None:
                target.writestr(filename, content)


def test_a_backup_of_another_migration_state_is_refused(world, tmp_path):
    archive = tmp_path / "backup.zip"
    backup.backup(archive)

    def older(manifest):
        data = json.loads(manifest)
        data["migrations"]["followup"] = "0000_older"
        return json.dumps(data)

    _rewrite(archive, backup.MANIFEST, older)
    empty_the_database()
    with pytest.raises(backup.BackupError, match="followup"):
        backup.restore(archive)
    assert PartyCommittee.objects.count() == 0


def test_a_file_outside_the_media_folder_is_refused_before_anything_is_written(world, media, tmp_path):
    archive = tmp_path / "backup.zip"
    backup.backup(archive)
    _rewrite(archive, "media/../../escaped.txt", lambda _old: b"x")
    empty_the_database()
    with pytest.raises(backup.BackupError, match="outside the media folder"):
        backup.restore(archive)
    assert PartyCommittee.objects.count() == 0
    assert not (tmp_path / "escaped.txt").exists()


def test_an_existing_different_file_is_not_overwritten(world, media, tmp_path):
    archive = tmp_path / "backup.zip"
    backup.backup(archive)
    empty_the_database()
    (media / "attachments" / "2026" / "bien-ban.pdf").write_bytes(b"%PDF another")
    with pytest.raises(backup.BackupError, match="already exists"):
        backup.restore(archive)
    assert (media / "attachments" / "2026" / "bien-ban.pdf").read_bytes() == b"%PDF another"
    assert PartyCommittee.objects.count() == 0


def test_what_is_not_a_backup_is_refused(db, tmp_path):
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    with pytest.raises(backup.BackupError, match="not a Cơ Sở backup"):
        backup.restore(other)
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    with pytest.raises(backup.BackupError, match="cannot be opened"):
        backup.restore(tmp_path / "junk.zip")


def test_the_commands_speak_vietnamese(world, media, tmp_path):
    out = StringIO()
    call_command("backup", output=str(tmp_path / "b.zip"), stdout=out)
    assert "Đã sao lưu" in out.getvalue() and "1 tệp đính kèm" in out.getvalue()
    with pytest.raises(CommandError, match="Cơ sở dữ liệu đã có bản ghi"):
        call_command("restore", str(tmp_path / "b.zip"))
    empty_the_database()
    (media / "attachments" / "2026" / "bien-ban.pdf").unlink()
    out = StringIO()
    call_command("restore", str(tmp_path / "b.zip"), stdout=out)
    assert "Đã khôi phục" in out.getvalue()


def _inside_a_letter(data: bytes) -> bytes:
    """Cut after the first byte of the first letter written in two bytes or more (ạ, ế, đ…)."""
    return data[: next(i for i, byte in enumerate(data) if byte >= 0xC2) + 1]


@pytest.mark.parametrize(
    "cut",
    [lambda data: data[: len(data) // 2], _inside_a_letter],
    ids=["in the middle", "inside a letter"],
)
def test_damaged_records_are_refused_with_a_clear_message_and_nothing_written(world, media, tmp_path, cut):
    archive = tmp_path / "backup.zip"
    backup.backup(archive)
    _rewrite(archive, backup.DATA, cut)
    empty_the_database()
    (media / "attachments" / "2026" / "bien-ban.pdf").unlink()
    with pytest.raises(backup.BackupError, match="could not be loaded, and nothing was written"):
        backup.restore(archive)
    assert PartyCommittee.objects.count() == 0
    assert not (media / "attachments" / "2026" / "bien-ban.pdf").exists()
