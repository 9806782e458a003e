#!/bin/sh
# `make run`: the web server (gunicorn) and one job worker side by side; Ctrl+C stops both.
# Usage: scripts/serve.sh BIN HOST PORT WORKERS
set -u
BIN=$1 HOST=$2 PORT=$3 WORKERS=$4

"$BIN/portal" worker &
worker=$!
stop_worker() {
	kill -TERM "$worker" 2>/dev/null
	wait "$worker" 2>/dev/null
}
trap 'stop_worker; exit 130' INT
trap 'stop_worker; exit 143' TERM

echo "ポータルを http://$HOST:$PORT/ で起動します（停止は Ctrl+C：ウェブサーバーとワーカーの両方が止まります）"
echo "  ウェブサーバー（gunicorn, ${WORKERS}プロセス）: アクセスログとエラーはこの画面に出ます"
echo "  ワーカー（portal worker, pid $worker）: 行頭に [worker] の付いたログと、送ったメールの控え"
echo "    （PORTAL_MAIL_SERVER がないとき。登録の確認メールのリンクもここに出ます）もこの画面に出ます"
# A control socket of its own per port, so that `make preprint` or a second `make run` never shares it.
"$BIN/gunicorn" --workers "$WORKERS" --threads 4 --bind "$HOST:$PORT" --access-logfile - \
	--control-socket "${PORTAL_INSTANCE_PATH:-instance}/gunicorn-$PORT.ctl" wsgi:app
status=$?
stop_worker
exit $status
