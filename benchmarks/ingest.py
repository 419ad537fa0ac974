"""Benchmark the tracking API: batches of 100 track events from 16 concurrent senders on
loopback, with durable writes, validation and deduplication, for 60 s.

    .venv/bin/python benchmarks/ingest.py --runs 3

The load generator is wrk (Debian's package, installed by this script when missing), which
sends each request with fresh message ids from a Lua script, so nothing is deduplicated away.
Each run measures, against the same wrk settings:

* floor: a bare FastAPI endpoint on the same uvicorn that only parses the batch;
* hatake: `hatake serve` on a demo home (the 500-account demo) with the drain into DuckDB
  running, answering only once the batch is committed to the buffer. The scheduled score
  refresh is off unless `--refresh-minutes` is given: it is not ingestion, and its work shares
  the same interpreter lock (run with `--refresh-minutes 1` to see its effect).

hatake is measured twice: flat out (as many requests as it can answer, so its latency is mostly
queueing behind the other 15 connections) and paced (each connection pauses 26 ms after an
answer), which shows the latency of a server that is not saturated.
After each hatake run the script waits for the drain and checks that the analytics store holds
exactly the acknowledged events: none lost, none twice.
"""

from __future__ import annotations

import argparse
import base64
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb
import httpx

BATCH = 100
CONNECTIONS = 16
THREADS = 2
# Each connection pauses this long after an answer, so the server is not saturated: about
# 16 / (0.026 s + latency) batches a second (36,000 events a second on the machine measured).
PACED_PAUSE_MS = 26

LUA = r"""
local counter = 0
local threads_made = 0

-- setup runs in the main Lua state; `thread_number` becomes a global of each thread's own state.
function setup(thread)
  thread:set("thread_number", threads_made)
  threads_made = threads_made + 1
end

function init(args)
  run = args[1]
  batch = tonumber(args[2])
  wrk.headers["Authorization"] = "Basic " .. args[3]
  wrk.headers["Content-Type"] = "application/json"
  pause = tonumber(args[4])
end

-- Paced runs wait this long after each answer before the connection's next request.
function delay()
  return pause
end

request = function()
  counter = counter + 1
  local parts = {}
  for i = 1, batch do
    parts[i] = string.format(
      '{"type":"track","userId":"user-%d","event":"Report Exported",' ..
      '"context":{"groupId":"bench-%d"},"properties":{"format":"xlsx","rows":%d},' ..
      '"messageId":"%s-%d-%d-%d"}',
      (counter * 7 + i) % 5000, (counter + i) % 500, i, run, thread_number, counter, i)
  end
  return wrk.format("POST", "/v1/batch", nil, '{"batch":[' .. table.concat(parts, ",") .. ']}')
end
"""

