"""`make bench`: build a large corpus, serve it with the production server, print the figures.

Issue 3 asks for: index build time; search latency p50/p95/p99 over a fixed set of realistic
queries with filters, through the HTTP API of the running production server; requests per second
for the search page and for the app's /healthz route (the ceiling) and their ratio; the weight of
a results page and of its htmx fragment. Nothing here asserts: it measures and prints.

    python scripts/bench.py [--supports 10000] [--cases 20000] [--seconds 10] [--clients 8]
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import gzip
import http.client
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REAL_FILE = ROOT.parent / "shared" / "data" / "mirasapo" / "supports-2023.json"
KEYWORDS = ["補助金", "設備投資", "IT導入", "創業", "事業承継", "融資", "海外展開", "人材育成", "省エネ", "販路開拓",
            "賃上げ", "専門家", "セミナー", "災害", "資金繰り", "ものづくり", "持続化", "デジタル", "商店街", "特許",
            "雇用", "税制", "保証", "農業", "観光", "小規模", "DX", "研究開発", "テレワーク", "補助", "京都", "東京都",
            "女性 起業", "設備 補助", "IT 補助金", "事業 承継", "資金 融資", "人材 育成", "海外", "展示会"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def build_corpus(app, n_supports: int, n_cases: int) -> dict[str, float]:
    from portal.content.importers import demo, mirasapo
    from portal.content.importers.fields import read_json
    from portal.content.indexing import reindex
    from portal.content.services import import_cases, import_supports
    from portal.db import get_session, upgrade_database
    from portal.clock import today
    from portal import taxonomy

    upgrade_database(app)
    rng = random.Random(20261127)
    with app.app_context():
        session = get_session()
        base = demo.parse_supports(json.loads((ROOT / "portal/demo/supports.json").read_text("utf-8")), today())
        if REAL_FILE.exists():
            base += mirasapo.parse_supports(read_json(REAL_FILE))
        started = time.perf_counter()
        records, prefectures = [], list(taxonomy.PREFECTURES)
        for i in range(n_supports):
            record = copy.deepcopy(base[i % len(base)])
            if i >= len(base):
                pref = rng.choice(prefectures)
                record = replace(record, source="bench", source_id=f"s{i}",
                                 title=f"{taxonomy.PREFECTURES[pref]} {record.title}（{2020 + i % 7}年度）",
                                 tags={**record.tags, "prefecture": [pref]}, related=[])
            records.append(record)
        import_supports(session, records)
        session.commit()
        case_base = demo.parse_cases(json.loads((ROOT / "portal/demo/cases.json").read_text("utf-8")))
        cases = []
        for i in range(n_cases):
            record = copy.deepcopy(case_base[i % len(case_base)])
            pref = rng.choice(prefectures)
            cases.append(replace(record, source="bench", source_id=f"c{i}",
                                 title=f"{record.title}（{taxonomy.PREFECTURES[pref]}の例 {i}）",
                                 tags={**record.tags, "prefecture": [pref]}))
        import_cases(session, cases)
        session.commit()
        loaded = time.perf_counter() - started
        print(f"  データベースに書き込みました（{loaded:.0f} 秒）。索引を作成中…", flush=True)
        started = time.perf_counter()
        counts = reindex(session)
        indexed = time.perf_counter() - started
    return {"load_s": loaded, "index_s": indexed, **counts}


def queries(count: int) -> list[str]:
    rng = random.Random(7)
    out = []
    for i in range(count):
        params: list[tuple[str, str]] = []
        if i % 5 != 4:
            params.append(("q", KEYWORDS[i % len(KEYWORDS)]))
        if i % 3 == 0:
            params.append(("purpose", str(rng.randint(1, 10))))
        if i % 4 == 1:
            params.append(("prefecture", f"{rng.randint(1, 47):02d}"))
        if i % 6 == 2:
            params.append(("open", "1"))
        if i % 7 == 3:
            params.append(("industry", rng.choice("DEGIM")))
        if i % 8 == 5:
            params.append(("sort", "deadline"))
        out.append(urlencode(params))
    return out


class Client:
    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def get(self, path: str, headers: dict | None = None) -> bytes:
        self.connection.request("GET", path, headers=headers or {})
        response = self.connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{path}: HTTP {response.status} {body[:200]!r}")
        return body


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def throughput(port: int, paths: list[str], seconds: float, clients: int) -> float:
    done = [0] * clients
    stop = time.perf_counter() + seconds

    def run(slot: int) -> None:
        client = Client(port)
        i = slot
        while time.perf_counter() < stop:
            client.get(paths[i % len(paths)])
            done[slot] += 1
            i += clients

    threads = [threading.Thread(target=run, args=(slot,)) for slot in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - started)


@contextlib.contextmanager
def serve(env: dict[str, str], workers: int):
    """The production server (gunicorn) on a free port, until the block ends."""
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "--workers", str(workers), "--bind",
         f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env)
    try:
        deadline = time.time() + 60
        while True:
            try:
                Client(port).get("/healthz")
                break
            except (OSError, RuntimeError):
                if time.time() > deadline:
                    raise
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--supports", type=int, default=10000)
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--queries", type=int, default=240)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    env = {**os.environ, "PORTAL_INSTANCE_PATH": str(work), "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
           "SECRET_KEY": "bench", "PORTAL_API_RATE_LIMIT": "100000000 per minute"}
    os.environ.update(env)
    from portal import create_app

    app = create_app()
    print(f"コーパスを作成中（支援制度 {args.supports:,} 件・事例 {args.cases:,} 件）…", flush=True)
    corpus = build_corpus(app, args.supports, args.cases)

    qs = queries(args.queries)
    page_paths = [f"/supports?{q}" for q in qs]
    sample = "/supports?" + urlencode([("q", "補助金"), ("purpose", "2")])
    try:
        with serve(env, args.workers) as port:
            client = Client(port)
            for q in qs:  # warm every worker's catalog and the index files
                client.get(f"/api/v1/supports?{q}")
            latencies = []
            for q in qs * 3:
                started = time.perf_counter()
                client.get(f"/api/v1/supports?{q}")
                latencies.append((time.perf_counter() - started) * 1000)
            page_rps = throughput(port, page_paths, args.seconds, args.clients)
            hello_rps = throughput(port, ["/healthz"], args.seconds, args.clients)
            full = client.get(sample)
            fragment = client.get(sample, {"HX-Request": "true"})
        with serve({**env, "PORTAL_NAVI_CACHE_SIZE": "0"}, args.workers) as port:
            uncached_rps = throughput(port, page_paths, args.seconds, args.clients)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print()
    print("== 支援制度ナビ ベンチマーク ==")
    print(f"コーパス: 支援制度 {corpus['supports']:,} 件、事例 {corpus['cases']:,} 件"
          f"（実データ {'あり' if REAL_FILE.exists() else 'なし'}）、DB 書き込み {corpus['load_s']:.1f} 秒")
    print(f"索引の構築: {corpus['index_s']:.1f} 秒 "
          f"（{(corpus['supports'] + corpus['cases']) / corpus['index_s']:,.0f} 件/秒）")
    print(f"検索 API の応答時間（{len(qs)} 種 × 3 回、逐次、gunicorn {args.workers} workers）: "
          f"p50 {percentile(latencies, 50):.1f} ms / p95 {percentile(latencies, 95):.1f} ms / "
          f"p99 {percentile(latencies, 99):.1f} ms")
    print(f"スループット（{args.clients} 並列 × {args.seconds:.0f} 秒、{len(page_paths)} 種の検索ページを巡回）: "
          f"検索ページ {page_rps:,.0f} req/s（結果領域キャッシュなしでは {uncached_rps:,.0f} req/s）、"
          f"/healthz {hello_rps:,.0f} req/s、比 {page_rps / hello_rps:.2f}（キャッシュなし {uncached_rps / hello_rps:.2f}）")
    print(f"ページの重さ（{sample}）: 全体 {len(full):,} バイト（gzip {len(gzip.compress(full)):,}）、"
          f"htmx 断片 {len(fragment):,} バイト（gzip {len(gzip.compress(fragment)):,}）")


if __name__ == "__main__":
    main()
