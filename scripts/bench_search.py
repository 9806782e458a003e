"""`make bench`, text search: Whoosh beside PostgreSQL on the same corpus, and the catch-up time of a
second instance after an import (issue 13 items 5 and 7).

For each backend: the time to rebuild the whole index from the database; the adapter's answer for
40 realistic query words over both kinds, cold (nothing cached: Whoosh reads its posting lists,
PostgreSQL runs its statement) and warm (cached per word and content version), p50/p95; and, on
PostgreSQL, the search API through gunicorn as the main bench measures it on SQLite. Then, per
backend, two apps over one database with instance folders of their own: B has searched once; A
imports 1,000 new measures; the figure is the time from A's commit until B's search API lists them
all (B trusts its content version for `CONTENT_VERSION_MAX_AGE`, as in production).

Nothing here asserts; PostgreSQL is left out, with a line saying so, when it cannot be reached.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import time
from pathlib import Path

import bench

CATCH_UP_MEASURES = 1000
WORD = "ベンチ追加制度"  # in every measure of the catch-up import, in no other document


@contextlib.contextmanager
def environment(**values: str):
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def postgres_schema(base_url: str):
    """A private schema for the bench, dropped afterwards; None when PostgreSQL is not reachable."""
    import psycopg

    name = f"portal_bench_{os.getpid()}_{secrets.token_hex(3)}"
    try:
        with psycopg.connect(base_url, autocommit=True, connect_timeout=3) as connection:
            connection.execute(f'CREATE SCHEMA "{name}"')
    except psycopg.Error as error:
        print(f"  PostgreSQL に接続できないため、PostgreSQL の検索は測りません（{str(error).splitlines()[0]}）")
        yield None
        return
    url = base_url.replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{name}"
    finally:
        with psycopg.connect(base_url, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def query_times(app) -> dict[str, float]:
    """Adapter-level answers for every bench word in both kinds, cold and warm, in ms."""
    from portal.content.indexing import search_index
    from portal.content.versions import content_version
    from portal.db import get_session

    words = list(bench.KEYWORDS)
    cold, warm = [], []
    with app.app_context():
        session = get_session()
        for kind in ("supports", "cases"):
            index = search_index(kind)
            version = content_version(session, kind)
            for _round in range(3):
                for word in words:
                    if not index.in_database:
                        index._cache.clear()  # Whoosh's per-word sets: cold means read from the files
                    started = time.perf_counter()
                    index.match(word, version=None if index.in_database else version)
                    cold.append((time.perf_counter() - started) * 1000)
                    index.match(word, version=version)  # fills the cache
                    started = time.perf_counter()
                    index.match(word, version=version)
                    warm.append((time.perf_counter() - started) * 1000)
    return {"cold_p50": bench.percentile(cold, 50), "cold_p95": bench.percentile(cold, 95),
            "warm_p50": bench.percentile(warm, 50), "warm_p95": bench.percentile(warm, 95), "queries": len(cold)}


def api_latency(env: dict[str, str], workers: int, count: int) -> dict[str, float]:
    qs = bench.queries(count)
    with bench.serve(env, workers) as port:
        client = bench.Client(port)
        for q in qs:
            client.get(f"/api/v1/supports?{q}")
        latencies = []
        for q in qs * 3:
            started = time.perf_counter()
            client.get(f"/api/v1/supports?{q}")
            latencies.append((time.perf_counter() - started) * 1000)
    return {"p50": bench.percentile(latencies, 50), "p95": bench.percentile(latencies, 95),
            "p99": bench.percentile(latencies, 99)}


def catch_up_time(database_url: str, work: Path, built: Path | None = None) -> dict[str, float]:
    """Seconds from A's commit of 1,000 new measures until B's search lists them all. `built` is a
    Whoosh folder already holding the corpus, copied into each instance (as a deployed instance
    would have built it long before)."""
    from sqlalchemy.orm import Session

    from portal import create_app
    from portal.content.records import SupportRecord
    from portal.content.services import import_supports
    from portal.db import get_db

    apps = {}
    for name in ("a", "b"):
        instance = work / f"catch-up-{name}"
        if built is not None:
            shutil.copytree(built, instance / "search")
        with environment(DATABASE_URL=database_url, PORTAL_INSTANCE_PATH=str(instance)):
            apps[name] = create_app({"RATELIMIT_ENABLED": False})
    b = apps["b"].test_client()
    path = f"/api/v1/supports?q={WORD}&per_page=1"
    if b.get(path).get_json()["total"] != 0 or b.get("/api/v1/supports?q=補助金").status_code != 200:
        raise RuntimeError("B should find nothing yet")
    records = [SupportRecord(source="bench-catch-up", source_id=f"n{i}", title=f"{WORD} 第{i}号",
                             summary="ベンチマークのために追加した支援制度です。", tags={"purpose": ["1"]})
               for i in range(CATCH_UP_MEASURES)]
    started = time.perf_counter()
    with apps["a"].app_context(), Session(get_db(apps["a"]).engine) as session:
        session.info["app"] = apps["a"]
        import_supports(session, records)
        writing = time.perf_counter() - started
        session.commit()  # with Whoosh, A's own files follow in the commit
    committed = time.perf_counter()
    polls = 0
    while b.get(path).get_json()["total"] < CATCH_UP_MEASURES:
        polls += 1
        if time.perf_counter() - committed > 120:
            raise RuntimeError("B did not catch up within two minutes")
        time.sleep(0.02)
    seen = time.perf_counter() - committed
    for app in apps.values():
        get_db(app).engine.dispose()
    return {"write_s": writing, "commit_s": committed - started - writing, "seen_s": seen, "polls": polls,
            "max_age": float(apps["b"].config["CONTENT_VERSION_MAX_AGE"])}


def run(sqlite_app, env: dict[str, str], args, work: Path) -> dict:
    figures: dict = {"whoosh": {"queries": query_times(sqlite_app)}}
    print("  検索: Whoosh の問い合わせを測りました。2 つ目のインスタンスの追いつき（SQLite）…", flush=True)
    figures["whoosh"]["catch_up"] = catch_up_time(env["DATABASE_URL"], work / "sqlite", built=work / "search")
    with postgres_schema(args.postgres) as url:
        if url is None:
            return figures
        print("  検索: PostgreSQL に同じコーパスを作成中…", flush=True)
        with environment(DATABASE_URL=url, PORTAL_INSTANCE_PATH=str(work / "pg")):
            from portal import create_app

            pg_app = create_app()
            corpus = bench.build_corpus(pg_app, args.supports, args.cases)
        figures["postgresql"] = {"corpus": corpus, "queries": query_times(pg_app)}
        figures["postgresql"]["api"] = api_latency({**env, "DATABASE_URL": url, "PORTAL_INSTANCE_PATH": str(work / "pg")},
                                                   args.workers, args.queries)
        print("  検索: 2 つ目のインスタンスの追いつき（PostgreSQL）…", flush=True)
        figures["postgresql"]["catch_up"] = catch_up_time(url, work / "pg")
    return figures


def report(figures: dict) -> None:
    print()
    print("== 全文検索: Whoosh と PostgreSQL（同じコーパス）==")
    names = {"whoosh": "Whoosh（SQLite）", "postgresql": "PostgreSQL tsvector"}
    for backend in ("whoosh", "postgresql"):
        found = figures.get(backend)
        if found is None:
            print(f"{names[backend]}: 測っていません（PostgreSQL に接続できません）")
            continue
        q = found["queries"]
        if "corpus" in found:
            c = found["corpus"]
            print(f"{names[backend]}: 索引の構築 {c['index_s']:.1f} 秒（{(c['supports'] + c['cases']) / c['index_s']:,.0f} 件/秒）、"
                  f"DB 書き込み（語も同じトランザクションで）{c['load_s']:.1f} 秒")
        print(f"{names[backend]}: 語ごとの照合（{q['queries']} 回）冷 p50 {q['cold_p50']:.2f} ms / p95 {q['cold_p95']:.2f} ms、"
              f"キャッシュ済み p50 {q['warm_p50']:.3f} ms / p95 {q['warm_p95']:.3f} ms")
        if "api" in found:
            a = found["api"]
            print(f"{names[backend]}: 検索 API（逐次、gunicorn）p50 {a['p50']:.1f} ms / p95 {a['p95']:.1f} ms / "
                  f"p99 {a['p99']:.1f} ms")
        u = found["catch_up"]
        print(f"{names[backend]}: {CATCH_UP_MEASURES:,} 件の取り込み（A: 書き込み {u['write_s']:.1f} 秒 + コミット "
              f"{u['commit_s']:.1f} 秒）から B の検索に全件が出るまで {u['seen_s']:.2f} 秒"
              f"（B は内容の版を最長 {u['max_age']:.0f} 秒ごとに確かめる）")
