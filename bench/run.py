"""Benchmark Peerwell over real HTTP, against the ASGI server, on benchmark-sized databases.

`python -m bench.run [--sizes 100000,500000] [--participants N] [--requests R]` measures the
application at each size (a number of contacts, each with its goal note): it builds the
benchmark organization (`peerwell bench-data`) into a fresh database per size, serves each
with its own uvicorn, measures each scenario at all sizes side by side (request n goes to
every server in turn) and writes var/bench/results.json. `--contacts M` measures one size.
The database is a fresh SQLite file per size (var/bench/bench-M.sqlite3), or, when
DATABASE_URL names a PostgreSQL server, a fresh database per size on that server
(`<name>_bench_M`, dropped first if it exists; the database DATABASE_URL names is left alone).

The bench specialist (password and authenticator code) makes the staff requests; the bench
participant (password only) ranks the directory, reads a busy specialist's open slots and
books, each booking a different open slot that bench-data lists (`--appointments` sets
how many sessions already fill the next eight weeks).

Each scenario's p95 is compared with the floor's: GET /health/ goes through the whole
middleware stack and does no work, so the ratio is what a page costs on top of the
framework, whatever the speed of the machine. Pages that follow a caseload (the dashboard,
the chart) are also compared across sizes: their p95 at the largest size over the smallest.
"""

import argparse
import contextlib
import json
import logging
import math
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import django
import django.apps
import httpx
from django_otp.oath import TOTP

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
BIN = Path(sys.executable).parent
WARMUP_REQUESTS = 20
STARTUP_SECONDS = 30
DEFAULT_SIZES = (100_000, 500_000)

# Largest p95 allowed, as a multiple of the floor's p95, at the largest size: a light
# signed-in page (the account page: session, second factor, membership) within 5 times, the
# first target; the dashboard, chart and note writes of issue 3 within 10 times. The 5 times
# were first measured on the dashboard while it was an empty shell; it now does the caseload
# work issue 3 gives it a 10 times target for.
RATIO_TARGETS = [
    ("account", 5.0),
    ("dashboard", 10.0),
    ("chart", 10.0),
    ("draft_save", 10.0),
    ("note_sign", 10.0),
    # Issue 4, as the bench participant: the ranked directory within 10 times, one busy
    # specialist's open slots over 14 days and a booking within 5 times.
    ("directory", 10.0),
    ("open_slots", 5.0),
    ("booking", 5.0),
]
# Largest p95 at the largest size, as a multiple of the same page's p95 at the smallest:
# these pages follow the caseload, which is the same at every size, not the database.
GROWTH_TARGETS = {"dashboard": 1.25, "chart": 1.25}


@dataclass(frozen=True)
class Scenario:
    """One kind of request; `path` and `form` may depend on the request's number."""

    name: str
    path: str | Callable[[int], str]
    signed_in: bool
    method: str = "GET"
    expect: int = 200
    form: Callable[[int], dict] | None = None  # POST body (the CSRF token is added)
    headers: dict = field(default_factory=dict)
    # GET the page a redirect leads to, untimed, as a browser would: it shows (and so
    # removes) the flash message, which otherwise piles up in the session.
    follow: bool = False
    requests: int | None = None  # at most this many (a pool of drafts runs out)
    warmup: int = WARMUP_REQUESTS
    who: str = "specialist"  # whose session: "specialist" or "participant"

    def url(self, number: int) -> str:
        return self.path(number) if callable(self.path) else self.path


FLOOR = Scenario("floor", "/health/", signed_in=False)


@dataclass
class Measurement:
    """Timings (ms) of the requests that answered as expected, and how many did not."""

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


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    return numerator / denominator if numerator and denominator else None


def _note_form(text: str) -> dict:
    """The note editor's form as a browser posts it: no action steps, mood 5."""
    return {
        "steps-TOTAL_FORMS": "0",
        "steps-INITIAL_FORMS": "0",
        "check_in": text,
        "mood": "5",
    }


