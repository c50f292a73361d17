# Sourced by the other scripts: where the prebuilt libduckdb and the build cache live.
# CARGO_TARGET_DIR is outside the clone so that CI on the same machine only rebuilds our crate.
INSIGHTS_CACHE="${INSIGHTS_CACHE:-$HOME/.cache/retail-insights}"
export INSIGHTS_CACHE
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$INSIGHTS_CACHE/target}"
DUCKDB_LIB_DIR="$("$(dirname "${BASH_SOURCE[0]}")/duckdb-lib.sh")"
export DUCKDB_LIB_DIR
export LD_LIBRARY_PATH="$DUCKDB_LIB_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export INSIGHTS_BIN="${INSIGHTS_BIN:-$CARGO_TARGET_DIR/release/insights}"