FLOOR_APP = """
import orjson
from fastapi import FastAPI, Request, Response

app = FastAPI()

@app.post("/v1/batch")
async def batch(request: Request) -> Response:
    orjson.loads(await request.body())
    return Response(b'{"success":true}', media_type="application/json")
"""


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    non_2xx: int
    errors: int
    p50_ms: float
    p99_ms: float

    @property
    def events_per_second(self) -> float:
        return self.requests * BATCH / self.seconds


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    root = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*root, "apt-get", "update", "-qq"], check=True)
    subprocess.run(
        [*root, "apt-get", "install", "-y", "-qq", "--no-install-recommends", "wrk"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    return shutil.which("wrk") or "/usr/bin/wrk"


def _wait_for(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"server at {url} did not start") from None
            time.sleep(0.2)


def _milliseconds(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _wrk(wrk: str, url: str, seconds: int, script: Path, auth: str, pause_ms: int = 0) -> WrkResult:
    output = subprocess.run(
        [
            wrk,
            f"-t{THREADS}",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "--latency",
            "-s",
            str(script),
            url,
            "--",
            uuid.uuid4().hex[:8],
            str(BATCH),
            auth,
            str(pause_ms),
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    done = re.search(r"(\d+) requests in ([\d.]+)(s|m)", output)
    assert done, output
    seconds_taken = float(done.group(2)) * (60 if done.group(3) == "m" else 1)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", output, flags=re.MULTILINE))
    return WrkResult(
        requests=int(done.group(1)),
        seconds=seconds_taken,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        errors=sum(int(n) for n in errors.groups()) if errors else 0,
        p50_ms=_milliseconds(latency["50"]),
        p99_ms=_milliseconds(latency["99"]),
    )


def _env(home: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("HATAKE_")}
    env["HATAKE_HOME"] = str(home)
    return env


def _bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def measure_floor(wrk: str, seconds: int, script: Path, scratch: Path) -> WrkResult:
    (scratch / "floor_app.py").write_text(FLOOR_APP)
    port = _free_port()
    server = subprocess.Popen(
        [_bin("uvicorn"), "floor_app:app", "--port", str(port), "--log-level", "warning"],
        cwd=scratch,
    )
    try:
        _wait_for(f"http://127.0.0.1:{port}/docs", server)
        return _wrk(wrk, f"http://127.0.0.1:{port}", seconds, script, "eDo=")
    finally:
        server.terminate()
        server.wait()


def measure_hatake(
    wrk: str,
    seconds: int,
    script: Path,
    demo: Path,
    scratch: Path,
    refresh_minutes: float,
    pause_ms: int = 0,
) -> WrkResult:
    home = scratch / "home"
    shutil.rmtree(home, ignore_errors=True)
    shutil.copytree(demo, home)
    env = _env(home)
    env["HATAKE_REFRESH_INTERVAL_MINUTES"] = str(refresh_minutes)
    key = subprocess.run(
        [_bin("hatake"), "source", "create", f"bench-{uuid.uuid4().hex[:6]}"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    token = subprocess.run(
        [_bin("hatake"), "token", "create", "--scope", "ingest"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    port = _free_port()
    server = subprocess.Popen(
        [_bin("hatake"), "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{url}/login", server)
        auth = base64.b64encode(f"{key}:".encode()).decode()
        result = _wrk(wrk, url, seconds, script, auth, pause_ms)
        started = time.monotonic()
        while True:
            status = httpx.get(
                f"{url}/api/v1/usage/ingestion",
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            ).json()
            if status["pending_batches"] == 0:
                break
            time.sleep(0.5)
        print(f"  drain caught up {time.monotonic() - started:.1f} s after the load ended")
    finally:
        server.terminate()
        server.wait()
    with duckdb.connect(str(home / "analytics.duckdb"), read_only=True) as con:
        stored, distinct = con.execute(
            "SELECT count(*), count(DISTINCT message_id) FROM usage_events "
            "WHERE account_id LIKE 'bench-%'"
        ).fetchone()
    acknowledged = (result.requests - result.non_2xx) * BATCH
    # wrk counts a request cut off at the end of the run as sent but not answered; it may or may
    # not have been stored, so the check allows for at most one batch per connection.
    assert stored == distinct, f"{stored - distinct} events stored twice"
    assert acknowledged <= stored <= acknowledged + CONNECTIONS * BATCH, (acknowledged, stored)
    print(f"  stored {stored:,} events, acknowledged {acknowledged:,}: none lost, none twice")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--home", type=Path, help="A demo HATAKE_HOME to copy for each run")
    parser.add_argument(
        "--refresh-minutes", type=float, default=0, help="Scheduled refresh interval (0: off)"
    )
    options = parser.parse_args()
    wrk = _ensure_wrk()
    with tempfile.TemporaryDirectory(prefix="hatake-ingest-") as directory:
        scratch = Path(directory)
        script = scratch / "batch.lua"
        script.write_text(LUA)
        demo = options.home
        if demo is None:
            demo = scratch / "demo"
            subprocess.run([_bin("hatake"), "demo"], env=_env(demo), check=True)
        print(f"{platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
        floors: list[WrkResult] = []
        runs: list[WrkResult] = []
        paced: list[WrkResult] = []
        for number in range(options.runs):
            floors.append(measure_floor(wrk, options.seconds, script, scratch))
            print(f"run {number + 1} floor: {floors[-1]}", flush=True)
            runs.append(
                measure_hatake(wrk, options.seconds, script, demo, scratch, options.refresh_minutes)
            )
            print(f"run {number + 1} hatake: {runs[-1]}", flush=True)
            paced.append(
                measure_hatake(
                    wrk,
                    options.seconds,
                    script,
                    demo,
                    scratch,
                    options.refresh_minutes,
                    PACED_PAUSE_MS,
                )
            )
            print(f"run {number + 1} hatake paced: {paced[-1]}", flush=True)

    def median(values: list[float]) -> float:
        return statistics.median(values)

    floor_rate = median([r.events_per_second for r in floors])
    rate = median([r.events_per_second for r in runs])
    print(
        f"\nmedian of {options.runs} runs, {options.seconds} s each, {CONNECTIONS} connections, "
        f"{BATCH} events per batch"
    )
    floor_p99 = median([r.p99_ms for r in floors])
    print(f"parse-only floor: {floor_rate:,.0f} events/s, p99 {floor_p99:.1f} ms")
    print(
        f"hatake:           {rate:,.0f} events/s, p50 {median([r.p50_ms for r in runs]):.1f} ms, "
        f"p99 {median([r.p99_ms for r in runs]):.1f} ms, "
        f"non-2xx {sum(r.non_2xx for r in runs)}, socket errors {sum(r.errors for r in runs)}"
    )
    print(f"ratio to the floor: {rate / floor_rate:.2f}")
    print(
        f"hatake paced:     {median([r.events_per_second for r in paced]):,.0f} events/s, "
        f"p50 {median([r.p50_ms for r in paced]):.1f} ms, "
        f"p99 {median([r.p99_ms for r in paced]):.1f} ms, "
        f"non-2xx {sum(r.non_2xx for r in paced)}, socket errors {sum(r.errors for r in paced)}"
    )


if __name__ == "__main__":
    main()