def _booking_form(slot: tuple[int, str]) -> dict:
    """The booking page's form as a browser posts it: one offered start, by phone."""
    return {"starts_at": slot[1], "modality": "phone"}


def _scenarios(handles, requests: int) -> list[Scenario]:
    """The scenarios, in the order they run.

    The dashboard runs last: it lists every draft of the bench specialist, and the pool of
    drafts to sign is theirs until note_sign has signed it (the runner asks bench-data for
    exactly as many as note_sign takes), so measured last it shows a specialist's own drafts.
    Each booking takes a different open slot (bench-data's list, none overlapping another):
    a real booking every time.
    """
    pool = handles.sign_pool
    sign_warmup = min(WARMUP_REQUESTS, max(0, len(pool) - requests))
    slots = handles.booking_slots
    booking_warmup = min(WARMUP_REQUESTS, max(0, len(slots) - requests))
    return [
        Scenario("login_page", "/account/sign-in/", signed_in=False),
        Scenario("account", "/account/", signed_in=True),
        Scenario("chart", f"/participants/{handles.chart_participant}/", signed_in=True),
        Scenario(
            "draft_save",
            f"/notes/{handles.draft_note}/draft/",
            signed_in=True,
            method="POST",
            form=lambda n: _note_form(f"Talked about the week and planned a walk (visit {n})."),
            headers={"HX-Request": "true"},
        ),
        Scenario(
            "note_sign",
            lambda n: f"/notes/{pool[n]}/sign/",
            signed_in=True,
            method="POST",
            expect=302,
            form=lambda n: _note_form(f"Met at the library and planned the next step ({n})."),
            follow=True,
            requests=min(requests, len(pool) - sign_warmup),
            warmup=sign_warmup,
        ),
        Scenario("directory", "/peers/", signed_in=True, who="participant"),
        Scenario(
            "open_slots",
            f"/peers/{handles.open_slots_specialist}/book/",
            signed_in=True,
            who="participant",
        ),
        Scenario(
            "booking",
            lambda n: f"/peers/{slots[n][0]}/book/",
            signed_in=True,
            method="POST",
            expect=302,
            form=lambda n: _booking_form(slots[n]),
            follow=True,
            requests=min(requests, len(slots) - booking_warmup),
            warmup=booking_warmup,
            who="participant",
        ),
        Scenario("dashboard", "/home/", signed_in=True),
    ]


# --- databases ------------------------------------------------------------------------


def _database_for(size: int, server_url: str | None) -> tuple[str, str]:
    """A fresh database for one size, and its kind: on the PostgreSQL server of
    `server_url` (DATABASE_URL) if there is one, else a new SQLite file."""
    if server_url:
        return _fresh_postgres_database(server_url, size), "postgresql"
    database = BENCH_DIR / f"bench-{size}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{database}", "sqlite"


