"""Load check of `storyline serve` on loopback: N concurrent clients for a bounded time.

Builds the demo corpus into a temporary store, starts the server as its own process, then
runs --clients threads, each with its own keep-alive connection, for --seconds per target:
the story page (HTML) and the search endpoint (/api/stories?q=...). Prints requests/s and
p50/p95 latency per target, and the server's peak RSS. Then it POSTs hostile records (a 50 KB
"word" without spaces, an 80 KB `published` value) and prints how long GET /api/stories takes
while each is being ingested: ingest runs in a worker process, so reads must not stall.

With --articles N (e.g. 2000), the store is N copy-free real reports (bench/corpus.py) plus one
1.4 MB repetitive article ("The fire number N spread near alpha street." over and over, which any
feed could plant), and --clients threads mix story pages, searches that hit it and claim checks for
--seconds: p50/p95 per kind of request; then the same again while one more client POSTs new reports
one by one (claims checked while ingesting).

usage: python bench/serve.py [--clients 8] [--seconds 10] [--articles 2000]
"""

from __future__ import annotations

import argparse
import json
import os
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
sys.path.insert(0, str(ROOT / "bench"))
from corpus import copy_free, write_corpus  # noqa: E402

PLANTED = {"title": "Fire on alpha street", "url": "https://planted.example/fire",
           "text": " ".join(f"The fire number {n} spread near alpha street." for n in range(30_000))}
CLAIMS = ["A man was shot dead by police on Sunday", "The earthquake killed more than 100 people",
          "The government denied the report", "Talks between the unions and the company broke down"]
TOKEN = "bench-token"
LEAD = "The harbour board met on Tuesday and said the strike at the port would go on for a week. "
HOSTILE_POSTS = {"a 50 KB word": {"title": "Long word", "text": LEAD + "x" * 50_000},
                 "an 80 KB published": {"title": "Long date", "text": LEAD * 3, "published": "2" * 80_000}}
SEARCHES = ["strike", "port authority", "dockers union", "election", "parliament", "ships"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db: Path, port: int) -> subprocess.Popen:
    server = subprocess.Popen([sys.executable, "-m", "storyline.cli", "serve", "--db", str(db), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "STORYLINE_TOKEN": TOKEN})
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


def mixed_load(base: str, story_ids: list[str], clients: int, seconds: float,
               posts: list[dict] | None = None) -> dict[str, list[float]]:
    """Latencies (ms) by kind of request of `clients` threads mixing pages, searches and claim checks;
    with `posts`, one more client POSTs them one after another meanwhile (each moves the store on, so
    every check after it reads the new report first)."""
    kinds = {"story page": [f"/stories/{s}" for s in story_ids[:50]],
             "search page": ["/?q=the+fire", "/?q=police+said", "/?q=" + "+".join(["the"] * 3000)],
             "search API": ["/api/stories?q=the+fire", "/api/stories?q=earthquake"],
             "claim check": [f"/api/check?claim={claim.replace(' ', '+')}" for claim in CLAIMS]}
    mix = [(kind, path) for kind, paths in kinds.items() for path in paths]
    found: dict[str, list[float]] = {kind: [] for kind in kinds}
    failed: dict[str, int] = dict.fromkeys(kinds, 0)
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client(offset: int) -> None:
        with httpx.Client(base_url=base, timeout=120) as http:
            n = offset
            while time.perf_counter() < stop:
                kind, path = mix[n % len(mix)]
                start = time.perf_counter()
                response = http.get(path)
                with lock:
                    found[kind].append((time.perf_counter() - start) * 1000)
                    failed[kind] += response.status_code != 200
                n += 1

    def poster() -> None:
        with httpx.Client(base_url=base, timeout=600, headers={"Authorization": f"Bearer {TOKEN}"}) as http:
            for record in posts or []:
                if time.perf_counter() >= stop:
                    break
                start = time.perf_counter()
                response = http.post("/api/articles", json=record)
                with lock:
                    found["ingest POST"].append((time.perf_counter() - start) * 1000)
                    failed["ingest POST"] += response.status_code != 201

    if posts:
        found["ingest POST"], failed["ingest POST"] = [], 0
    threads = [threading.Thread(target=client, args=(i * 3,)) for i in range(clients)]
    threads += [threading.Thread(target=poster)] if posts else []
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for kind, errors in failed.items():
        if errors:
            print(f"  {kind}: {errors} errors")
    return found


