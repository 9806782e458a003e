#!/usr/bin/env bash
# The time-sensitive tests (marker `instants`: notify, digests, deadlines, 公募中 status, calendar,
# mailed tokens, OAuth expiry, demo dates, おすすめ freshness …) run again with the machine's clock
# moved by libfaketime to instants where date and hour logic breaks: just before and at the 07:00
# digest hour on a weekday, a Sunday at 23:59, the last day of a month, 29 February, New Year's Eve
# at 23:59 JST, and once with the machine in Los Angeles, where the date is not Japan's.
#
# Each instant is "TZ|local time in that TZ|what it is"; two run at a time. Tests on the pinned clock
# (tests/clock.py) start exactly at the instant (PORTAL_TEST_INSTANT); everything else reads the
# machine's clock, which libfaketime sets to the instant when the run starts and lets tick — by an
# offset, so that every process of the run (workers, subprocesses) shares one clock. On SQLite
# only, since PostgreSQL's server clock is not faked (the portal keeps every "now" on the Python side).
# Usage: scripts/test-instants.sh [pytest options, e.g. -p randomly -p "randomly_seed=N"]
set -uo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-.venv/bin/python}"
instants=(
  "UTC|2026-12-07 21:59:30|火曜 06:59 JST（まとめメールの7時の直前）"
  "UTC|2026-12-07 22:00:05|火曜 07:00 JST（まとめメールの7時ちょうど）"
  "Asia/Tokyo|2026-12-13 23:59:30|日曜 23:59 JST（マシンも日本時間）"
  "UTC|2027-02-28 14:59:40|2月28日 23:59 JST（月末、翌日は3月1日）"
  "UTC|2028-02-29 03:00:00|2028年2月29日 12:00 JST（うるう日）"
  "UTC|2026-12-31 14:59:30|12月31日 23:59 JST（年末）"
  "America/Los_Angeles|2026-12-07 16:30:00|ロサンゼルス 12月7日 16:30（日本は12月8日 09:30）"
)
if ! command -v faketime >/dev/null 2>&1; then
  echo "faketime がありません（scripts/ensure-faketime.sh を実行してください）" >&2
  exit 1
fi
logs=$(mktemp -d)
run_one() {
  local index=$1 spec=$2 tz when what
  IFS='|' read -r tz when what <<<"$spec"
  local instant offset
  instant=$(TZ="$tz" date -d "$when" +%s)
  offset=$(( instant - $(date +%s) ))
  TZ="$tz" PYTHONPATH=tests/faketime FAKETIME_DONT_FAKE_MONOTONIC=1 PORTAL_TEST_BACKENDS=sqlite \
    PORTAL_TEST_INSTANT="$instant" faketime -f "+${offset}" "$python" -m pytest -q -m instants "${@:3}" \
    >"$logs/$index.log" 2>&1
  echo $? >"$logs/$index.rc"
}
echo "時刻に左右されるテストを ${#instants[@]} の時点で実行します（libfaketime、SQLite）…"
pids=()
for index in "${!instants[@]}"; do
  run_one "$index" "${instants[$index]}" "$@" &
  pids+=($!)
  if (( ${#pids[@]} >= ${INSTANT_JOBS:-2} )); then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
done
wait
failed=0
for index in "${!instants[@]}"; do
  IFS='|' read -r tz when what <<<"${instants[$index]}"
  rc=$(cat "$logs/$index.rc")
  summary=$(tail -n 1 "$logs/$index.log")
  if [ "$rc" = 0 ]; then
    echo "  ok    $what — TZ=$tz $when — $summary"
  else
    failed=1
    echo "  FAIL  $what — TZ=$tz $when"
    grep -E "^(FAILED|ERROR)|passed|failed" "$logs/$index.log" | tail -n 20 | sed 's/^/        /'
    echo "        (再現: TZ=$tz PYTHONPATH=tests/faketime FAKETIME_DONT_FAKE_MONOTONIC=1 PORTAL_TEST_BACKENDS=sqlite PORTAL_TEST_INSTANT=\$(TZ=$tz date -d '$when' +%s) faketime -f '@$when' $python -m pytest -m instants $*)"
  fi
done
rm -rf "$logs"
exit $failed
