"""A small asyncio HTTP load generator: a fixed number of requests at a fixed concurrency.

Each request opens its own connection, as gunicorn's sync workers close it after
every response. Latency is measured from connecting to the last byte.
"""

import asyncio
import random
import time
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass
class LoadResult:
    requests: int
    seconds: float
    errors: int
    latencies: list[float]

    def percentile(self, share: float) -> float:
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
