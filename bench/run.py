"""Benchmark Peerwell over real HTTP, against the ASGI server, on a benchmark-sized database.

`python -m bench.run [--participants N] [--requests R]` builds the benchmark organization
(`peerwell bench-data`) into var/bench/bench.sqlite3, or into the database DATABASE_URL
names (PostgreSQL), serves it with uvicorn, measures each scenario and writes
var/bench/results.json. Each scenario's p95 is compared with the floor's: GET /health/
goes through the whole middleware stack and does no work, so the ratio is what a page
costs on top of the framework, whatever the speed of the machine.
"""

import argparse
import json
import logging
import math
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import django
import httpx
from django_otp.oath import TOTP

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
BIN = Path(sys.executable).parent
WARMUP_REQUESTS = 20
STARTUP_SECONDS = 30

# Largest p95 allowed for a scenario, as a multiple of the floor's p95.
TARGETS = {"dashboard": 5.0}


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str
    signed_in: bool


SCENARIOS = [
    Scenario("login_page", "/account/sign-in/", signed_in=False),
    Scenario("dashboard", "/home/", signed_in=True),
]
FLOOR = Scenario("floor", "/health/", signed_in=False)


@dataclass
class Measurement:
    """Timings (ms) of the requests that answered 200, and how many did not."""

    requests: int = 0
    errors: int = 0
    samples: list[float] = field(default_factory=list)

    def percentile(self, fraction: float) -> float | None:
        """Nearest-rank percentile, None when no request succeeded."""
        if not self.samples:
            return None
        ordered = sorted(self.samples)
        return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]

    def summary(self) -> dict:
        return {
            "p50_ms": _round(self.percentile(0.50)),
            "p95_ms": _round(self.percentile(0.95)),
            "requests": self.requests,
            "errors": self.errors,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _database_url() -> tuple[str, str]:
    """The database to use and its kind: DATABASE_URL if set, else a fresh SQLite file."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url, "postgresql" if url.startswith("postgres") else url.split(":", 1)[0]
    # Start from nothing each run, so the participant count is exactly the one asked for
    # and sessions and audit events of earlier runs do not pile up.
    database = BENCH_DIR / "bench.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{database}", "sqlite"


def _peerwell(*args: str) -> float:
    """Run a `peerwell` command; return its duration in seconds, or stop on failure."""
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603  (our own command, fixed arguments)
        [str(BIN / "peerwell"), *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode:
        sys.exit(f"peerwell {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    if done.stdout.strip() and args[0] != "migrate":
        print(done.stdout.strip())
    return time.perf_counter() - started


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_server(port: int, log) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603  (our own server, fixed arguments)
        [
            str(BIN / "uvicorn"),
            "peerwell.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--lifespan",
            "off",
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _wait_until_up(base_url: str, server: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server stopped on start:\n{log_path.read_text()}")
        try:
            if httpx.get(f"{base_url}/health/", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    sys.exit(
        f"the server did not answer /health/ within {STARTUP_SECONDS}s:\n{log_path.read_text()}"
    )


def _bench_data_module():
    """The bench-data module, which names the bench specialist's sign-in details."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerwell.settings")
    django.setup()
    # Django's logging settings put the root logger at INFO, where httpx logs every request.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # Imported only now: the module imports models, which need Django set up.
    from peerwell.core.management.commands import bench_data

    return bench_data


def _participant_count(slug: str) -> int:
    """Participants in the bench organization: more than asked if a reused database had more."""
    from django.db import connections

    from peerwell.accounts.models import Membership
    from peerwell.core.roles import Role

    count = Membership.objects.filter(organization__slug=slug, role=Role.PARTICIPANT).count()
    connections.close_all()
    return count


def _totp_code(key_hex: str) -> str:
    return f"{TOTP(bytes.fromhex(key_hex)).token():06d}"


def _sign_in(base_url: str, email: str, password: str, key_hex: str) -> httpx.Cookies:
    """Sign in with password and authenticator code, as a browser would; return the cookies."""
    with httpx.Client(base_url=base_url, timeout=10) as client:
        client.get("/account/sign-in/").raise_for_status()
        response = client.post(
            "/account/sign-in/",
            data={
                "username": email,
                "password": password,
                "csrfmiddlewaretoken": client.cookies["csrftoken"],
            },
        )
        if response.status_code != 302:
            sys.exit(f"sign-in as {email} failed: HTTP {response.status_code}")
        client.get("/account/mfa/verify/").raise_for_status()
        for _attempt in range(2):
            response = client.post(
                "/account/mfa/verify/",
                data={
                    "token": _totp_code(key_hex),
                    "csrfmiddlewaretoken": client.cookies["csrftoken"],
                },
            )
            if response.status_code == 302:
                return client.cookies
            # django-otp takes each code once per device (a reused database may have seen
            # this one): wait for the next 30-second step and its new code.
            time.sleep(31 - time.time() % 30)
        sys.exit(f"the second factor of {email} was refused twice")


def _request(client: httpx.Client, path: str, into: Measurement) -> None:
    into.requests += 1
    started = time.perf_counter()
    try:
        response = client.get(path)
    except httpx.HTTPError:
        into.errors += 1
        return
    elapsed_ms = (time.perf_counter() - started) * 1000
    # A redirect (to the sign-in page, say) is fast and would flatter the page: count it
    # as an error and leave it out of the timings.
    if response.status_code == 200:
        into.samples.append(elapsed_ms)
    else:
        into.errors += 1


def _run(
    base_url: str,
    scenario: Scenario,
    requests: int,
    cookies: httpx.Cookies | None = None,
    floor: Measurement | None = None,
) -> Measurement:
    """Measure one scenario on its own keep-alive connection, after uncounted warm-up requests.

    Given `floor`, a floor request (on a second connection) goes before each measured
    request and its timing is added to `floor`.
    """
    result = Measurement()
    with (
        httpx.Client(base_url=base_url, timeout=10, cookies=cookies) as client,
        httpx.Client(base_url=base_url, timeout=10) as floor_client,
    ):
        for _ in range(WARMUP_REQUESTS):
            _request(client, scenario.path, Measurement())
        for _ in range(requests):
            if floor is not None:
                _request(floor_client, FLOOR.path, floor)
            _request(client, scenario.path, result)
    return result


def _print_table(report: dict) -> None:
    print(
        f"\n{'scenario':<12} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p95/floor':>9}  target"
    )
    rows = [("floor", {**report["floor"], "ratio_p95_to_floor": 1.0})]
    rows += report["scenarios"].items()
    for name, row in rows:
        target = report["targets"].get(name)
        verdict = ""
        if target:
            passed = "PASS" if target["passed"] else "FAIL"
            verdict = f"<= {target['max_ratio_p95_to_floor']:g}x  {passed}"
        print(
            f"{name:<12} {row['requests']:>8} {row['errors']:>6} {_fmt(row['p50_ms']):>8} "
            f"{_fmt(row['p95_ms']):>8} {_fmt(row['ratio_p95_to_floor'], 'x'):>9}  {verdict}"
        )


def _fmt(value: float | None, unit: str = "") -> str:
    return "-" if value is None else f"{value:.2f}{unit}"


def main(argv: list[str] | None = None) -> int:
    """Build the data, serve it, measure every scenario; 1 if a target failed or errors occurred."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=300, help="measured requests per scenario")
    args = parser.parse_args(argv)

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    database_url, database = _database_url()
    # The subprocesses inherit these, and so does Django here (for the bench account).
    os.environ.update(DATABASE_URL=database_url, PEERWELL_ENV="development", DEBUG="false")
    timings = {"migrate_s": _peerwell("migrate", "--no-input")}
    timings["bench_data_s"] = _peerwell("bench-data", "--participants", str(args.participants))
    bench_data = _bench_data_module()
    participants = _participant_count(bench_data.ORGANIZATION["slug"])

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = BENCH_DIR / "server.log"
    with log_path.open("w") as log:
        server = _start_server(port, log)
        try:
            started = time.perf_counter()
            _wait_until_up(base_url, server, log_path)
            timings["server_start_s"] = time.perf_counter() - started
            email = bench_data.BENCH_SPECIALIST_EMAIL
            cookies = _sign_in(
                base_url, email, bench_data.BENCH_PASSWORD, bench_data.bench_totp_key(email)
            )
            # The floor is measured first on its own, then interleaved with every scenario
            # (one floor request before each scenario request), all pooled: a machine that
            # slows down for a while then slows both sides of the ratio alike. (A floor
            # request right after a page may wait on that page's clean-up, about 10% here.)
            floor = _run(base_url, FLOOR, args.requests)
            results = {
                s.name: _run(base_url, s, args.requests, cookies if s.signed_in else None, floor)
                for s in SCENARIOS
            }
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()

    floor_p95 = floor.percentile(0.95)
    scenarios, targets = {}, {}
    for name, measurement in results.items():
        p95 = measurement.percentile(0.95)
        ratio = p95 / floor_p95 if p95 and floor_p95 else None
        scenarios[name] = {**measurement.summary(), "ratio_p95_to_floor": _round(ratio)}
        if name in TARGETS:
            targets[name] = {
                "max_ratio_p95_to_floor": TARGETS[name],
                "ratio_p95_to_floor": _round(ratio),
                "passed": ratio is not None and ratio <= TARGETS[name],
            }
    report = {
        "database": database,
        "participants": participants,
        "scenarios": scenarios,
        "floor": floor.summary(),
        "targets": targets,
        "timings": {name: round(seconds, 2) for name, seconds in timings.items()},
    }
    (BENCH_DIR / "results.json").write_text(json.dumps(report, indent=2) + "\n")

    print(
        f"\n{database}, {participants} participants; migrate {timings['migrate_s']:.1f}s, "
        f"bench-data {timings['bench_data_s']:.1f}s, server start {timings['server_start_s']:.1f}s"
    )
    _print_table(report)
    errors = floor.errors + sum(m.errors for m in results.values())
    failed = [name for name, target in targets.items() if not target["passed"]]
    print(f"\nResults in {(BENCH_DIR / 'results.json').relative_to(ROOT)}")
    if errors:
        print(f"{errors} request(s) did not answer 200")
    if failed:
        print(f"Targets missed: {', '.join(failed)}")
    return 1 if errors or failed else 0


if __name__ == "__main__":
    sys.exit(main())