def _fresh_postgres_database(base_url: str, size: int) -> str:
    import psycopg
    from psycopg import sql

    parts = urlsplit(base_url)
    name = f"{parts.path.lstrip('/')}_bench_{size}"
    with psycopg.connect(base_url, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return urlunsplit(parts._replace(path=f"/{name}"))


def _use_database(database_url: str):
    """Point the subprocesses, and Django here (for the bench account and the handles), at
    this database; return the bench-data module."""
    os.environ["DATABASE_URL"] = database_url
    if not django.apps.apps.ready:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerwell.settings")
        django.setup()
        # Django's logging settings put the root logger at INFO, where httpx logs every
        # request.
        logging.getLogger("httpx").setLevel(logging.WARNING)
    else:
        # Set up once: from then on only the database's name changes (same kind, server).
        import dj_database_url
        from django.db import connections

        connections.close_all()
        connection = connections["default"]
        if getattr(connection, "pool", None) is not None:
            # A PostgreSQL pool keeps handing out connections to the database it was made
            # for: without this the second size's handles came from the first's database.
            connection.close_pool()
        connection.settings_dict["NAME"] = dj_database_url.parse(database_url)["NAME"]
    # Imported only now: the module imports models, which need Django set up.
    from peerwell.core.management.commands import bench_data

    return bench_data


def _read_database(bench_data) -> tuple[int, object]:
    """Participants in the bench organization, and the runner's handles (chart, drafts)."""
    from django.db import connections

    from peerwell.accounts.models import Membership
    from peerwell.core.roles import Role

    count = Membership.objects.filter(
        organization__slug=bench_data.ORGANIZATION["slug"], role=Role.PARTICIPANT
    ).count()
    handles = bench_data.bench_handles()
    connections.close_all()
    if handles.chart_participant is None or handles.draft_note is None:
        sys.exit("bench-data left the bench specialist without participants or drafts")
    if handles.open_slots_specialist is None:
        sys.exit("bench-data left no specialist with appointments (--appointments 0?)")
    return count, handles


def _peerwell(*args: str, show_output: bool = False) -> float:
    """Run a `peerwell` command; return its duration in seconds, or stop on failure.

    With `show_output` its output (progress) goes straight to the terminal."""
    started = time.perf_counter()
    # `python -m peerwell` from the checkout, not the `peerwell` script: the script imports
    # whichever checkout the environment was installed from (a git worktree shares it).
    done = subprocess.run(  # noqa: S603  (our own command, fixed arguments)
        [sys.executable, "-m", "peerwell", *args],
        cwd=ROOT,
        capture_output=not show_output,
        text=True,
        check=False,
    )
    if done.returncode:
        output = "" if show_output else f"\n{done.stdout}{done.stderr}"
        sys.exit(f"peerwell {' '.join(args)} failed{output}")
    return time.perf_counter() - started


# --- server and requests ----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_server(port: int, log, database_url: str) -> subprocess.Popen:
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
        env={**os.environ, "DATABASE_URL": database_url},
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


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


def _totp_code(key_hex: str) -> str:
    return f"{TOTP(bytes.fromhex(key_hex)).token():06d}"


def _sign_in(base_url: str, email: str, password: str, key_hex: str | None) -> httpx.Cookies:
    """Sign in with password and authenticator code (none for a participant, who has no
    second factor), as a browser would; return the cookies."""
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
        if key_hex is None:
            return client.cookies
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


def _request(client: httpx.Client, scenario: Scenario, number: int, into: Measurement) -> None:
    into.requests += 1
    data = None
    if scenario.form is not None:
        # Signing in rotates the CSRF token (and the MFA step cycles the session): the
        # cookie holds the current one.
        data = {**scenario.form(number), "csrfmiddlewaretoken": client.cookies["csrftoken"]}
    started = time.perf_counter()
    try:
        response = client.request(
            scenario.method, scenario.url(number), data=data, headers=scenario.headers
        )
    except httpx.HTTPError:
        into.errors += 1
        return
    elapsed_ms = (time.perf_counter() - started) * 1000
    # Any other answer (a redirect to the sign-in page, a refused form) is not the page
    # measured, and may be fast and flatter it: count it as an error, leave it out.
    if response.status_code == scenario.expect:
        into.samples.append(elapsed_ms)
    else:
        into.errors += 1
    if scenario.follow and response.is_redirect:
        try:
            client.get(response.headers["location"])
        except httpx.HTTPError:
            into.errors += 1


# Where and what to measure: (server's base URL, scenario, cookies, floor measurement).
Leg = tuple[str, Scenario, httpx.Cookies | None, Measurement | None]


def _run(legs: list[Leg], requests: int) -> list[Measurement]:
    """Measure one scenario at every size, interleaved; return a Measurement per leg.

    Each has its own keep-alive connection and
    uncounted warm-up requests; then request n goes to every server in turn. Given a
    floor, a floor request (on a second connection) goes before each measured request and
    its timing is added to it. Sizes measured side by side see the machine alike, so what
    one page costs more at one size than another is the data's doing, not a busy moment.
    """
    results = [Measurement() for _ in legs]
    with contextlib.ExitStack() as stack:
        clients = [
            (
                stack.enter_context(httpx.Client(base_url=url, timeout=30, cookies=cookies)),
                stack.enter_context(httpx.Client(base_url=url, timeout=30)),
            )
            for url, _scenario, cookies, _floor in legs
        ]
        for (client, _), (_url, scenario, _cookies, _floor) in zip(clients, legs, strict=True):
            for number in range(scenario.warmup):
                _request(client, scenario, number, Measurement())
        counts = [
            min(requests, scenario.requests if scenario.requests is not None else requests)
            for _url, scenario, _cookies, _floor in legs
        ]
        for n in range(max(counts, default=0)):
            for leg, (client, floor_client), result, count in zip(
                legs, clients, results, counts, strict=True
            ):
                _url, scenario, _cookies, floor = leg
                if n >= count:
                    continue
                if floor is not None:
                    _request(floor_client, FLOOR, n, floor)
                _request(client, scenario, scenario.warmup + n, result)
    return results


@dataclass
class Site:
    """One size: its database and data, then its server and what was measured there."""

    size: int
    database_url: str
    database: str
    participants: int
    scenarios: list[Scenario]
    timings: dict[str, float]
    base_url: str = ""
    cookies: dict[str, httpx.Cookies] = field(default_factory=dict)  # by Scenario.who
    floor: Measurement = field(default_factory=Measurement)
    results: dict[str, Measurement] = field(default_factory=dict)

    def report(self) -> dict:
        floor_p95 = self.floor.percentile(0.95)
        return {
            "contacts": self.size,
            "participants": self.participants,
            "database": self.database,
            "floor": self.floor.summary(),
            "scenarios": {
                name: {
                    **measurement.summary(),
                    "ratio_p95_to_floor": _round(_ratio(measurement.percentile(0.95), floor_p95)),
                }
                for name, measurement in self.results.items()
            },
            "timings": {name: round(seconds, 2) for name, seconds in self.timings.items()},
        }


def _build(size: int, args, server_url: str | None) -> Site:
    """A fresh database for one size, migrated and filled by bench-data."""
    database_url, database = _database_for(size, server_url)
    bench_data = _use_database(database_url)
    print(f"\n== {size} contacts, {args.participants} participants, {database} ==", flush=True)
    timings = {"migrate_s": _peerwell("migrate", "--no-input")}
    timings["bench_data_s"] = _peerwell(
        "bench-data",
        "--participants",
        str(args.participants),
        "--contacts",
        str(size),
        # Exactly what note_sign takes (with its warm-up), so none is left on the dashboard.
        "--sign-pool",
        str(args.requests + WARMUP_REQUESTS),
        "--appointments",
        str(args.appointments),
        show_output=True,
    )
    participants, handles = _read_database(bench_data)
    return Site(
        size=size,
        database_url=database_url,
        database=database,
        participants=participants,
        scenarios=_scenarios(handles, args.requests),
        timings=timings,
    )


def _serve(site: Site, stack: contextlib.ExitStack, bench_data) -> None:
    """Start the site's server (stopped when the stack closes) and sign in to it."""
    port = _free_port()
    site.base_url = f"http://127.0.0.1:{port}"
    log_path = BENCH_DIR / f"server-{site.size}.log"
    log = stack.enter_context(log_path.open("w"))
    started = time.perf_counter()
    server = _start_server(port, log, site.database_url)
    stack.callback(_stop_server, server)
    _wait_until_up(site.base_url, server, log_path)
    site.timings["server_start_s"] = time.perf_counter() - started
    email = bench_data.BENCH_SPECIALIST_EMAIL
    site.cookies["specialist"] = _sign_in(
        site.base_url, email, bench_data.BENCH_PASSWORD, bench_data.bench_totp_key(email)
    )


def _cookies(site: Site, who: str, bench_data) -> httpx.Cookies:
    """The session of `who` at this site. The participant signs in only when first needed,
    so their session is not left idle (and signed out) while the staff scenarios run."""
    if who not in site.cookies:
        site.cookies[who] = _sign_in(
            site.base_url, bench_data.BENCH_PARTICIPANT_EMAIL, bench_data.BENCH_PASSWORD, None
        )
    return site.cookies[who]


def _measure(sites: list[Site], requests: int) -> None:
    """Serve every size at once and measure each scenario at all of them side by side."""
    from peerwell.core.management.commands import bench_data

    with contextlib.ExitStack() as stack:
        for site in sites:
            _serve(site, stack, bench_data)
        started = time.perf_counter()
        # The floor is measured first on its own, then interleaved with every scenario
        # (one floor request before each scenario request), all pooled: a machine that
        # slows down for a while then slows both sides of the ratio alike. (A floor
        # request right after a page may wait on that page's clean-up, about 10% here.)
        floors = _run([(site.base_url, FLOOR, None, None) for site in sites], requests)
        for site, floor in zip(sites, floors, strict=True):
            site.floor = floor
        for index, scenario in enumerate(sites[0].scenarios):
            legs = [
                (
                    site.base_url,
                    site.scenarios[index],
                    _cookies(site, scenario.who, bench_data) if scenario.signed_in else None,
                    site.floor,
                )
                for site in sites
            ]
            for site, result in zip(sites, _run(legs, requests), strict=True):
                site.results[scenario.name] = result
        measuring = time.perf_counter() - started
    for site in sites:
        site.timings["measure_s"] = measuring


# --- report -----------------------------------------------------------------------------


def _growth(smallest: dict, largest: dict) -> dict:
    """Each scenario's p95 at the largest size over the smallest (and the same for its
    ratio to the floor at each size, for comparison)."""
    growth = {}
    for name, row in largest["scenarios"].items():
        before = smallest["scenarios"].get(name, {})
        growth[name] = {
            "p95_ms_smallest": before.get("p95_ms"),
            "p95_ms_largest": row["p95_ms"],
            "growth_p95": _round(_ratio(row["p95_ms"], before.get("p95_ms"))),
            "growth_ratio_to_floor": _round(
                _ratio(row["ratio_p95_to_floor"], before.get("ratio_p95_to_floor"))
            ),
        }
    return growth


def _targets(sizes: list[dict], growth: dict | None) -> dict:
    largest = sizes[-1]
    targets = {}
    for name, limit in RATIO_TARGETS:
        ratio = largest["scenarios"].get(name, {}).get("ratio_p95_to_floor")
        targets[f"{name}_p95_within_{limit:g}x_floor"] = {
            "scenario": name,
            "measure": "ratio_p95_to_floor",
            "contacts": largest["contacts"],
            "max": limit,
            "value": ratio,
            "passed": ratio is not None and ratio <= limit,
        }
    if growth is not None:
        for name, limit in GROWTH_TARGETS.items():
            value = growth.get(name, {}).get("growth_p95")
            targets[f"{name}_p95_growth_within_{limit:g}x"] = {
                "scenario": name,
                "measure": "growth_p95",
                "contacts": [sizes[0]["contacts"], largest["contacts"]],
                "max": limit,
                "value": value,
                "passed": value is not None and value <= limit,
            }
    return targets


def _fmt(value: float | None, unit: str = "") -> str:
    return "-" if value is None else f"{value:.2f}{unit}"


def _print_size(result: dict, growth: dict | None) -> None:
    timings = result["timings"]
    print(
        f"\n{result['database']}, {result['participants']} participants, "
        f"{result['contacts']} contacts; migrate {timings['migrate_s']:.1f}s, "
        f"bench-data {timings['bench_data_s']:.1f}s, server start "
        f"{timings['server_start_s']:.1f}s, measuring {timings['measure_s']:.0f}s"
    )
    print(
        f"{'scenario':<12} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p95/floor':>9}" + (f" {'growth p95':>10}" if growth else "")
    )
    rows = [("floor", {**result["floor"], "ratio_p95_to_floor": 1.0})]
    rows += result["scenarios"].items()
    for name, row in rows:
        line = (
            f"{name:<12} {row['requests']:>8} {row['errors']:>6} {_fmt(row['p50_ms']):>8} "
            f"{_fmt(row['p95_ms']):>8} {_fmt(row['ratio_p95_to_floor'], 'x'):>9}"
        )
        if growth:
            line += f" {_fmt(growth.get(name, {}).get('growth_p95'), 'x'):>10}"
        print(line)


def _print_targets(targets: dict) -> None:
    print(f"\n{'target':<34} {'contacts':>15} {'value':>7} {'max':>6}  result")
    for name, target in targets.items():
        contacts = target["contacts"]
        at = "→".join(map(str, contacts)) if isinstance(contacts, list) else str(contacts)
        print(
            f"{name:<34} {at:>15} {_fmt(target['value'], 'x'):>7} {target['max']:>5g}x  "
            f"{'PASS' if target['passed'] else 'FAIL'}"
        )


def _sizes(text: str) -> list[int]:
    try:
        sizes = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from None
    if not sizes or sizes[0] < 0:
        raise argparse.ArgumentTypeError("sizes are numbers of contacts, 0 or more")
    return sizes


def main(argv: list[str] | None = None) -> int:
    """Build, serve and measure each size; 1 if a target failed or errors occurred."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--participants", type=int, default=20_000)
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--sizes",
        type=_sizes,
        default=list(DEFAULT_SIZES),
        help="contacts at each size measured, comma-separated (default 100000,500000)",
    )
    which.add_argument("--contacts", type=int, help="measure this one size (a number of contacts)")
    parser.add_argument("--requests", type=int, default=300, help="measured requests per scenario")
    parser.add_argument(
        "--appointments", type=int, default=50_000, help="future booked sessions at each size"
    )
    args = parser.parse_args(argv)
    sizes = [args.contacts] if args.contacts is not None else args.sizes
    server_url = os.environ.get("DATABASE_URL")
    if server_url and not server_url.startswith("postgres"):
        parser.error(f"DATABASE_URL names {server_url.split(':', 1)[0]}: only PostgreSQL is used")

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    # The subprocesses inherit these, and so does Django here (for the bench account).
    os.environ.update(PEERWELL_ENV="development", DEBUG="false")
    started = time.perf_counter()
    sites = [_build(size, args, server_url) for size in sizes]
    print(f"\nMeasuring {', '.join(str(size) for size in sizes)} contacts side by side", flush=True)
    _measure(sites, args.requests)
    results = [site.report() for site in sites]

    growth = _growth(results[0], results[-1]) if len(results) > 1 else None
    targets = _targets(results, growth)
    largest = results[-1]
    report = {
        "database": largest["database"],
        "participants": largest["participants"],
        "contacts": largest["contacts"],
        # The largest size's, as before there were sizes.
        "scenarios": largest["scenarios"],
        "floor": largest["floor"],
        "sizes": {str(result["contacts"]): result for result in results},
        "growth": growth,
        "targets": targets,
        "timings": {"total_s": round(time.perf_counter() - started, 1)},
    }
    (BENCH_DIR / "results.json").write_text(json.dumps(report, indent=2) + "\n")

    for result in results:
        _print_size(result, growth if result is largest else None)
    _print_targets(targets)
    if growth is None:
        print("(one size only: growth across sizes not measured)")
    errors = sum(
        result["floor"]["errors"] + sum(row["errors"] for row in result["scenarios"].values())
        for result in results
    )
    failed = [name for name, target in targets.items() if not target["passed"]]
    print(
        f"\nResults in {(BENCH_DIR / 'results.json').relative_to(ROOT)} "
        f"({report['timings']['total_s']:.0f}s in all)"
    )
    if errors:
        print(f"{errors} request(s) did not answer as expected")
    if failed:
        print(f"Targets missed: {', '.join(failed)}")
    return 1 if errors or failed else 0


if __name__ == "__main__":
    sys.exit(main())
