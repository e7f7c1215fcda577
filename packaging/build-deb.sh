#!/usr/bin/env bash
# Builds the Debian package build/cimscope_<version>_amd64.deb (CPack). Installs dependencies
# and builds first, like the README commands.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
if [ "${SKIP_DEPS:-}" != "1" ]; then bash "$ROOT/packaging/install-deps.sh"; fi
bash "$ROOT/packaging/build.sh"
cd "$BUILD_DIR"
cpack -G DEB
ls -1 "$BUILD_DIR"/cimscope_*_amd64.deb
