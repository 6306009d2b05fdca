"""Benchmark the served site: `python benchmarks/run.py [--articles 10000] [--rounds 3]`.

For each database (SQLite, and PostgreSQL when reachable) it builds a throwaway newsroom of
N articles (benchmarks/site.py), starts gunicorn on 127.0.0.1 with the production settings
(gunicorn.conf.py, DEBUG off), and drives each page with `wrk` for a bounded time: first with
every cache replaced by DummyCache (page cache off), then with the out-of-the-box cache on.
It prints requests per second, p50 and p99 latency and the ratio to a trivial Django view
measured just before the page in each of a few rounds (the median round counts), the SQL queries of each page uncached, the worker's memory before
and after, and writes the figures into benchmarks/RESULTS.md. Not a test: it asserts nothing.
"""

import argparse
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PAGES = ["trivial", "home", "article", "section", "tag", "search", "rss"]
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=2, help="seconds of load per round")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds of (trivial view, page) per page; the median round is reported",
    )
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--soak-requests",
        type=int,
        default=20_000,
        help="requests of mixed pages for the memory check (a worker's memory must stay flat)",
    )
    parser.add_argument(
        "--soak", type=int, default=900, help="at most this many seconds for the memory check"
    )
    parser.add_argument("--port", type=int, default=18_765)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/newsroom_bench"
        ),
        help="a database the benchmark may drop and recreate",
    )
    parser.add_argument("--redis-url", default="", help="use Redis as the cache when 'on'")
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "RESULTS.md"))
    return parser.parse_args()


def ensure_wrk():
    if shutil.which("wrk"):
        return
    print("wrk is missing: installing Debian's wrk")
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)


def recreate_postgres(url):
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def base_environment(workdir, database_url, port):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "REDIS_URL", "PAGE_CACHE"}}
    env.update(
        SECRET_KEY="benchmark-only-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(workdir / "media"),
        STATIC_ROOT=str(workdir / "static"),
        BENCH_TRIVIAL_VIEW="1",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_ACCESS_LOG="",
        GUNICORN_LOG_LEVEL="warning",
        LOG_LEVEL="ERROR",
    )
    return env


