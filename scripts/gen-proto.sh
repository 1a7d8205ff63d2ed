#!/usr/bin/env bash
# Regenerates proto/gen from proto/corral/v1/*.proto with ts-proto (grpc-js services).
# Needs protoc (Debian: protobuf-compiler). The output is committed and never edited by hand;
# CI runs this and fails when `git diff` shows drift.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v protoc >/dev/null || { echo "gen-proto: protoc not found (apt-get install protobuf-compiler)" >&2; exit 1; }
rm -rf proto/gen
mkdir -p proto/gen
protoc \
  --plugin=protoc-gen-ts_proto=node_modules/.bin/protoc-gen-ts_proto \
  --ts_proto_out=proto/gen \
  --ts_proto_opt=outputServices=grpc-js,esModuleInterop=true,env=node,useOptionals=messages,oneof=unions-value,forceLong=number,useDate=false \
  -I proto \
  proto/corral/v1/*.proto
