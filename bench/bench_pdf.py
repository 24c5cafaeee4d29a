"""Benchmark of the PDF case summaries (DESIGN.md §9: speed is measured here, not in tests).

Prints the warm time (fonts found and registered, reference data loaded) of

* one case summary with 20 consultations, and
* a batch of 200 such summaries in one PDF (total and per case).

Target: at most 150 ms per summary. Run with ``python bench/bench_pdf.py [--batch N]``.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from legalaid_desktop.reports.model import (
    AttachmentInfo,
    CaseSummaryInput,
    CenterInfo,
    ClientInfo,
    ConsultationInfo,
    CorruptionInfo,
    DeadlineInfo,
    PartyInfo,
)
from legalaid_desktop.reports.pdf import render_case_summaries, render_case_summary

TARGET_MS = 150.0
MODES = ("in_person", "phone", "online", "outreach", "hotline")


def sample_case(seq: int, consultations: int = 20) -> CaseSummaryInput:
    """A realistic case with ``consultations`` consultations."""
    start = date(2026, 1, 5)
    return CaseSummaryInput(
        center=CenterInfo(
            "Gəncə Hüquqi Yardım Mərkəzi", "Gəncə şəhəri, Nizami küçəsi 12", "+994 22 256 00 00"
        ),
        number=f"GNJ-2026-{seq:04d}",
        status="open",
        legal_area="property",
        summary="Torpaq sahəsinə mülkiyyət hüququnun qeydiyyatından imtina edilməsi.",
        lawyer="Hüseynova Gülşən Əli qızı",
        opened=start,
        client=ClientInfo(
            client_id=f"0192f3a4-7b1c-7e55-9a1d-{seq:012d}",
            full_name="Əliyev Rəşad İsmayıl oğlu",
            gender="male",
            birth_year=1984,
            region="AZ-GA",
            phone="+994 50 123 45 67",
            address="Gəncə, Atatürk prospekti 45, mənzil 17",
            displacement="idp",
            disability="none",
        ),
        corruption=CorruptionInfo(
            "land_property", "bribery", "Gəncə şəhər İcra Hakimiyyəti", Decimal("1500")
        ),
        parties=[PartyInfo("Мамедов Эльчин", "adverse"), PartyInfo("Quliyev Vüqar", "witness")],
        consultations=[
            ConsultationInfo(
                date=start + timedelta(days=3 * i),
                mode=MODES[i % len(MODES)],
                minutes=30 + 15 * (i % 3),
                lawyer="Hüseynova Gülşən Əli qızı",
                notes=(
                    "Müştəri torpaq sahəsinin qeydiyyatı ilə bağlı yerli icra hakimiyyətinin "
                    "qərarından şikayətləndi; daşınmaz əmlakın dövlət reyestrindən çıxarış "
                    "təqdim olunmayıb, sənədlər natamamdır."
                ),
                advice="İnzibati şikayət ərizəsi hazırlamaq tövsiyə olundu." if i % 2 else "",
                next_steps="Sənədlərin surətlərini gətirmək." if i % 3 == 0 else "",
                follow_up=start + timedelta(days=3 * i + 7) if i % 4 == 0 else None,
            )
            for i in range(consultations)
        ],
        deadlines=[DeadlineInfo(date(2026, 4, 1), "Məhkəməyə iddia ərizəsinin verilməsi")],
        attachments=[AttachmentInfo("şikayət.pdf", "application/pdf", 234_567, "ab" * 32)],
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures; exit status 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=200, help="cases in the batch (200)")
    parser.add_argument("--repeat", type=int, default=15, help="runs of the single summary")
    parser.add_argument("--lang", default="az", choices=("az", "ru", "en"))
    args = parser.parse_args(argv)

    now = datetime(2026, 3, 5, 10, 30, tzinfo=UTC)
    case = sample_case(1)
    # Warm up: font search and registration, reference data, Babel locale data.
    render_case_summary(case, io.BytesIO(), lang=args.lang, generated_by="bench", now=now)

    single: list[float] = []
    pages = 0
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        out = io.BytesIO()
        pages = render_case_summary(case, out, lang=args.lang, generated_by="bench", now=now)
        single.append((time.perf_counter() - t0) * 1000)
    single_ms = statistics.median(single)
    print(
        f"one summary, 20 consultations ({pages} pages, {len(out.getvalue()) / 1024:.0f} KiB): "
        f"median {single_ms:.1f} ms, min {min(single):.1f} ms over {args.repeat} runs"
    )

    cases = [sample_case(i) for i in range(1, args.batch + 1)]
    t0 = time.perf_counter()
    out = io.BytesIO()
    pages = render_case_summaries(cases, out, lang=args.lang, generated_by="bench", now=now)
    batch_ms = (time.perf_counter() - t0) * 1000
    per_case = batch_ms / args.batch
    print(
        f"batch of {args.batch} summaries ({pages} pages, {len(out.getvalue()) / 1048576:.1f} "
        f"MiB): {batch_ms / 1000:.2f} s, {per_case:.1f} ms per summary"
    )
    ok = single_ms <= TARGET_MS and per_case <= TARGET_MS
    print(f"target ≤ {TARGET_MS:.0f} ms per summary: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
