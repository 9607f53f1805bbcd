#!/usr/bin/env bash
# The Python tools the deployment checks use (test/deploy/): kubernetes-validate (strict, offline
# schema validation of deploy/kubernetes/*.yaml) and apache-airflow (imports the DAG in
# deploy/airflow/). Every package is pinned in scripts/python-tools.txt (a `pip freeze`). The venv
# is built once per version of that file under ${XDG_CACHE_HOME:-~/.cache}/floe and linked at
# .tools/python, the path the tests look for. Run outside the loopback-only namespace: pip needs PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
key=$(sha256sum scripts/python-tools.txt | cut -c1-12)
cache="${XDG_CACHE_HOME:-$HOME/.cache}/floe/python-tools-$key"
target=.tools/python
if [ ! -x "$cache/bin/python" ] || [ ! -f "$cache/.complete" ]; then
  py=$(command -v python3 || true)
  if [ -z "$py" ] || ! "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)'; then
    echo "python tools: no Python >= 3.10; the deploy/ checks will be skipped" >&2
    exit 0
  fi
  echo "python tools: installing kubernetes-validate and apache-airflow ($("$py" --version)) into $cache"
  rm -rf "$cache"
  "$py" -m venv "$cache"
  "$cache/bin/pip" install -q --disable-pip-version-check -r scripts/python-tools.txt
  touch "$cache/.complete"
fi
mkdir -p .tools
ln -sfn "$cache" "$target"
echo "python tools: ready in $target"
