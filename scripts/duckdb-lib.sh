#!/usr/bin/env bash
# Fetches the official prebuilt libduckdb (v1.5.5, linux-x64) once into a cache outside the clone and prints
# the directory that holds it. We link it instead of compiling DuckDB's C++ with `bundled` (40+ minutes on 2 cores).
# The file comes from DuckDB's own npm package; its sha256 is pinned here.
set -euo pipefail
VERSION="1.5.5-r.5"
SHA256="fc23f12e376c47be520f75221288281906e7942e8fd6f6ce4849198ba60d0405"
dir="${INSIGHTS_CACHE:-$HOME/.cache/retail-insights}/duckdb-$VERSION"
lib="$dir/libduckdb.so"
if [ ! -f "$lib" ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && npm install --silent --no-save --no-audit --no-fund --prefix . "@duckdb/node-bindings-linux-x64@$VERSION" >&2)
  mkdir -p "$dir"
  cp "$tmp/node_modules/@duckdb/node-bindings-linux-x64/libduckdb.so" "$lib.part"
  rm -rf "$tmp"
  got=$(sha256sum "$lib.part" | cut -d' ' -f1)
  if [ "$got" != "$SHA256" ]; then
    echo "libduckdb.so checksum mismatch: got $got, want $SHA256" >&2
    rm -f "$lib.part"; exit 1
  fi
  mv "$lib.part" "$lib"
fi
echo "$dir"
