"""HTTP load for the benchmarks: wrk (Debian's package) when installed, else a small asyncio client.

``drive_wrk``: wrk's C client for ``seconds``, ``connections`` open at once, a random one of the paths per
request (a Lua script), reporting p50/p95/p99 from wrk's own latency histogram. It takes a fraction of
the CPU the Python client does, so on a 2-core machine it measures the server rather than the client.
Latency is from sending the request to the response's last byte.

``drive``: the asyncio client, a fixed number of requests at a fixed concurrency. Each request opens its
own connection, as gunicorn's sync workers close it after every response. Latency is measured from
connecting to the last byte. Used for warming up and where a fixed count matters (memory over N requests).
"""

import asyncio
import json
import random
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit


@dataclass
class LoadResult:
    requests: int
    seconds: float
    errors: int
    latencies: list[float]
    # share → seconds, when the client computed them itself (wrk)
    percentiles: dict[float, float] = field(default_factory=dict)

    def percentile(self, share: float) -> float:
        if share in self.percentiles:
            return self.percentiles[share]
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def _run(base_url: str, paths: list[str], requests: int, concurrency: int, seed: int, cookie: str) -> LoadResult:
    address = urlsplit(base_url)
    host, port = address.hostname, address.port or 80
    rng = random.Random(seed)
    remaining = requests
    latencies: list[float] = []
    errors = 0

    async def one(path: str) -> None:
        nonlocal errors
        started = time.perf_counter()
        try:
            reader, writer = await asyncio.open_connection(host, port)
            extra = f"Cookie: {cookie}\r\n" if cookie else ""
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{extra}Connection: close\r\n\r\n".encode())
            await writer.drain()
            response = await asyncio.wait_for(reader.read(), timeout=60)
            writer.close()
            status = int(response[9:12]) if response.startswith(b"HTTP/1.") else 0
            if not 200 <= status < 400:
                errors += 1
        except (TimeoutError, OSError, ValueError):
            errors += 1
        latencies.append(time.perf_counter() - started)

    async def client() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await one(rng.choice(paths))

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return LoadResult(requests, time.perf_counter() - started, errors, latencies)


def drive(
    base_url: str, paths: list[str], *, requests: int, concurrency: int, seed: int = 1, cookie: str = ""
) -> LoadResult:
    """``cookie`` (e.g. ``sessionid=…``) is sent with every request: the admin's pages need a logged-in editor."""
    return asyncio.run(_run(base_url, paths, requests, concurrency, seed, cookie))


# wrk calls request() for every request and done() once; "paths" and "cookie" are set by setup().
_WRK_SCRIPT = """
local paths = %(paths)s
local cookie = %(cookie)s
local thread_number = 0
setup = function(thread)
  thread_number = thread_number + 1
  thread:set("seed", thread_number)
end
init = function(args)
  math.randomseed(seed)
  if cookie ~= "" then wrk.headers["Cookie"] = cookie end
end
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '\\nRESULT {"requests": %%d, "seconds": %%f, "errors": %%d, "p50": %%f, "p95": %%f, "p99": %%f}\\n',
    summary.requests, summary.duration / 1e6,
    errors.connect + errors.read + errors.write + errors.status + errors.timeout,
    latency:percentile(50) / 1e6, latency:percentile(95) / 1e6, latency:percentile(99) / 1e6))
end
"""


def has_wrk() -> bool:
    return shutil.which("wrk") is not None


def drive_wrk(base_url: str, paths: list[str], *, seconds: float, connections: int, cookie: str = "") -> LoadResult:
    """``paths`` under wrk for ``seconds`` with ``connections`` open (two wrk threads)."""

    def lua(text: str) -> str:
        return json.dumps(text)  # a JSON string is a valid Lua string literal for these ASCII paths

    script = _WRK_SCRIPT % {"paths": "{" + ", ".join(lua(path) for path in paths) + "}", "cookie": lua(cookie)}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="newsroom-wrk-", delete=False) as file:
        file.write(script)
    try:
        command = ["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{seconds:g}s",
                   "--timeout", "30s", "-s", file.name, base_url]  # fmt: skip
        output = subprocess.run(command, check=True, text=True, stdout=subprocess.PIPE).stdout
    finally:
        Path(file.name).unlink(missing_ok=True)
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    found = json.loads(line.removeprefix("RESULT "))
    return LoadResult(
        requests=found["requests"],
        seconds=found["seconds"],
        errors=found["errors"],
        latencies=[],
        percentiles={0.50: found["p50"], 0.95: found["p95"], 0.99: found["p99"]},
    )
