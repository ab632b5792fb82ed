"""Load check of `storyline serve` on loopback: N concurrent clients for a bounded time.

Builds the demo corpus into a temporary store, starts the server as its own process, then
runs --clients threads, each with its own keep-alive connection, for --seconds per target:
the story page (HTML) and the search endpoint (/api/stories?q=...). Prints requests/s and
p50/p95 latency per target, and the server's peak RSS.

usage: python bench/serve.py [--clients 8] [--seconds 10]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SEARCHES = ["strike", "port authority", "dockers union", "election", "parliament", "ships"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db: Path, port: int) -> subprocess.Popen:
    server = subprocess.Popen([sys.executable, "-m", "storyline.cli", "serve", "--db", str(db), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/stories", timeout=1)
            return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("server did not start")


def hammer(base: str, paths: list[str], clients: int, seconds: float) -> tuple[int, list[float], int]:
    """(requests, latencies in ms, errors) of `clients` threads cycling through `paths` for `seconds`."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client(offset: int) -> None:
        mine, failed = [], 0
        with httpx.Client(base_url=base, timeout=30) as http:
            n = offset
            while time.perf_counter() < stop:
                start = time.perf_counter()
                response = http.get(paths[n % len(paths)])
                mine.append((time.perf_counter() - start) * 1000)
                failed += response.status_code != 200
                n += 1
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies), latencies, errors[0]


def server_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "serve.db"
        subprocess.run([sys.executable, "-m", "storyline.cli", "ingest", str(ROOT / "data" / "sample"), "--db", str(db)],
                       check=True, capture_output=True)
        port = free_port()
        server = start_server(db, port)
        base = f"http://127.0.0.1:{port}"
        try:
            story_ids = [s["id"] for s in httpx.get(f"{base}/api/stories").json()["items"]]
            targets = {"story page": [f"/stories/{s}" for s in story_ids],
                       "search API": [f"/api/stories?q={q}" for q in SEARCHES]}
            print(f"{args.clients} concurrent clients, {args.seconds:.0f} s per target, loopback, 1 server process")
            for name, paths in targets.items():
                count, latencies, errors = hammer(base, paths, args.clients, args.seconds)
                p95 = statistics.quantiles(latencies, n=20)[-1]
                print(f"{name:>10}: {count / args.seconds:7.1f} requests/s, p50 {statistics.median(latencies):6.1f} ms, "
                      f"p95 {p95:6.1f} ms, {errors} errors")
            print(f"server peak RSS: {server_rss_mb(server.pid):.0f} MB")
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