def reads_during_post(base: str, record: dict) -> tuple[float, list[float], int]:
    """(seconds the POST took, latencies of GET /api/stories sent meanwhile in ms, POST status)."""
    outcome: dict = {}

    def post() -> None:
        start = time.perf_counter()
        response = httpx.post(f"{base}/api/articles", json={**record, "url": f"https://bench.example/{time.time()}"},
                              headers={"Authorization": f"Bearer {TOKEN}"}, timeout=600)
        outcome.update(seconds=time.perf_counter() - start, status=response.status_code)

    poster = threading.Thread(target=post)
    poster.start()
    latencies = []
    with httpx.Client(base_url=base, timeout=60) as http:
        while poster.is_alive():
            start = time.perf_counter()
            http.get("/api/stories")
            latencies.append((time.perf_counter() - start) * 1000)
            time.sleep(0.05)
    poster.join()
    return outcome["seconds"], latencies, outcome["status"]


def server_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--articles", type=int, default=0, help="a store of this many real reports and a planted "
                                                                  "1.4 MB article, under a mixed load")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "serve.db"
        inputs = [str(ROOT / "data" / "sample")]
        if args.articles:
            corpus, _words = write_corpus(Path(tmp) / "corpus", args.articles)
            planted = Path(tmp) / "planted.jsonl"
            planted.write_text(json.dumps(PLANTED) + "\n", encoding="utf-8")
            inputs = [str(corpus), str(planted)]
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "storyline.cli", "ingest", *inputs, "--db", str(db)],
                       check=True, capture_output=True)
        print(f"store: {args.articles or 'the demo corpus'} reports{' + the 1.4 MB planted article' if args.articles else ''}, "
              f"ingested in {time.perf_counter() - started:.0f} s")
        port = free_port()
        server = start_server(db, port)
        base = f"http://127.0.0.1:{port}"
        try:
            story_ids = [s["id"] for s in httpx.get(f"{base}/api/stories").json()["items"]]
            targets = {"story page": [f"/stories/{s}" for s in story_ids],
                       "search API": [f"/api/stories?q={q}" for q in SEARCHES]}
            if args.articles:
                more = list(copy_free(args.articles + 500))[args.articles:]  # reports the store does not hold yet
                for label, posts in (("", None), (", while another POSTs new reports one by one", more)):
                    print(f"{args.clients} concurrent clients mixing requests for {args.seconds:.0f} s{label}, loopback, "
                          f"1 server process with its writer and claim checker")
                    for kind, latencies in mixed_load(base, story_ids, args.clients, args.seconds, posts).items():
                        p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) > 1 else max(latencies, default=0)
                        print(f"{kind:>12}: {len(latencies):5d} requests, p50 {statistics.median(latencies or [0]):7.1f} ms, "
                              f"p95 {p95:7.1f} ms")
                print(f"server peak RSS: {server_rss_mb(server.pid):.0f} MB (the server process alone)")
                return
            print(f"{args.clients} concurrent clients, {args.seconds:.0f} s per target, loopback, 1 server process")
            for name, paths in targets.items():
                count, latencies, errors = hammer(base, paths, args.clients, args.seconds)
                p95 = statistics.quantiles(latencies, n=20)[-1]
                print(f"{name:>10}: {count / args.seconds:7.1f} requests/s, p50 {statistics.median(latencies):6.1f} ms, "
                      f"p95 {p95:6.1f} ms, {errors} errors")
            for name, record in HOSTILE_POSTS.items():
                seconds, latencies, status = reads_during_post(base, record)
                print(f"POST of {name}: {status} in {seconds:.1f} s; meanwhile {len(latencies)} GET /api/stories, "
                      f"max {max(latencies, default=0):.0f} ms, p50 {statistics.median(latencies or [0]):.0f} ms")
            print(f"server peak RSS: {server_rss_mb(server.pid):.0f} MB")
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
