"""Benchmarks of public investment (`coso bench`), on the data investment.scale seeded: the page and API
scenarios, named by their URL names (investment/urls.py) and the API by its path; and the disbursement
import, measured on a generated sheet (core.bench.register_measurement, from apps.py).

`coso disbursement-sheet FILE --rows N --organization CODE` writes such a sheet for the command line or the
page (docs/imports.md has the figures); `disbursement_import_measurement` imports 100,000 rows into the
seeded organisation during `coso bench`, then removes what it wrote.
"""

import contextlib
import io
import time
import zipfile
from pathlib import Path

from django.db import transaction
from django.urls import reverse
from openpyxl import Workbook

from accounts.scale import BENCH_USER
from core.bench import Scenario, register_scenarios
from investment.models import Disbursement, DisbursementYear, Project, SupervisionSession, WorkingGroup
from org.models import Agency, PartyCommittee


@register_scenarios
def investment_scenarios() -> list[Scenario]:
    committee = PartyCommittee.objects.filter(code="scale-1").first()
    if committee is None:
        return []
    projects = Project.objects.filter(organization=committee)
    project = projects.order_by("pk").first()
    group = WorkingGroup.objects.filter(organization=committee).order_by("number").first()
    if project is None or group is None:
        return []
    count = projects.count()
    rows = Disbursement.objects.filter(organization=committee).count()
    # The group page of the first group: a thirteenth of the projects at city scale.
    in_group = group.project_links.count()
    sessions = SupervisionSession.objects.filter(group__organization=committee).count()
    candidates = [
        ("page: investment projects", reverse("investment:project_list"), count),
        (
            "page: investment project",
            reverse("investment:project_detail", args=[project.pk]),
            rows // max(count, 1),
        ),
        ("page: working group", reverse("investment:group_detail", args=[group.pk]), in_group),
        ("page: disbursement dashboard", reverse("investment:dashboard"), rows),
        ("api: disbursement city", "/api/v1/investment/disbursement?scope=city", rows),
        ("page: supervision sessions", reverse("investment:session_list"), sessions),
        ("api: supervision sessions", "/api/v1/investment/sessions/", sessions),
    ]
    return [Scenario(name, BENCH_USER, url, n) for name, url, n in candidates]


# --- the disbursement import

BENCH_ROWS = 100_000
FIRST_BENCH_YEAR = 2010  # a plan year long past, which the seeded data leaves empty
SOURCE_TEXTS = ("Ngân sách địa phương", "Ngân sách trung ương", "Vốn nước ngoài")
FIGURES_A_YEAR = len(SOURCE_TEXTS) * 13  # of one project: every source, every month of the disbursement year
HEADINGS = ("Mã dự án", "Nguồn vốn", "Năm kế hoạch", "Tháng", "Số giải ngân (đồng)")
_SHEET = "xl/worksheets/sheet1.xml"


