"""A small report made by hand, for the renderers' tests (no database)."""

import datetime as dt

from django.utils import timezone

from reports.content import COUNT, MONEY, PERCENT, Chart, Column, Organisation, Report, Section, Series, Table


def small_report() -> Report:
    report = Report(
        kind="standing_committee",
        title="Báo cáo Ban Thường vụ kết quả thực hiện nhiệm vụ tháng 11/2026",
        subject="Tình hình, kết quả thực hiện nhiệm vụ tháng 11/2026",
        organisation=Organisation(
            code="hanoi",
            name="Thành ủy Hà Nội",
            superior_body="ĐẢNG BỘ THÀNH PHỐ HÀ NỘI",
            issuing_body="THÀNH ỦY",
            symbol="TU",
            place="Hà Nội",
        ),
        period_code="2026-11",
        first=dt.date(2026, 11, 1),
        last=dt.date(2026, 11, 30),
        at=dt.date(2026, 11, 30),
        sections=[
            Section(
                "disbursement",
                "Giải ngân vốn đầu tư công",
                ["Đến ngày 30/11/2026, đã giải ngân 1.234,6 triệu đồng."],
                [
                    Table(
                        "disbursement_groups",
                        "Giải ngân theo tổ công tác",
                        [
                            Column("name", "Tổ công tác"),
                            Column("disbursed", "Đã giải ngân (triệu đồng)", MONEY),
                            Column("rate", "Tỷ lệ", PERCENT),
                        ],
                        [
                            {"name": "Tổ công tác số 1", "disbursed": 1_234_567_890, "rate": 45.25},
                            {"name": '=HYPERLINK("http://x")', "disbursed": 0, "rate": None},
                        ],
                    )
                ],
                [
                    Chart(
                        "curve",
                        "Giải ngân lũy kế",
                        ["01/2026", "02/2026"],
                        [Series("Lũy kế", [1.5, 3.0], "line")],
                    )
                ],
            ),
            Section(
                "incidents",
                "Vụ việc",
                ["Trong kỳ tiếp nhận 3 vụ việc."],
                [
                    Table(
                        "incidents_locality",
                        "Vụ việc theo địa bàn",
                        [Column("name", "Địa bàn"), Column("total", "Tiếp nhận", COUNT)],
                        [{"name": f"Phường {n}", "total": 1000 + n} for n in range(5)],
                        shown=3,
                    ),
                    Table("empty", "Vụ việc dư luận quan tâm", [Column("name", "Vụ việc")], []),
                ],
            ),
        ],
        generated_at=timezone.make_aware(dt.datetime(2026, 12, 5, 9, 0)),
    )
    report.number()
    return report
