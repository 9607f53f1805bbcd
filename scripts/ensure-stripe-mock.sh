#!/usr/bin/env bash
# Builds Stripe's official stripe-mock (a Go module, pinned) with the machine's Go toolchain into
# .tools/stripe-mock/, the path the tests look for. The binary is cached per version under
# ${XDG_CACHE_HOME:-~/.cache}/floe, so a fresh clone (CI) copies it instead of rebuilding.
# Run outside the loopback-only namespace: `go install` needs the Go module proxy.
set -euo pipefail
cd "$(dirname "$0")/.."
version=v0.203.0
cache="${XDG_CACHE_HOME:-$HOME/.cache}/floe/stripe-mock-$version"
target=.tools/stripe-mock
if [ -x "$target/stripe-mock" ] && [ "$(cat "$target/VERSION" 2>/dev/null)" = "$version" ]; then
  echo "stripe-mock $version: present"
  exit 0
fi
if [ ! -x "$cache/stripe-mock" ]; then
  if ! command -v go >/dev/null 2>&1; then
    echo "stripe-mock: no Go toolchain; the stripe-mock tests will be skipped" >&2
    exit 0
  fi
  echo "stripe-mock $version: building with $(go version)"
  mkdir -p "$cache"
  GOBIN="$cache" GOFLAGS=-mod=mod go install "github.com/stripe/stripe-mock@$version"
fi
mkdir -p "$target"
cp "$cache/stripe-mock" "$target/stripe-mock"
echo "$version" > "$target/VERSION"
echo "stripe-mock $version: ready in $target"