def _skeleton() -> bytes:
    """A workbook as openpyxl writes it, with the headings only: its parts are kept, its sheet rewritten."""
    wb = Workbook()
    wb.active.title = "Giải ngân"
    wb.active.append(list(HEADINGS))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _inline(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def keys(codes: list[str], rows: int):
    """(code, source text, plan year, month) for `rows` distinct figures: every project, source and month of
    a plan year, then the next year (from FIRST_BENCH_YEAR)."""
    count = 0
    year = FIRST_BENCH_YEAR
    while True:
        for code in codes:
            for source in SOURCE_TEXTS:
                for index in range(1, 14):
                    month, month_year = (index, year) if index <= 12 else (1, year + 1)
                    yield code, source, year, f"{month:02d}/{month_year}"
                    count += 1
                    if count >= rows:
                        return
        year += 1


def write_sheet(target, codes: list[str], rows: int, *, amount_seed: int = 0) -> None:
    """Write a one-figure-a-row sheet of `rows` figures over the projects `codes` to `target` (a path or a
    binary file), streaming: the sheet's XML in the shape openpyxl writes (inline strings), never whole."""
    skeleton = zipfile.ZipFile(io.BytesIO(_skeleton()))
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as out:
        for info in skeleton.infolist():
            if info.filename != _SHEET:
                out.writestr(info, skeleton.read(info.filename))
        with out.open(_SHEET, "w", force_zip64=True) as sheet:
            sheet.write(
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<dimension ref="A1:E%d"/><sheetData>' % (rows + 1)
            )
            header = "".join(_inline(f"{chr(65 + i)}1", h) for i, h in enumerate(HEADINGS))
            sheet.write(f'<row r="1">{header}</row>'.encode())
            buffer = []
            for r, (code, source, year, month) in enumerate(keys(codes, rows), start=2):
                amount = (r * 7919 + amount_seed) % 50_000 * 1_000_000
                buffer.append(
                    f'<row r="{r}">{_inline(f"A{r}", code)}{_inline(f"B{r}", source)}'
                    f'<c r="C{r}" t="n"><v>{year}</v></c>{_inline(f"D{r}", month)}'
                    f'<c r="E{r}" t="n"><v>{amount}</v></c></row>'
                )
                if len(buffer) >= 10_000:
                    sheet.write("".join(buffer).encode())
                    buffer = []
            sheet.write("".join(buffer).encode())
            sheet.write(b"</sheetData></worksheet>")


def peak_rss_reset() -> None:
    """Start counting the process's peak resident size again (Linux), where the kernel allows it."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def rss_mb(field: str = "VmHWM") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def project_codes(organization) -> list[str]:
    return list(
        Project.objects.filter(organization=organization, archived_at__isnull=True)
        .order_by("code")
        .values_list("code", flat=True)
    )


def measure(*, actor, organization, rows: int, path: Path) -> dict:
    """Generate `rows` figures over the organisation's projects, import them, and say how it went: seconds,
    rows a second, and the process's resident size before and at its peak. The figures stay written."""
    from investment.importers import import_disbursements

    codes = project_codes(organization)
    if not codes:
        raise ValueError("The organisation has no project.")
    write_sheet(path, codes, rows)
    before = rss_mb("VmRSS")
    peak_rss_reset()
    start = time.perf_counter()
    result = import_disbursements(actor=actor, organization=organization, file=path)
    seconds = time.perf_counter() - start
    if not result.ok:
        raise ValueError(f"The generated sheet was refused: {result.errors[:3]}")
    return {
        "rows": rows,
        "seconds": seconds,
        "rows_per_s": rows / seconds,
        "rss_before_mb": before,
        "rss_peak_mb": rss_mb("VmHWM"),
        "size_mb": path.stat().st_size / 2**20,
        "written": len(result.created),
    }


def remove_bench_years(organization) -> None:
    """Remove the figures a measurement wrote (its plan year only: the seeded years stay), and their yearly
    summary."""
    years = {"plan_year": FIRST_BENCH_YEAR}
    Disbursement.objects.filter(organization=organization, **years).delete()
    DisbursementYear.objects.filter(project__organization=organization, **years).delete()


def ensure_projects(organization, count: int) -> None:
    """At least `count` projects in the organisation: BENCH-00001… are added, in one statement, if fewer."""
    have = Project.objects.filter(organization=organization, archived_at__isnull=True).count()
    if have >= count:
        return
    investor = Agency.objects.filter(organization=organization).order_by("pk").first()
    if investor is None:
        raise ValueError("The organisation has no agency to invest.")
    taken = set(Project.objects.filter(organization=organization).values_list("code", flat=True))
    new, n = [], 0
    while len(new) < count - have:
        n += 1
        code = f"BENCH-{n:05d}"
        if code in taken:
            continue
        project = Project(
            organization=organization,
            code=code,
            name=f"Dự án đo thử {n}",
            group="B",
            investor=investor,
            total_investment=1_000_000_000_000,
        )
        project.refresh_derived()
        new.append(project)
    with transaction.atomic():
        Project.objects.bulk_create(new, batch_size=500)


def disbursement_import_measurement(repeat: int) -> list:
    """`coso bench`: import BENCH_ROWS generated figures into the seeded organisation (the one with the most
    projects), as its office would, a few times; each run's figures are removed after it. The row's "median
    ms" is the whole import (read, checked, written, committed)."""
    import statistics
    import tempfile

    from django.db import connection
    from django.db.models import Count

    from accounts.models import User
    from core.bench import Result, _SqlTimer
    from investment.importers import import_disbursements
    from org.models import PartyCommittee

    organization = (
        PartyCommittee.objects.annotate(projects=Count("project"))
        .filter(projects__gt=0)
        .order_by("-projects")
    ).first()
    actor = User.objects.filter(organization=organization, is_active=True).order_by("pk").first()
    if organization is None or actor is None:
        return []
    # Enough projects for every figure to fall in the one bench year: fewer, and the sheet would run on into
    # the years the seeded data (and the pages measured) hold, and be removed with them.
    ensure_projects(organization, -(-BENCH_ROWS // FIGURES_A_YEAR))
    totals, sql_totals, queries = [], [], 0
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "giai-ngan.xlsx"
        write_sheet(path, project_codes(organization), BENCH_ROWS)
        for _run in range(max(1, min(repeat, 3))):
            remove_bench_years(organization)
            timer = _SqlTimer()
            with connection.execute_wrapper(timer):
                start = time.perf_counter()
                result = import_disbursements(actor=actor, organization=organization, file=path)
                totals.append(time.perf_counter() - start)
            if not result.ok:
                return []
            if len(result.created) != BENCH_ROWS:  # a real import of every row, not a re-import of nothing
                raise ValueError(f"The import wrote {len(result.created):,} figures, not {BENCH_ROWS:,}.")
            sql_totals.append(timer.seconds)
            queries = timer.count
        remove_bench_years(organization)
    median, sql_median = statistics.median(totals) * 1000, statistics.median(sql_totals) * 1000
    return [
        Result(
            name=f"import: disbursement ({round(BENCH_ROWS / statistics.median(totals)):,} rows/s)",
            rows=BENCH_ROWS,
            queries=queries,
            median_ms=round(median, 1),
            p95_ms=round(max(totals) * 1000, 1),
            sql_median_ms=round(sql_median, 1),
            ratio_to_sql=round(median / sql_median, 2) if sql_median else 0.0,
            status=200,
        )
    ]
