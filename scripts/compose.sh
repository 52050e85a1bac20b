#!/usr/bin/env bash
# docker compose for Gauntlet's brokers, failing fast (exit 4) with the local alternative
# when no Docker engine answers. Usage: scripts/compose.sh up -d | down | ps ...
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v docker >/dev/null 2>&1; then
  echo "compose: no docker command on this machine." >&2
  echo "  fix: run the brokers as local processes instead: npx gauntlet brokers install rabbitmq && npx gauntlet brokers up rabbitmq" >&2
  exit 4
fi
if ! timeout 5 docker info >/dev/null 2>&1; then
  echo "compose: the docker client is installed but no Docker engine answers (docker info failed)." >&2
  echo "  fix: start Docker, or run the brokers as local processes: npx gauntlet brokers install rabbitmq && npx gauntlet brokers up rabbitmq" >&2
  exit 4
fi
exec docker compose -f docker-compose.yml "$@"
