#!/bin/sh
# Entry point of the Portico image: the first argument names the service to run; the rest go to it.
# `exec` makes node the direct child of tini, so SIGTERM reaches it and it can drain before exiting.
set -eu

APP_DIR=/app

usage() {
  cat >&2 <<'USAGE'
Usage: <image> COMMAND [ARGS...]

Commands:
  gateway      the data plane on PORT (default 8080); needs REDIS_URL
  registry     the admin API on ADMIN_PORT (default 8081); needs REDIS_URL (and MONGODB_URI across hosts)
  worker       runs functions in sandbox processes; health on WORKER_HEALTH_PORT (default 8082); needs REDIS_URL
  standalone   all three in one process on the embedded store in PORTICO_DATA_DIR (no Redis, no MongoDB)
  cli ARGS...  the portico admin CLI (apps, logs, invoke)
  healthcheck PORT [PATH]
               exits 0 when http://127.0.0.1:PORT/PATH (default /readyz) answers 2xx (for docker healthchecks)

Configuration is read from environment variables only: see docs/configuration.md.
USAGE
}

if [ "$#" -eq 0 ]; then
  usage
  exit 64
fi

command="$1"
shift
case "$command" in
  gateway | registry | worker)
    exec node "$APP_DIR/dist/apps/$command/src/main.js" "$@"
    ;;
  standalone)
    exec node "$APP_DIR/dist/apps/cli/src/main.js" dev "$@"
    ;;
  cli)
    exec node "$APP_DIR/dist/apps/cli/src/main.js" "$@"
    ;;
  healthcheck)
    # The image has no curl or wget; Node's fetch does the job. A 2 s timeout keeps a hung process unhealthy.
    exec node -e '
      const [port, path = "/readyz"] = process.argv.slice(1);
      fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2000) }).then(
        (res) => process.exit(res.ok ? 0 : 1),
        () => process.exit(1),
      );' "$@"
    ;;
  -h | --help | help)
    usage
    exit 0
    ;;
  *)
    echo "portico: unknown command \"$command\"" >&2
    usage
    exit 64
    ;;
esac
