"""The benchmark's targets (issue 16) and the Markdown it writes into benchmarks/RESULTS.md.

Targets are ratios to the trivial view measured in the same round, so that a slower or busier
machine does not move them: page cache on, every reader page at least 1.0x; page cache off
(other caches as configured), the long-tail article page at least 0.15x and the front page at
least 0.10x; every cache off, at most 8 SQL statements per reader page, the same for a small
and a large newsroom.
"""

import os
import platform
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHED_AT_LEAST = 1.0
UNCACHED_AT_LEAST = {"article": 0.15, "home": 0.10}
MAX_STATEMENTS = 8


def targets(report):
    """[(what, figure, met)] for one database's report."""
    checks = []
    for page, figures in report["on"].items():
        if page != "trivial":
            ratio = figures["ratio"]
            checks.append(
                (f"page cache on, {page} >= {CACHED_AT_LEAST}x", ratio, ratio >= CACHED_AT_LEAST)
            )
    for page, floor in UNCACHED_AT_LEAST.items():
        figures = report["off"].get(page)
        ratio = figures["ratio"] if figures else 0.0
        tail = " (long tail)" if figures and figures["long_tail"] else ""
        checks.append((f"page cache off, {page}{tail} >= {floor}x", ratio, ratio >= floor))
    for page, large in report["queries"].items():
        small = report["queries_small"][page]
        met = large is not None and large == small and large <= MAX_STATEMENTS
        checks.append(
            (
                f"every cache off, {page}: <= {MAX_STATEMENTS} SQL, small = large",
                f"{small} / {large}",
                met,
            )
        )
    return checks


def print_targets(reports):
    for kind, report in reports.items():
        print(f"\nTargets, {kind}:")
        for what, figure, met in targets(report):
            shown = f"{figure:.3f}" if isinstance(figure, float) else figure
            print(f"  {'ok  ' if met else 'MISS'} {what}: {shown}")


def machine():
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = found.group(1) if found else cpu
    memory = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)
    return (
        f"{platform.system()} {platform.release()}, {os.cpu_count()} x {cpu}, "
        f"{int(memory) // 1024} MB RAM, Python {platform.python_version()}"
    )


def commit():
    found = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return found.stdout.strip() or "unknown"


def markdown(reports, args, command):
    lines = [
        "# Benchmark results",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit()}",
        f"- Machine: {machine()}",
        f"- Load average (1 min) at the start and end: {args.load_before:.2f} / "
        f"{os.getloadavg()[0]:.2f} (other work on the machine skews absolute figures)",
        f"- Command: `{command}`",
        f"- Load: {args.rounds} rounds per page of `wrk -t1 -c{args.connections}"
        f" -d{args.duration}s` on the trivial view and then on the page, after a 1 s warm-up;"
        " gunicorn with gunicorn.conf.py defaults (DEBUG off, 127.0.0.1).",
        "- Ratio: the page's requests per second over the trivial view's measured just before"
        " it in the same round; the row shows the round with the median ratio.",
        "- Page cache off: `PAGE_CACHE=0`, every other cache as configured; the article row is"
        " a long tail of distinct published articles requested in random order (wrk script).",
        "- SQL: statements per page with every cache off (`CACHE_DISABLED=1`), on a newsroom"
        " of 10 articles and of the full size.",
        "",
    ]
    for kind, report in reports.items():
        lines += [f"## {kind} ({args.articles} articles)", ""]
        lines += ["| target | figure | met |", "|---|---|---|"]
        for what, figure, met in targets(report):
            shown = f"{figure:.3f}" if isinstance(figure, float) else figure
            lines.append(f"| {what} | {shown} | {'yes' if met else 'NO'} |")
        lines += [
            "",
            "| page | SQL (10 / all) | page cache | req/s | trivial req/s just before | ratio"
            " | p50 ms | p99 ms | alone p50 ms |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for page in report["urls"]:
            sql = (
                "0"
                if page == "trivial"
                else f"{report['queries_small'][page]} / {report['queries'][page]}"
            )
            for mode in ("on", "off"):
                figures = report[mode].get(page)
                if figures is None:
                    lines.append(f"| {page} | {sql} | {mode} | skipped (not 200) | | | | | |")
                    continue
                rounds = "(" + ", ".join(f"{ratio:.3f}" for ratio in figures["round_ratios"]) + ")"
                name = f"{page} (long tail of {report['tail']})" if figures["long_tail"] else page
                lines.append(
                    f"| {name} | {sql} | {mode} | {figures['rps']:.0f} | "
                    f"{figures['baseline_rps']:.0f} | {figures['ratio']:.3f} {rounds} | "
                    f"{figures['p50']:.2f} | {figures['p99']:.2f} | {figures['alone_p50']:.2f} |"
                )
        lines.append("")
    return "\n".join(lines)
