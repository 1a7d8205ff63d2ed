#!/usr/bin/env bash
# Makes sure a Docker engine answers on this Debian machine, for the agent and the Docker tests.
# Idempotent: installs docker.io only when dockerd is missing, starts dockerd only when the engine
# does not answer, then waits (bounded) until `docker info` answers.
# Run as root. Env: DOCKER_WAIT_SEC (default 60) bounds the wait; dockerd logs to /tmp/dockerd.log.
set -euo pipefail

WAIT_SEC="${DOCKER_WAIT_SEC:-60}"
LOG=/tmp/dockerd.log

fail() {
  echo "install-docker: $*" >&2
  exit 1
}

engine_answers() {
  docker info >/dev/null 2>&1
}

if [ "$(id -u)" -ne 0 ]; then
  fail "must run as root (it may install packages and start dockerd)"
fi

if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 || fail "dockerd is missing and apt-get is not available (not Debian?)"
  echo "install-docker: installing docker.io with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || fail "apt-get update failed"
  apt-get install -y -qq docker.io >/dev/null || fail "apt-get install docker.io failed"
fi

if engine_answers; then
  echo "install-docker: Docker engine already answers" >&2
  exit 0
fi

# Prefer the init system when there is one; otherwise start dockerd in the background ourselves.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  systemctl start docker || true
fi
if ! engine_answers && ! pgrep -x dockerd >/dev/null 2>&1; then
  echo "install-docker: starting dockerd in the background (log: $LOG)" >&2
  nohup dockerd >"$LOG" 2>&1 &
fi

for _ in $(seq 1 "$WAIT_SEC"); do
  if engine_answers; then
    echo "install-docker: Docker engine answers" >&2
    exit 0
  fi
  sleep 1
done

echo "install-docker: last lines of $LOG:" >&2
tail -n 20 "$LOG" >&2 2>/dev/null || true
fail "Docker engine did not answer 'docker info' within ${WAIT_SEC}s"
