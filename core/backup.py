"""Backup and restore: the whole database and the attached files, in one portable archive.

`coso backup` writes a zip that holds:
- `manifest.json`: the format version, when it was made, the database it came from, and the last applied
  migration of every app;
- `data.exactjson`: every record, as Django serialises it to JSON (times to the microsecond), with
  references to users and content types by their natural keys, so that the archive loads into a database
  whose ids for those differ;
- `media/…`: the attached files.

`coso restore` loads such an archive into an empty database migrated to the same state, in one
transaction, and puts the files back. It checks everything before it writes anything: the archive, the
migrations, that the database is empty, and that no file would be overwritten. A backup taken on SQLite
restores on PostgreSQL and back.

Left out, because they are rebuilt or are not worth keeping: content types and permissions (made by
`migrate`), sessions, the sign-in lockout log and the queue of background tasks.
"""

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.models import AuditAction

FORMAT = 1
EXCLUDED = (
    "contenttypes",
    "auth.permission",
    "sessions",
    "axes",
    "django_tasks_database",
)
MANIFEST, DATA, MEDIA = "manifest.json", "data.exactjson", "media/"


class BackupError(Exception):
    """The archive cannot be restored here; the message says why, in the user's language."""


@dataclass(frozen=True)
class Summary:
    path: Path
    records: int
    files: int
    size: int


def _excluded(model) -> bool:
    label = model._meta.label_lower
    return model._meta.app_label in EXCLUDED or label in EXCLUDED


def _kept_models() -> list:
    return [m for m in apps.get_models() if not _excluded(m) and not m._meta.proxy and m._meta.managed]


def _migration_state() -> dict[str, str]:
    """The last applied migration of every app, as {app: name}."""
    state: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        state[app] = max(state.get(app, ""), name)
    return dict(sorted(state.items()))


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def backup(output: str | os.PathLike) -> Summary:
    """Write the archive to `output` (written beside it first, then moved into place)."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(dir=output.parent) as work:
        data = Path(work) / DATA
        # One transaction, so the data is one consistent moment even while the office keeps working.
        with transaction.atomic():
            call_command(
                "dumpdata",
                *[f"--exclude={label}" for label in EXCLUDED],
                natural_foreign=True,
                format="exactjson",
                output=str(data),
                verbosity=0,
            )
            state = _migration_state()
        with data.open("rb") as handle:
            records = sum(1 for _ in json.load(handle))
        files = _media_files()
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": connection.vendor,
            "migrations": state,
            "records": records,
            "files": {str(p.relative_to(root)): _digest(p) for p in files},
        }
        partial = Path(work) / "archive.zip"
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
            archive.write(data, DATA)
            for path in files:
                archive.write(path, MEDIA + str(path.relative_to(root)))
        os.replace(partial, output)
    summary = Summary(output, records, len(files), output.stat().st_size)
    # The whole database left the server: on the audit trail like any export (after the snapshot, so
    # the archive does not hold its own entry).
    audit.record(
        actor=None,
        action=AuditAction.EXPORT,
        changes={"records": records, "files": len(files), "file": output.name},
        note="coso backup",
        kind="backup.made",
        params={"records": records, "files": len(files)},
    )
    return summary


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read(MANIFEST))
        archive.getinfo(DATA)
    except (KeyError, ValueError):
        raise BackupError(_("This is not a Cơ Sở backup: the archive has no manifest or no data.")) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(_("This backup was written in a format this version cannot read."))
    return manifest


def _check_migrations(manifest: dict) -> None:
    here = _migration_state()
    there = manifest.get("migrations") or {}
    differing = sorted(app for app in set(here) | set(there) if here.get(app) != there.get(app))
    if differing:
        raise BackupError(
            _(
                "The database is not migrated to the same state as the backup (apps: {apps}). "
                "Restore with the version of Cơ Sở that made the backup, after `coso migrate`."
            ).format(apps=", ".join(differing))
        )


def _check_empty() -> None:
    holding = [m._meta.label for m in _kept_models() if m._base_manager.using(connection.alias).exists()]
    if holding:
        raise BackupError(
            _(
                "The database already holds records ({models}): a backup is restored only into an empty, "
                "freshly migrated database."
            ).format(models=", ".join(holding[:5]) + ("…" if len(holding) > 5 else ""))
        )


def _media_targets(archive: zipfile.ZipFile, manifest: dict) -> list[tuple[zipfile.ZipInfo, Path]]:
    root = Path(settings.MEDIA_ROOT).resolve()
    targets = []
    for info in archive.infolist():
        if not info.filename.startswith(MEDIA) or info.is_dir():
            continue
        relative = info.filename[len(MEDIA) :]
        target = (root / relative).resolve()
        if root not in target.parents:
            message = _("The archive names a file outside the media folder: {name}.")
            raise BackupError(message.format(name=relative))
        if target.exists():
            if _digest(target) != (manifest.get("files") or {}).get(relative):
                message = _("A different file already exists at {name}: it was not overwritten.")
                raise BackupError(message.format(name=relative))
            continue
        targets.append((info, target))
    return targets


def restore(source: str | os.PathLike) -> Summary:
    """Load the archive at `source` into this (empty) database, and put its files back."""
    source = Path(source)
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile):
        raise BackupError(_("The backup file cannot be opened: {name}.").format(name=source.name)) from None
    written: list[Path] = []
    with archive, tempfile.TemporaryDirectory() as work:
        manifest = _read_manifest(archive)
        _check_migrations(manifest)
        _check_empty()
        targets = _media_targets(archive, manifest)
        data = Path(archive.extract(DATA, work))
        try:
            with transaction.atomic():
                call_command("loaddata", str(data), verbosity=0)
                audit.record(
                    actor=None,
                    action=AuditAction.RESTORE,
                    changes={
                        "records": manifest.get("records", 0),
                        "files": len(targets),
                        "file": source.name,
                    },
                    note="coso restore",
                    kind="backup.restored",
                    params={
                        "records": manifest.get("records", 0),
                        "files": len(targets),
                        "file": source.name,
                    },
                )
                for info, target in targets:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with archive.open(info) as src, target.open("xb") as dst:
                        written.append(target)
                        shutil.copyfileobj(src, dst)
        except BaseException as exc:
            for path in written:  # the records were rolled back: so are the files
                path.unlink(missing_ok=True)
            # A file cut inside a letter does not even decode: damaged records, as a cut anywhere else.
            if isinstance(exc, (DeserializationError, DatabaseError, zipfile.BadZipFile, UnicodeDecodeError)):
                message = _("The backup's records could not be loaded, and nothing was written: {error}")
                raise BackupError(message.format(error=str(exc).splitlines()[0][:300])) from exc
            raise
    return Summary(source, int(manifest.get("records", 0)), len(targets), source.stat().st_size)


def default_name() -> str:
    return f"coso-{timezone.localtime():%Y%m%d-%H%M%S}.zip"
