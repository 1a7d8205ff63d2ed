#!/usr/bin/env bash
# Installs the Corral agent on this Linux node as the systemd service corral-agent.
#
# It copies the built package from the checkout this script sits in (bin/, dist/ without tests,
# package.json, package-lock.json, node_modules pruned to production) to --prefix, writes
# /etc/corral/agent.env (mode 0600: it holds the join token) and
# /etc/systemd/system/corral-agent.service, then runs `systemctl daemon-reload` and
# `systemctl enable --now corral-agent`. Running it again upgrades in place and restarts the agent.
# A checkout without dist/ is built first (`npm ci && npm run build`, which needs the dev deps).
#
# Exit codes: 0 ok, 1 failure (not root, no systemd, Node too old, build or copy failed),
# 2 bad arguments. --dry-run prints what it would write and run, writes nothing and needs neither
# root nor systemd.
set -euo pipefail

PROG=install-agent
SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ENV_FILE=/etc/corral/agent.env
UNIT_FILE=/etc/systemd/system/corral-agent.service
NODE_MIN_MAJOR=20

usage() {
  cat <<EOF
Usage: $0 --hub HOST:PORT --token JOIN_TOKEN [options]

Installs the Corral agent as the systemd service corral-agent.

Required:
  --hub HOST:PORT       the hub's gRPC endpoint (CORRAL_HUB), e.g. hub.example:9081
  --token JOIN_TOKEN    join token from \`corral token create\` (CORRAL_JOIN_TOKEN)
Options:
  --name NODE           node name (CORRAL_NODE_NAME)             default: the hostname
  --cluster C           cluster to join (CORRAL_CLUSTER)         default: default
  --labels a,b          comma list of node labels (CORRAL_LABELS) default: none
  --runtime R           docker or fake (CORRAL_RUNTIME)          default: docker
  --prefix DIR          where the package is installed           default: /opt/corral
  --data-dir DIR        node credential and state (CORRAL_AGENT_DATA_DIR)
                                                                 default: /var/lib/corral-agent
  --dry-run             print the files and commands, change nothing
  -h, --help            this help
EOF
}

# Bad arguments: exit 2 naming the argument.
usage_error() {
  echo "$PROG: $*" >&2
  echo "Run '$0 --help' for usage." >&2
  exit 2
}

fail() {
  echo "$PROG: $*" >&2
  exit 1
}

HUB="" TOKEN="" NAME="" CLUSTER="default" LABELS="" RUNTIME="docker"
PREFIX="/opt/corral" DATA_DIR="/var/lib/corral-agent" DRY_RUN=0

# Every value-taking option needs a value that is not itself an option.
need_value() {
  if [ "$#" -lt 2 ] || [ -z "$2" ] || [[ "$2" == --* ]]; then usage_error "$1 needs a value"; fi
}

while [ "$#" -gt 0 ]; do
  case "$1" in
    --hub) need_value "$@"; HUB="$2"; shift 2 ;;
    --token) need_value "$@"; TOKEN="$2"; shift 2 ;;
    --name) need_value "$@"; NAME="$2"; shift 2 ;;
    --cluster) need_value "$@"; CLUSTER="$2"; shift 2 ;;
    --labels) need_value "$@"; LABELS="$2"; shift 2 ;;
    --runtime) need_value "$@"; RUNTIME="$2"; shift 2 ;;
    --prefix) need_value "$@"; PREFIX="$2"; shift 2 ;;
    --data-dir) need_value "$@"; DATA_DIR="$2"; shift 2 ;;
    --dry-run) DRY_RUN=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage_error "unknown argument: $1" ;;
  esac
done

# Values end up unquoted in a systemd EnvironmentFile, so they are held to plain characters.
[ -n "$HUB" ] || usage_error "--hub is required (host:port of the hub's gRPC endpoint)"
[[ "$HUB" =~ ^[A-Za-z0-9._-]+:[0-9]{1,5}$ || "$HUB" =~ ^\[[0-9A-Fa-f:]+\]:[0-9]{1,5}$ ]] ||
  usage_error "--hub must be HOST:PORT, got '$HUB'"
HUB_PORT=$((10#${HUB##*:}))
if [ "$HUB_PORT" -lt 1 ] || [ "$HUB_PORT" -gt 65535 ]; then usage_error "--hub port must be 1-65535, got '${HUB##*:}'"; fi
[ -n "$TOKEN" ] || usage_error "--token is required (a join token from 'corral token create')"
[[ "$TOKEN" =~ ^[A-Za-z0-9._~+/=:-]+$ ]] || usage_error "--token has characters a join token never has"
if [ -n "$NAME" ] && ! [[ "$NAME" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]{0,252}$ ]]; then
  usage_error "--name must be letters, digits, '_', '.' or '-', got '$NAME'"
fi
[[ "$CLUSTER" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$ ]] ||
  usage_error "--cluster must be 1-63 letters, digits, '_', '.' or '-', got '$CLUSTER'"
if [ -n "$LABELS" ] && ! [[ "$LABELS" =~ ^[A-Za-z0-9_.=/:-]+(,[A-Za-z0-9_.=/:-]+)*$ ]]; then
  usage_error "--labels must be a comma list like gpu,zone=a, got '$LABELS'"
fi
[ "$RUNTIME" = docker ] || [ "$RUNTIME" = fake ] || usage_error "--runtime must be docker or fake, got '$RUNTIME'"
for pair in "--prefix:$PREFIX" "--data-dir:$DATA_DIR"; do
  flag="${pair%%:*}" dir="${pair#*:}"
  [[ "$dir" =~ ^/[A-Za-z0-9._/-]+$ ]] || usage_error "$flag must be an absolute path of plain characters, got '$dir'"
  [[ "${dir%/}" != "" && "$dir" != *..* ]] || usage_error "$flag must not be / or contain '..', got '$dir'"
done
PREFIX="${PREFIX%/}" DATA_DIR="${DATA_DIR%/}"

# Node >= 20 must be on PATH; the unit starts it with /usr/bin/env node.
NODE_BIN="$(command -v node || true)"
[ -n "$NODE_BIN" ] || fail "node is not on PATH (Node.js >= $NODE_MIN_MAJOR is required)"
NODE_VERSION="$(node -p 'process.versions.node')"
[ "${NODE_VERSION%%.*}" -ge "$NODE_MIN_MAJOR" ] || fail "Node.js >= $NODE_MIN_MAJOR is required, found $NODE_VERSION at $NODE_BIN"
case "$(dirname "$NODE_BIN")" in
  /usr/local/sbin | /usr/local/bin | /usr/sbin | /usr/bin | /sbin | /bin) ;;
  *) echo "$PROG: warning: node is at $NODE_BIN, outside systemd's default PATH; link it into /usr/local/bin or the service will not find it" >&2 ;;
esac

env_file() {
  echo "# Corral agent settings, read by corral-agent.service. Holds the join token: keep it mode 0600."
  echo "CORRAL_HUB=$HUB"
  echo "CORRAL_JOIN_TOKEN=$TOKEN"
  echo "CORRAL_CLUSTER=$CLUSTER"
  if [ -n "$NAME" ]; then echo "CORRAL_NODE_NAME=$NAME"; fi
  echo "CORRAL_LABELS=$LABELS"
  echo "CORRAL_RUNTIME=$RUNTIME"
  echo "CORRAL_AGENT_DATA_DIR=$DATA_DIR"
}

unit_file() {
  cat <<EOF
[Unit]
Description=Corral agent: keeps this node joined to its hub and runs the hub's work
After=network-online.target docker.service
Wants=network-online.target

[Service]
Type=simple
EnvironmentFile=$ENV_FILE
ExecStart=/usr/bin/env node $PREFIX/bin/corral-agent.js
Restart=always
RestartSec=5
# The agent leaves the hub on SIGTERM; task containers belong to dockerd and keep running.
KillSignal=SIGTERM
TimeoutStopSec=30

[Install]
WantedBy=multi-user.target
EOF
}

BUILD_CMD="(cd '$SRC' && npm ci && npm run build)"
COPY_CMDS=(
  "mkdir -p '$PREFIX'"
  "rm -rf '$PREFIX/bin' '$PREFIX/dist' '$PREFIX/node_modules'"
  "cp -a '$SRC/bin' '$SRC/dist' '$SRC/package.json' '$SRC/package-lock.json' '$SRC/node_modules' '$PREFIX/'"
  "rm -rf '$PREFIX/dist/test'"
  "(cd '$PREFIX' && npm prune --omit=dev --no-audit --no-fund)"
  "install -d -m 0700 '$DATA_DIR'"
)
SYSTEMD_CMDS=("systemctl daemon-reload" "systemctl enable corral-agent" "systemctl restart corral-agent")

if [ "$DRY_RUN" -eq 1 ]; then
  echo "# dry run: nothing is written or run"
  echo "# --- $ENV_FILE (mode 0600) ---"
  env_file
  echo "# --- $UNIT_FILE ---"
  unit_file
  echo "# --- commands ---"
  if [ ! -f "$SRC/dist/agent/main.js" ]; then echo "$BUILD_CMD"; fi
  printf '%s\n' "${COPY_CMDS[@]}"
  echo "install -d -m 0755 /etc/corral; write $ENV_FILE (0600) and $UNIT_FILE (0644)"
  printf '%s\n' "${SYSTEMD_CMDS[@]}"
  exit 0
fi

[ "$(id -u)" -eq 0 ] || fail "must run as root (it writes $UNIT_FILE and $ENV_FILE); try sudo"
if ! command -v systemctl >/dev/null 2>&1 || [ ! -d /run/systemd/system ]; then fail "systemd is not running on this machine"; fi
if [ ! -f "$SRC/package.json" ] || [ ! -d "$SRC/bin" ]; then fail "$SRC does not look like a Corral checkout"; fi
if [ "$RUNTIME" = docker ] && ! command -v docker >/dev/null 2>&1; then
  echo "$PROG: warning: docker is not installed; the node will register but cannot run work (scripts/install-docker.sh)" >&2
fi

if [ ! -f "$SRC/dist/agent/main.js" ]; then
  echo "$PROG: $SRC is not built; building it" >&2
  eval "$BUILD_CMD" || fail "build failed in $SRC"
fi
[ -d "$SRC/node_modules" ] || fail "$SRC/node_modules is missing: run 'npm ci' there first"

for cmd in "${COPY_CMDS[@]}"; do
  echo "+ $cmd" >&2
  eval "$cmd" || fail "failed: $cmd"
done

install -d -m 0755 /etc/corral
# Created 0600 before the token is written into it, so it is never readable by others.
(umask 077 && env_file >"$ENV_FILE.tmp") && chmod 0600 "$ENV_FILE.tmp" && mv "$ENV_FILE.tmp" "$ENV_FILE"
unit_file >"$UNIT_FILE.tmp" && chmod 0644 "$UNIT_FILE.tmp" && mv "$UNIT_FILE.tmp" "$UNIT_FILE"

for cmd in "${SYSTEMD_CMDS[@]}"; do
  echo "+ $cmd" >&2
  eval "$cmd" || fail "failed: $cmd"
done
echo "$PROG: corral-agent installed and started; follow it with: journalctl -u corral-agent -f"