def run(command, env):
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def wait_until_up(base, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/_bench/trivial/", timeout=2).read()
            return
        except OSError:  # refused, reset or timed out: not up yet
            time.sleep(0.3)
    sys.exit("gunicorn did not start")


def status_of(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def milliseconds(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * UNITS[unit]


def wrk(url, duration, connections, script=None):
    extra = ["-s", script] if script else []
    output = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "--latency",
            *extra,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    latency = dict(re.findall(r"^\s+(50|99)\.?0*%\s+(\S+)\s*$", output, re.MULTILINE))
    if set(latency) != {"50", "99"}:
        sys.exit(f"cannot read wrk's output for {url}:\n{output}")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": milliseconds(latency["50"]),
        "p99": milliseconds(latency["99"]),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "errors": int(errors.group(1)) if errors else 0,
    }


def worker_rss_kb(master_pid):
    """{pid: resident memory in kB} of the gunicorn worker processes (children of the master)."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    memory = {}
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        memory[pid] = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
    return memory


def soak(server_pid, base, paths, args):
    """Worker memory before and after --soak-requests of every measured page in turn (all
    warmed), or as many as --soak seconds allow. wrk only knows durations, so it runs in
    rounds of a few seconds until enough requests have been answered."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("paths = {" + ", ".join(json.dumps(p) for p in paths) + "}\n")
        script.write(
            "i = 0\nrequest = function()\n  i = i + 1\n"
            "  return wrk.format('GET', paths[(i % #paths) + 1])\nend\n"
        )
    before = worker_rss_kb(server_pid)
    started, rounds = time.monotonic(), []
    while sum(r["requests"] for r in rounds) < args.soak_requests:
        left = args.soak - (time.monotonic() - started)
        if left < 1:
            break
        rounds.append(wrk(base + "/", min(10, int(left)), args.connections, script=script.name))
    Path(script.name).unlink()
    after = worker_rss_kb(server_pid)
    # Per worker: the largest growth of one that served throughout (none was replaced).
    growth = [100 * (after[pid] - before[pid]) / before[pid] for pid in before if pid in after]
    return {
        "before_kb": sum(before.values()),
        "after_kb": sum(after.values()),
        "workers": len(after),
        "worst_worker_growth": max(growth, default=0.0),
        "requests": sum(r["requests"] for r in rounds),
        "errors": sum(r["errors"] for r in rounds),
        "seconds": round(time.monotonic() - started),
    }


def median_round(trivial_url, url, args):
    """The page's figures from the round with the median ratio to the trivial view.

    Each round loads the trivial view and then the page, side by side: this machine's speed
    drifts over minutes, and a ratio should compare two loads run together. The median of
    several rounds keeps one disturbed round from deciding the figure.
    """
    rounds = []
    for _ in range(args.rounds):
        baseline = None if url == trivial_url else wrk(trivial_url, args.duration, args.connections)
        figures = wrk(url, args.duration, args.connections)
        figures["baseline_rps"] = (baseline or figures)["rps"]
        figures["ratio"] = figures["rps"] / figures["baseline_rps"]
        rounds.append(figures)
    rounds.sort(key=lambda figures: figures["ratio"])
    chosen = rounds[(len(rounds) - 1) // 2]  # the lower middle one for an even count
    chosen["round_ratios"] = [round(figures["ratio"], 3) for figures in rounds]
    return chosen


def measure(env, urls, args, mode):
    """Start gunicorn, load every page, stop it. Returns ({page: figures}, memory)."""
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "-c", "gunicorn.conf.py", "newsroom.wsgi"],
        env=env,
        cwd=ROOT,
    )
    results, memory = {}, {}
    try:
        wait_until_up(base)
        for page in PAGES:
            url = base + urls[page]
            status = status_of(url)
            if status != 200:
                print(f"  {mode:>3} {page:<8} skipped: {urls[page]} answers {status}")
                continue
            wrk(url, 1, args.connections)  # warm up: connections, renditions, cache
            results[page] = figures = median_round(base + urls["trivial"], url, args)
            # One reader at a time: the latency of the page itself, without queueing.
            figures["alone_p50"] = wrk(url, args.duration, 1)["p50"]
            print(
                f"  {mode:>3} {page:<8} {figures['rps']:8.0f} req/s  x{figures['ratio']:5.3f}  "
                f"(trivial {figures['baseline_rps']:5.0f})  "
                f"p50 {figures['p50']:7.2f} ms  p99 {figures['p99']:7.2f} ms  "
                f"alone p50 {figures['alone_p50']:6.2f} ms"
                + (f"  {figures['errors']} non-2xx!" if figures["errors"] else "")
            )
        memory = soak(server.pid, base, [urls[page] for page in results], args)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    return results, memory


def benchmark_database(kind, args, workdir):
    if kind == "sqlite":
        database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    else:
        database_url = args.postgres_url
        try:
            recreate_postgres(database_url)
        except Exception as error:  # noqa: BLE001 - any connection problem means "no PostgreSQL"
            print(f"PostgreSQL skipped: {error}")
            return None
    env = base_environment(workdir, database_url, args.port)
    started = time.monotonic()
    urls = json.loads(run([PYTHON, "benchmarks/site.py", "generate", str(args.articles)], env))
    print(f"{kind}: {args.articles} articles generated in {time.monotonic() - started:.0f} s")
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
    queries = json.loads(run([PYTHON, "benchmarks/site.py", "queries", *urls.values()], env))
    report = {"urls": urls, "queries": {page: queries[urls[page]] for page in PAGES}}
    for mode, extra in (("off", {"CACHE_DISABLED": "1"}), ("on", {})):
        if mode == "on" and args.redis_url:
            extra = {"REDIS_URL": args.redis_url}
        results, memory = measure({**env, **extra}, urls, args, mode)
        report[mode] = {"results": results, "memory": memory}
    return report


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


def markdown(reports, args, command):
    lines = [
        "# Benchmark results",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {machine()}",
        f"- Load average (1 min) at the start and end: {args.load_before:.2f} / "
        f"{os.getloadavg()[0]:.2f} (other work on the machine skews absolute figures)",
        f"- Command: `{command}`",
        f"- Load: {args.rounds} rounds per page of `wrk -t1 -c{args.connections}"
        f" -d{args.duration}s` on the trivial view and then on the page, after a 1 s warm-up;"
        " gunicorn with gunicorn.conf.py defaults (DEBUG off, 127.0.0.1).",
        f"- Alone p50: the median latency with one connection (`wrk -c1 -d{args.duration}s`),"
        " the time of the page itself; p50 and p99 under load include queueing.",
        "- Ratio: the page's requests per second over the trivial view's measured just before"
        " it in the same round (the machine's speed drifts over minutes); the row shows the"
        " round with the median ratio.",
        "- Cache off: every cache is Django's DummyCache (the page cache switches itself off).",
        "",
    ]
    for kind, report in reports.items():
        lines += [f"## {kind} ({args.articles} articles)", ""]
        lines += [
            "| page | SQL uncached | cache | req/s | trivial req/s just before | ratio"
            " | p50 ms | p99 ms | alone p50 ms |"
        ]
        lines += ["|---|---|---|---|---|---|---|---|---|"]
        for page in PAGES:
            for mode in ("off", "on"):
                figures = report[mode]["results"].get(page)
                if figures is None:
                    lines.append(f"| {page} | - | {mode} | skipped (not 200) | | | | | |")
                    continue
                baseline = figures["baseline_rps"]
                rounds = "(" + ", ".join(f"{ratio:.3f}" for ratio in figures["round_ratios"]) + ")"
                lines.append(
                    f"| {page} | {report['queries'][page]} | {mode} | {figures['rps']:.0f} | "
                    f"{baseline:.0f} | {figures['ratio']:.3f} {rounds} | {figures['p50']:.2f} | "
                    f"{figures['p99']:.2f} | {figures['alone_p50']:.2f} |"
                )
        lines.append("")
        for mode in ("off", "on"):
            memory = report[mode]["memory"]
            growth = 100 * (memory["after_kb"] - memory["before_kb"]) / memory["before_kb"]
            lines.append(
                f"- Workers' memory, cache {mode}: {memory['before_kb'] // 1024} MB in"
                f" {memory['workers']} worker(s) with every page warm,"
                f" {memory['after_kb'] // 1024} MB after {memory['requests']} more requests"
                f" of all pages in turn ({growth:+.1f}%; the most any one worker grew:"
                f" {memory['worst_worker_growth']:+.1f}%; {memory['errors']} non-2xx)."
            )
        lines.append("")
    return "\n".join(lines)


def main():
    args = arguments()
    args.load_before = os.getloadavg()[0]
    ensure_wrk()
    command = " ".join([Path(PYTHON).name and "python", *sys.argv])
    reports = {}
    for kind in args.databases.split(","):
        with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as folder:
            report = benchmark_database(kind, args, Path(folder))
            if report is not None:
                reports[kind] = report
    text = markdown(reports, args, command)
    Path(args.output).write_text(text + "\n")
    print(f"\nWritten to {args.output}")


if __name__ == "__main__":
    main()
