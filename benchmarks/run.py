"""Benchmark the served site: `python benchmarks/run.py [--articles 10000] [--rounds 3]`.

For each database (SQLite, and PostgreSQL when reachable) it builds a throwaway newsroom of
N articles (benchmarks/site.py), starts gunicorn on 127.0.0.1 with the production settings
(gunicorn.conf.py, DEBUG off), and drives each page with `wrk` for a bounded time, twice: with
the page cache on, and with the page cache off (`PAGE_CACHE=0`, every other cache as
configured), the article page then being a long tail of 1,000 distinct published articles
requested in random order. Each figure is a ratio to a trivial Django view measured just
before the page in each of a few rounds (the median round counts). It also counts each reader
page's SQL statements with every cache off on a newsroom of 10 articles and of N, checks the
targets (benchmarks/report.py) and writes benchmarks/RESULTS.md. Not a test: it asserts
nothing. Every wrk run, every server and the whole run are bounded in time.
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.report import markdown, print_targets  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PAGES = ["trivial", "home", "article", "section", "tag", "search", "rss"]
READER_PAGES = PAGES[1:]
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}
SMALL_SITE = 10  # articles in the newsroom whose SQL counts are compared with N's


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
    parser.add_argument("--port", type=int, default=0, help="0: a free port the OS gives")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/newsroom_bench"
        ),
        help="a database the benchmark may drop and recreate (and NAME_small beside it)",
    )
    parser.add_argument("--redis-url", default="", help="use Redis as the cache")
    parser.add_argument(
        "--change-file",
        action="store_true",
        help="PostgreSQL: set PAGE_CACHE_CHANGE_FILE, as a site on one machine may",
    )
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "RESULTS.md"))
    return parser.parse_args()


def free_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def ensure_wrk():
    if shutil.which("wrk"):
        return
    print("wrk is missing: installing Debian's wrk")
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, timeout=300)


def recreate_postgres(url):
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def base_environment(workdir, database_url, port):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "REDIS_URL", "PAGE_CACHE", "CACHE_DISABLED", "PAGE_CACHE_CHANGE_FILE"}
    }
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


def run(command, env, timeout=1200):
    result = subprocess.run(
        command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
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
        ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency"]
        + extra
        + [url],
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 30,
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


def tail_script(paths, folder):
    """A wrk script asking for ``paths`` in random order (a long tail, not one hot page)."""
    script = Path(folder) / "tail.lua"
    script.write_text(
        "paths = {" + ", ".join(json.dumps(p) for p in paths) + "}\n"
        "math.randomseed(2026)\n"
        "request = function()\n  return wrk.format('GET', paths[math.random(#paths)])\nend\n"
    )
    return str(script)


def median_round(trivial_url, url, args, script=None):
    """The page's figures from the round with the median ratio to the trivial view.

    Each round loads the trivial view and then the page, side by side: this machine's speed
    drifts over minutes, and a ratio should compare two loads run together. The median of
    several rounds keeps one disturbed round from deciding the figure.
    """
    rounds = []
    for _ in range(2 * args.rounds):  # a round whose baseline served nothing is run again
        if len(rounds) == args.rounds:
            break
        status_of(trivial_url)  # answered once the requests left queued by the last load are
        baseline = None if url == trivial_url else wrk(trivial_url, args.duration, args.connections)
        figures = wrk(url, args.duration, args.connections, script=script)
        figures["baseline_rps"] = (baseline or figures)["rps"]
        if figures["baseline_rps"] == 0:
            continue
        figures["ratio"] = figures["rps"] / figures["baseline_rps"]
        rounds.append(figures)
    if not rounds:
        sys.exit(f"the trivial view served nothing around {url}: the machine is too busy")
    rounds.sort(key=lambda figures: figures["ratio"])
    chosen = rounds[(len(rounds) - 1) // 2]  # the lower middle one for an even count
    chosen["round_ratios"] = [round(figures["ratio"], 3) for figures in rounds]
    return chosen


def measure(env, urls, args, mode, folder):
    """Start gunicorn, load every page, stop it. Returns {page: figures}."""
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "-c", "gunicorn.conf.py", "newsroom.wsgi"],
        env=env,
        cwd=ROOT,
    )
    results = {}
    # Page cache off: the article page is the long tail; on, the one page readers hit most.
    script = tail_script(urls["tail"], folder) if mode == "off" else None
    try:
        wait_until_up(base)
        for page in PAGES:
            url = base + urls[page]
            status = status_of(url)
            if status != 200:
                print(f"  {mode:>3} {page:<8} skipped: {urls[page]} answers {status}")
                continue
            page_script = script if page == "article" else None
            wrk(url, 1, args.connections, script=page_script)  # warm up: connections, photos
            results[page] = figures = median_round(
                base + urls["trivial"], url, args, script=page_script
            )
            figures["long_tail"] = page_script is not None
            # One reader at a time: the latency of the page itself, without queueing.
            figures["alone_p50"] = wrk(url, args.duration, 1, script=page_script)["p50"]
            print(
                f"  {mode:>3} {page:<8} {figures['rps']:8.0f} req/s  x{figures['ratio']:5.3f}  "
                f"(trivial {figures['baseline_rps']:5.0f})  "
                f"p50 {figures['p50']:7.2f} ms  p99 {figures['p99']:7.2f} ms  "
                f"alone p50 {figures['alone_p50']:6.2f} ms"
                + ("  long tail" if figures["long_tail"] else "")
                + (f"  {figures['errors']} non-2xx!" if figures["errors"] else ""),
                flush=True,
            )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    return results


def sql_counts(kind, args, workdir, urls_of):
    """{page: statements} with every cache off on a newsroom of SMALL_SITE articles."""
    if kind == "sqlite":
        database_url = f"sqlite:///{workdir / 'small.sqlite3'}"
    else:
        database_url = args.postgres_url + "_small"
        recreate_postgres(database_url)
    env = base_environment(workdir / "small", database_url, args.port)
    urls = json.loads(run([PYTHON, "benchmarks/site.py", "generate", str(SMALL_SITE)], env))
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
    counted = json.loads(run([PYTHON, "benchmarks/site.py", "queries", *urls_of(urls)], env))
    return {page: counted[urls[page]] for page in READER_PAGES}


def benchmark_database(kind, args, workdir):
    if kind == "sqlite":
        database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    else:
        import psycopg

        database_url = args.postgres_url
        try:
            recreate_postgres(database_url)
        except psycopg.OperationalError as error:  # not reachable: measure SQLite only
            print(f"PostgreSQL skipped: {error}")
            return None
    env = base_environment(workdir, database_url, args.port)
    if kind == "postgresql" and args.change_file:
        env["PAGE_CACHE_CHANGE_FILE"] = str(workdir / "pagecache")
    started = time.monotonic()
    urls = json.loads(run([PYTHON, "benchmarks/site.py", "generate", str(args.articles)], env))
    print(f"{kind}: {args.articles} articles generated in {time.monotonic() - started:.0f} s")
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)

    def urls_of(site):
        return [site[page] for page in READER_PAGES]

    counted = json.loads(run([PYTHON, "benchmarks/site.py", "queries", *urls_of(urls)], env))
    report = {
        "urls": {page: urls[page] for page in PAGES},
        "tail": len(urls["tail"]),
        "queries": {page: counted[urls[page]] for page in READER_PAGES},
        "queries_small": sql_counts(kind, args, workdir, urls_of),
    }
    print(f"{kind}: SQL statements, every cache off, {SMALL_SITE} / {args.articles} articles:")
    for page in READER_PAGES:
        print(f"  {page:<8} {report['queries_small'][page]} / {report['queries'][page]}")
    for mode, extra in (("on", {}), ("off", {"PAGE_CACHE": "0"})):
        if args.redis_url:
            extra = {**extra, "REDIS_URL": args.redis_url}
        report[mode] = measure({**env, **extra}, urls, args, mode, workdir)
    return report


def main():
    args = arguments()
    args.load_before = os.getloadavg()[0]
    args.port = args.port or free_port()
    ensure_wrk()
    command = " ".join(["python", *sys.argv])
    reports = {}
    for kind in args.databases.split(","):
        with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as folder:
            report = benchmark_database(kind, args, Path(folder))
            if report is not None:
                reports[kind] = report
    print_targets(reports)
    Path(args.output).write_text(markdown(reports, args, command) + "\n")
    print(f"\nWritten to {args.output}")


if __name__ == "__main__":
    main()
