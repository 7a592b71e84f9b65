"""The Vietnamese catalogue is complete, matches the code, and the pages really speak both languages.

Vietnamese is the default language, so a string that is in the code but not in locale/vi shows up
in English to every user. These tests fail as soon as a developer adds a string without running
makemessages and translating it.
"""

import ast
import gettext
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
VI_PO = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"
VI_MO = VI_PO.with_suffix(".mo")

# The same options as the documented makemessages command (see the Makefile and README).
IGNORE = [".venv", "node_modules", "static", "var"]
# Top-level directories that are not project source: never copied for makemessages.
NOT_SOURCE = {*IGNORE, "locale", "staticfiles", "build", "test-artifacts", "__pycache__"}
# The extensions makemessages reads for the "django" domain.
SOURCE_SUFFIXES = {".py", ".html", ".txt"}

BRACE = re.compile(r"(?<!\{)\{(\w*)(?:[!:][^{}]*)?\}(?!\})")
PERCENT = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifeEgGxXr]")


# --- a tiny .po reader --------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


def _unquote(text: str) -> str:
    """The content of one quoted .po string, with its C escapes decoded."""
    return ast.literal_eval(text)


def read_po(path: Path) -> list[Entry]:
    """Every active entry of a .po file, the header (empty msgid) and obsolete (#~) entries left out."""
    entries: list[Entry] = []
    current: Entry | None = None
    flags: set[str] = set()
    target: tuple[str, int | None] | None = None
    keyword = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')

    def finish():
        if current is not None and current.msgid:
            entries.append(current)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith("#"):
            continue
        match = keyword.match(line)
        if match:
            name, index, value = match.group(1), match.group(2), _unquote(match.group(3))
            starts_entry = name == "msgctxt" or (name == "msgid" and (current is None or current.msgstr))
            if starts_entry:
                finish()
                current, flags = Entry(msgid="", flags=flags, line=number), set()
            assert current is not None, f"{path.name}:{number}: {name} before any msgid"
            if name == "msgctxt":
                current.msgctxt, target = value, ("msgctxt", None)
            elif name == "msgid":
                current.msgid, target = value, ("msgid", None)
            elif name == "msgid_plural":
                current.msgid_plural, target = value, ("msgid_plural", None)
            else:
                slot = int(index) if index is not None else 0
                current.msgstr[slot], target = value, ("msgstr", slot)
            continue
        assert line.startswith('"') and current is not None and target, (
            f"{path.name}:{number}: cannot read {raw!r}"
        )
        value = _unquote(line)
        name, slot = target
        if name == "msgstr":
            current.msgstr[slot] += value
        else:
            setattr(current, name, getattr(current, name) + value)
    finish()
    return entries


def placeholders(text: str) -> set[str]:
    """The {name} (str.format) and %(name)s (blocktranslate, %-format) placeholders of a string."""
    return {"{" + name + "}" for name in BRACE.findall(text)} | {
        f"%({name})" for name in PERCENT.findall(text)
    }


def describe(entry: Entry) -> str:
    return f"line {entry.line}: {entry.msgid!r}"


# --- the catalogue itself -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def vi_entries() -> list[Entry]:
    entries = read_po(VI_PO)
    assert entries, f"No entries found in {VI_PO.relative_to(ROOT)}"
    return entries


def test_the_po_reader_understands_the_format(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: vi\\n"\n\n'
        '#, python-format\nmsgid "%(n)s item"\nmsgid_plural "%(n)s items"\nmsgstr[0] "%(n)s mục"\n\n'
        'msgctxt "menu"\nmsgid ""\n"Long "\n"text"\nmsgstr "Văn bản \\"dài\\""\n\n'
        '#, fuzzy\nmsgid "Guess"\nmsgstr ""\n\n'
        '#~ msgid "Gone"\n#~ msgstr "Đã bỏ"\n',
        encoding="utf-8",
    )
    plural, context, fuzzy = read_po(po)
    assert (plural.msgid_plural, plural.msgstr, plural.flags) == (
        "%(n)s items",
        {0: "%(n)s mục"},
        {"python-format"},
    )
    assert (context.msgctxt, context.msgid, context.msgstr[0]) == ("menu", "Long text", 'Văn bản "dài"')
    assert (fuzzy.flags, fuzzy.msgstr) == ({"fuzzy"}, {0: ""})
    assert placeholders("{amount} đồng, {{literal}}, %(start)s–%(end)s, 100%") == {
        "{amount}",
        "%(start)",
        "%(end)",
    }


def test_the_header_declares_vietnamese_in_utf8_with_one_plural_form():
    header = VI_PO.read_text(encoding="utf-8")
    assert '"Language: vi\\n"' in header
    assert "charset=UTF-8" in header
    assert '"Plural-Forms: nplurals=1; plural=0;\\n"' in header


def test_every_vietnamese_entry_is_translated(vi_entries):
    untranslated = [
        describe(e) for e in vi_entries if not e.msgstr.get(0, "").strip() or not all(e.msgstr.values())
    ]
    assert not untranslated, f"{len(untranslated)} untranslated entries in locale/vi:\n" + "\n".join(
        untranslated
    )


