#!/usr/bin/env bash
# Installs a pinned dlt (with its DuckDB destination) into a Python virtual environment for the
# differential suite (test/dlt-differential), which runs the same dlt configs through dlt itself and
# through floe. The environment is cached per version under ${XDG_CACHE_HOME:-~/.cache}/floe and
# linked at .tools/dlt-venv, the path the suite looks for. Run outside the loopback-only namespace:
# pip needs PyPI. Without python3 the suite is skipped (and says so).
set -euo pipefail
cd "$(dirname "$0")/.."
version=1.31.0
cache="${XDG_CACHE_HOME:-$HOME/.cache}/floe/dlt-$version"
target=.tools/dlt-venv
if ! command -v python3 >/dev/null 2>&1; then
  echo "dlt: no python3; the dlt differential suite will be skipped" >&2
  exit 0
fi
if ! "$cache/bin/python" -c "import dlt, duckdb; assert dlt.__version__ == '$version'" >/dev/null 2>&1; then
  echo "dlt $version: installing into $cache"
  rm -rf "$cache"
  python3 -m venv "$cache"
  "$cache/bin/pip" install --quiet --disable-pip-version-check "dlt[duckdb]==$version"
fi
mkdir -p .tools
ln -sfn "$cache" "$target"
echo "dlt $version: ready at $target"
