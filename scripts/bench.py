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
sys.path.insert(0, str(ROOT / "scripts"))

import bench_search  # noqa: E402  (the search backends side by side, scripts/bench_search.py)

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
    from portal.db import get_db, get_session, upgrade_database
    from portal.clock import today
    from portal import taxonomy
    from sqlalchemy.orm import Session

    upgrade_database(app)
    rng = random.Random(20261127)
    # Outside the app: the rows (on PostgreSQL with their words, which commit with them), not the
    # Whoosh files, which the timed rebuild below writes.
    with Session(get_db(app).engine) as session:
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
    with app.app_context():
        started = time.perf_counter()
        counts = reindex(get_session())
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
         f"127.0.0.1:{port}", "--log-level", "warning", "--no-control-socket", "wsgi:app"], cwd=ROOT, env=env)
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


LOCABEN_REQUEST = {  # the hand-worked bakery of tests/unit/locaben/test_calc.py (千円)
    "industry": {"jsic": "0971"}, "capital": 10_000,
    "periods": [
        {"label": "2024-03", "sales": 240_000, "operating_income": 9_600, "depreciation": 6_400, "cash": 30_000,
         "notes_receivable": 0, "accounts_receivable": 20_000, "inventory": 8_000, "notes_payable": 0,
         "accounts_payable": 12_000, "borrowings": 110_000, "liabilities": 150_000, "net_assets": 50_000,
         "employees": 8},
        {"label": "2023-03", "sales": 200_000, "operating_income": -2_000, "depreciation": 1_000, "cash": 20_000,
         "accounts_receivable": 25_000, "inventory": 10_000, "accounts_payable": 5_000, "borrowings": 120_000,
         "liabilities": 160_000, "net_assets": 40_000, "employees": 7},
        {"label": "2022-03", "sales": 250_000, "operating_income": 5_000, "depreciation": 5_000, "cash": 90_000,
         "borrowings": 60_000, "liabilities": 100_000, "net_assets": -10_000, "employees": 0},
    ],
}


def _per_second(work, seconds: float) -> float:
    done, stop = 0, time.perf_counter() + seconds
    started = time.perf_counter()
    while time.perf_counter() < stop:
        work()
        done += 1
    return done / (time.perf_counter() - started)