def test_no_vietnamese_entry_is_fuzzy(vi_entries):
    fuzzy = [describe(e) for e in vi_entries if "fuzzy" in e.flags]
    assert not fuzzy, (
        "Fuzzy entries in locale/vi (check the translation, then remove the flag):\n" + "\n".join(fuzzy)
    )


def test_translations_keep_the_placeholders(vi_entries):
    wrong = []
    for e in vi_entries:
        expected = placeholders(e.msgid) | placeholders(e.msgid_plural or "")
        for slot, text in sorted(e.msgstr.items()):
            found = placeholders(text)
            if text and found != expected:  # an empty msgstr is reported as untranslated
                missing, unknown = sorted(expected - found), sorted(found - expected)
                wrong.append(f"{describe(e)} msgstr[{slot}]: missing {missing}, unknown {unknown}")
    assert not wrong, "Placeholders changed in locale/vi:\n" + "\n".join(wrong)


# --- the catalogue against the code ------------------------------------------------------------------


def _source_dirs() -> list[Path]:
    """Top-level directories holding code or templates that makemessages reads."""
    found = []
    for path in sorted(ROOT.iterdir()):
        if (
            not path.is_dir()
            or path.name.startswith(".")
            or path.name in NOT_SOURCE
            or path.suffix == ".egg-info"
        ):
            continue
        if any(f.suffix in SOURCE_SUFFIXES for f in path.rglob("*") if "__pycache__" not in f.parts):
            found.append(path)
    return found


def test_the_catalogue_has_exactly_the_strings_of_the_code(tmp_path):
    if not (shutil.which("xgettext") and shutil.which("msgmerge")):
        pytest.fail("GNU gettext (xgettext, msgmerge) is needed: apt-get install gettext")
    dirs = _source_dirs()
    assert {"coso", "core", "accounts", "org"} <= {d.name for d in dirs}, [d.name for d in dirs]

    work = tmp_path / "project"
    work.mkdir()
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", *IGNORE, "locale")
    for source in dirs:
        shutil.copytree(source, work / source.name, ignore=skip)
    for source in ROOT.iterdir():  # manage.py and other top-level modules (such as conftest.py)
        if source.is_file() and source.suffix in SOURCE_SUFFIXES:
            shutil.copy2(source, work / source.name)
    target = work / "locale" / "vi" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy2(VI_PO, target / "django.po")

    command = [sys.executable, "manage.py", "makemessages", "-l", "vi", "--no-location"]
    command += [f"--ignore={pattern}" for pattern in IGNORE]
    done = subprocess.run(command, cwd=work, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"makemessages failed:\n{done.stdout}\n{done.stderr}"

    committed = {e.key for e in read_po(VI_PO)}
    regenerated = {e.key for e in read_po(target / "django.po")}

    def show(keys):
        return "\n".join(
            f"  {msgid!r}" + (f" (context {ctxt!r})" if ctxt else "") for ctxt, msgid in sorted(keys)
        )

    missing, stale = regenerated - committed, committed - regenerated
    assert not (missing or stale), (
        "locale/vi/LC_MESSAGES/django.po is out of date with the code. Run\n"
        "  python manage.py makemessages -l vi -l en --ignore=.venv --ignore=node_modules "
        "--ignore=static --ignore=var --no-location\n"
        "then translate the new entries.\n"
        f"In the code but not in the catalogue ({len(missing)}):\n{show(missing)}\n"
        f"In the catalogue but no longer in the code ({len(stale)}):\n{show(stale)}"
    )


def test_the_compiled_catalogue_matches_the_po(vi_entries):
    """Django reads the .mo (built by `make messages`); a stale one shows old or missing text."""
    assert VI_MO.exists(), "locale/vi/LC_MESSAGES/django.mo is missing: run `make messages`"
    with VI_MO.open("rb") as fp:
        compiled = gettext.GNUTranslations(fp)
    stale = []
    for e in vi_entries:
        if e.msgid_plural is None:
            shown = compiled.pgettext(e.msgctxt, e.msgid) if e.msgctxt else compiled.gettext(e.msgid)
        elif e.msgctxt:
            shown = compiled.npgettext(e.msgctxt, e.msgid, e.msgid_plural, 1)
        else:
            shown = compiled.ngettext(e.msgid, e.msgid_plural, 1)
        translated = "fuzzy" not in e.flags and e.msgstr.get(0)
        if shown != (e.msgstr[0] if translated else e.msgid):
            stale.append(describe(e))
    assert not stale, "django.mo is older than django.po: run `make messages`. Differs:\n" + "\n".join(
        stale[:20]
    )


# --- the running app -------------------------------------------------------------------------------


def test_the_unit_list_speaks_vietnamese_by_default(client, office, hanoi):
    client.force_login(office)
    page = client.get(reverse("org:unit_list")).content.decode()
    assert '<html lang="vi">' in page
    assert "Địa bàn" in page  # "Localities"
    assert "Đồng chí phụ trách" in page  # "Who answers for it"
    assert "Who answers for it" not in page


def test_the_unit_list_speaks_english_when_chosen(client, office, hanoi):
    client.force_login(office)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("org:unit_list")).content.decode()
    assert '<html lang="en">' in page
    assert "Localities" in page
    assert "Who answers for it" in page
    assert "Đồng chí phụ trách" not in page