def bench_locaben(app, env: dict[str, str], seconds: float, clients: int, workers: int) -> dict[str, float]:
    """ロカベン calculations per second (three periods each): the module alone, POST /api/v1/benchmark
    through Flask's test client (one thread), and through the production server (`clients` in parallel)."""
    from portal.locaben import calc
    from portal.locaben.api import parse_request

    industry, capital, periods = parse_request(LOCABEN_REQUEST)
    module_rate = _per_second(lambda: calc.evaluate(industry, capital, periods), seconds)
    test_client = app.test_client()

    def through_test_client() -> None:
        if test_client.post("/api/v1/benchmark", json=LOCABEN_REQUEST).status_code != 200:
            raise RuntimeError("POST /api/v1/benchmark failed")

    client_rate = _per_second(through_test_client, seconds)
    body = json.dumps(LOCABEN_REQUEST).encode()
    with serve(env, workers) as port:
        done = [0] * clients
        stop = time.perf_counter() + seconds

        def run(slot: int) -> None:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            while time.perf_counter() < stop:
                connection.request("POST", "/api/v1/benchmark", body=body,
                                   headers={"Content-Type": "application/json"})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    raise RuntimeError(f"POST /api/v1/benchmark: HTTP {response.status}")
                done[slot] += 1

        threads = [threading.Thread(target=run, args=(slot,)) for slot in range(clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        served_rate = sum(done) / (time.perf_counter() - started)
    return {"module": module_rate, "test_client": client_rate, "served": served_rate, "seconds": seconds,
            "clients": clients, "workers": workers}


def print_locaben(figures: dict[str, float]) -> None:
    print("== 経営カルテ（ロカベン）計算 ==")
    print(f"モジュール直接（3期分・1スレッド）: {figures['module']:,.0f} 回/秒")
    print(f"POST /api/v1/benchmark（テストクライアント・1スレッド）: {figures['test_client']:,.0f} 回/秒")
    print(f"POST /api/v1/benchmark（gunicorn {figures['workers']:.0f} workers・{figures['clients']:.0f} 並列 × "
          f"{figures['seconds']:.0f} 秒）: {figures['served']:,.0f} 回/秒")


def bench_linking(line_items: int = 10_000, renders: int = 15) -> None:
    """Issue 4: records per second a sync writes (a bench-only connector yielding `line_items`
    financial line items, run_sync + accept all, on a fresh SQLite app), and the median time to
    render マイページ, a 決算期 page and the history for a business with 10 periods and full history."""
    import statistics
    from datetime import date, timedelta

    from sqlalchemy import func, select

    from portal import create_app, store
    from portal.accounts.services import create_user
    from portal.db import get_session, upgrade_database
    from portal.linking import accept, link, pending_changes, run_sync, unlink
    from portal.models import ValueChange
    from portal.plugins import connectors
    from portal.sdk import Connector, FinancialPeriodRecord
    from portal.store.sections import PERIOD_FIELDS

    amounts = [spec.name for spec in PERIOD_FIELDS if spec.kind == "yen"]
    periods = -(-line_items // len(amounts))

    class BenchBooks(Connector):
        name = "bench_books"
        title = "ベンチ用会計"
        reads = ("事業財務情報",)
        modes = ("sandbox",)

        def fetch(self, context):
            for n in range(periods):
                values = {name: 1_000_000 + n * 1000 + i for i, name in enumerate(amounts)}
                yield FinancialPeriodRecord(period_end=date(2024, 3, 31) - timedelta(days=n), months=12, **values)

    work = Path(tempfile.mkdtemp(prefix="portal-bench-linking-"))
    saved = {name: os.environ.pop(name, None) for name in ("DATABASE_URL", "PORTAL_INSTANCE_PATH")}
    try:
        app = create_app({"DATABASE_URL": f"sqlite:///{work / 'linking.sqlite3'}", "SECRET_KEY": "bench",
                          "PASSWORD_HASH_METHOD": "scrypt:1024:8:1", "SERVER_NAME": "bench.local",
                          "RATELIMIT_ENABLED": False}, instance_path=work / "instance")
        upgrade_database(app)
        connectors(app).add(BenchBooks, "bench")
        with app.app_context():
            session = get_session()
            session.info["app"] = app
            user = create_user(session, "bench@example.jp", "hikari-no-michi-42", confirmed=True)
            business = store.create_business(session, user, "corporation", "7123456789012", "株式会社ベンチ")
            session.commit()
            connection = link(session, business, "bench_books", "sandbox", {}, user=user)
            session.commit()
            started = time.perf_counter()
            run = run_sync(session, app, connection, date(2026, 11, 27))
            session.commit()
            synced = time.perf_counter() - started
            ids = [change.id for change in pending_changes(session, business)]
            started = time.perf_counter()
            accept(session, user, ids)
            session.commit()
            accepted = time.perf_counter() - started
            written = session.scalar(select(func.count()).select_from(ValueChange))
            started = time.perf_counter()
            removal = unlink(session, business, "bench_books", keep_data=False, user=user).removal
            session.commit()
            unlinked = time.perf_counter() - started

            # 10 periods with full history: every amount edited by hand three times
            other_user = create_user(session, "bench2@example.jp", "hikari-no-michi-42", confirmed=True)
            other = store.create_business(session, other_user, "corporation", "4000012090001", "株式会社ベンチ二")
            for n in range(10):
                first = {"period_end": date(2025 - n, 3, 31), "months": 12, **{a: 10_000_000 + n for a in amounts}}
                period = store.add_period(session, other, first, "manual", other_user)
                for edit in range(1, 4):
                    store.update_period(session, other, period.id, {a: 10_000_000 + n + edit * 7 for a in amounts},
                                        "manual", other_user)
            session.commit()
            history_rows = store.count_history(session, other)
            first_period = store.records(session, other, "period")[0].id
            user_id = other_user.id
            # the same books linked to it: 変更の確認 then shows every line item as a card
            run_sync(session, app, link(session, other, "bench_books", "sandbox", {}, user=other_user), date(2026, 11, 27))
            session.commit()
            cards = len(pending_changes(session, other))

        client = app.test_client()
        with client.session_transaction() as cookie:
            cookie["_user_id"], cookie["_fresh"] = str(user_id), True
        timings: dict[str, float] = {}
        for label, path in (("マイページ", "/mypage/"), ("決算期のページ", f"/mypage/periods/{first_period}"),
                            ("変更履歴", "/mypage/history")):
            assert client.get(path).status_code == 200, path  # warm up, and the page must work
            samples = []
            for _ in range(renders):
                started = time.perf_counter()
                client.get(path)
                samples.append((time.perf_counter() - started) * 1000)
            timings[label] = statistics.median(samples)
        started = time.perf_counter()
        page = client.get("/mypage/links/proposals")
        review_ms = (time.perf_counter() - started) * 1000
        review_kb = len(page.data) / 1024
    finally:
        for name, value in saved.items():
            if value is not None:
                os.environ[name] = value
        shutil.rmtree(work, ignore_errors=True)

    values = periods * len(amounts)
    print()
    print("== 外部サービス連携・マイページ ベンチマーク（SQLite）==")
    print(f"同期: {run.records:,} 決算期 × 金額 {len(amounts)} 項目 = {values:,} 明細（＋期間の月数）"
          f"→ 提案 {len(ids):,} 件 {synced:.2f} 秒（{len(ids) / synced:,.0f} 件/秒）")
    print(f"すべて反映: 変更履歴 {written:,} 行を {accepted:.2f} 秒で書き込み（{written / accepted:,.0f} 件/秒）、"
          f"同期＋反映で {values / (synced + accepted):,.0f} 明細/秒")
    print(f"表示（10 決算期・変更履歴 {history_rows:,} 行、テストクライアント、{renders} 回の中央値）: "
          + "、".join(f"{label} {ms:.1f} ms" for label, ms in timings.items()))
    print(f"解除して削除: {removal.removed_records:,} 決算期を削除・{removal.restored + removal.cleared:,} 項目を戻す／空にする "
          f"{unlinked:.2f} 秒")
    print(f"変更の確認（{cards:,} 件のカード）: {review_ms:,.0f} ms、{review_kb:,.0f} KB")


def bench_recommend(work: Path, users: int = 50_000) -> dict:
    """おすすめ (issue 7): a synthetic log of `users` people (about 11 events each, so over half a
    million events), then `portal recommend evaluate`'s own code on it with k = 10: the time to fit
    the collaborative model and the time per recommendation request (類似ユーザー + 人気順 + ブレンド)."""
    from portal.recommend import evaluation, synth

    path = work / "events.csv"
    started = time.perf_counter()
    rows = synth.write_csv(path, synth.generate(users, mean_events=11.0))
    generated = time.perf_counter() - started
    started = time.perf_counter()
    events = evaluation.read_events(path)
    read = time.perf_counter() - started
    started = time.perf_counter()
    report = evaluation.evaluate(events, k=10, holdout=2)
    return {"rows": rows, "generate_s": generated, "read_s": read, "evaluate_s": time.perf_counter() - started,
            "report": report}


def print_recommend(figures: dict) -> None:
    report = figures["report"]
    print()
    print("== おすすめ（協調フィルタリング）ベンチマーク ==")
    print(f"合成イベントログ: {figures['rows']:,} 件・利用者 {report.users:,} 人・項目 {report.items:,} 件"
          f"（生成 {figures['generate_s']:.1f} 秒、読み込み {figures['read_s']:.1f} 秒）")
    print(f"モデルの構築: {report.build_seconds:.2f} 秒、おすすめ1回あたり p50 {report.request_ms_p50:.2f} ms / "
          f"p95 {report.request_ms_p95:.2f} ms（評価全体 {figures['evaluate_s']:.1f} 秒、"
          f"{report.evaluated_users:,} 人）")
    for name, metrics in report.methods.items():
        print(f"  {name:<14} precision@10 {metrics.precision:.4f}  recall@10 {metrics.recall:.4f}  "
              f"nDCG@10 {metrics.ndcg:.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--supports", type=int, default=10000)
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--queries", type=int, default=240)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--postgres", default=os.environ.get("PORTAL_TEST_POSTGRES_URL",
                                                            "postgresql://postgres@127.0.0.1:5432/test"),
                        help="PostgreSQL for the search-backend comparison (a private schema is made and dropped)")
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
        search = bench_search.run(app, env, args, work)
        locaben = bench_locaben(app, env, args.seconds, args.clients, args.workers)
        recommend = bench_recommend(work)
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
    bench_search.report(search)
    print_locaben(locaben)
    print_recommend(recommend)
    bench_linking()
    from bench_jobs import bench_jobs  # scripts/ is on sys.path when bench.py runs

    bench_jobs()


if __name__ == "__main__":
    main()
