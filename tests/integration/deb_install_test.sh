#!/usr/bin/env bash
# Builds the .deb with CPack, unpacks it into a scratch root (dpkg -x) and runs the installed
# cimscope-cli from there (issue 9). Usage: deb_install_test.sh BUILD_DIR
set -euo pipefail
BUILD_DIR="$1"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$BUILD_DIR"
cpack -G DEB -B "$WORK/pkg" >"$WORK/cpack.log" 2>&1 || { cat "$WORK/cpack.log"; exit 1; }
DEB=$(ls "$WORK"/pkg/cimscope_*_amd64.deb)
echo "package: $(basename "$DEB")"
dpkg-deb --field "$DEB" Package Version Architecture Depends
for dep in libqt6charts6 libtorch1.13 libhdf5-103-1 libopenblas0-openmp; do
  dpkg-deb --field "$DEB" Depends | grep -q "$dep" || { echo "Depends lacks $dep"; exit 1; }
done
ROOT="$WORK/root"
dpkg -x "$DEB" "$ROOT"
for f in usr/bin/cimscope usr/bin/cimscope-cli usr/share/applications/cimscope.desktop \
         usr/share/icons/hicolor/scalable/apps/cimscope.svg \
         usr/share/metainfo/io.github.cimscope.cimscope.metainfo.xml \
         usr/share/cimscope/macros/reference-256.json usr/share/cimscope/configs/quick.json \
         usr/share/man/man1/cimscope-cli.1.gz; do
  [ -e "$ROOT/$f" ] || { echo "missing in the package: /$f"; exit 1; }
done
zcat "$ROOT/usr/share/man/man1/cimscope-cli.1.gz" | grep -q '^.TH CIMSCOPE-CLI 1' || { echo "bad man page"; exit 1; }
zcat "$ROOT/usr/share/man/man1/cimscope-cli.1.gz" | grep -q '^.SS map' || { echo "man page lacks map"; exit 1; }
# The installed program, with the source tree out of reach: presets come from the package.
CLI="$ROOT/usr/bin/cimscope-cli"
"$CLI" --version | grep -q '^cimscope ' || { echo "--version printed no version"; exit 1; }
OUT=$(cd "$WORK" && env -u CIMSCOPE_RESOURCES_DIR "$CLI" map --model lenet5 --macro "$ROOT/usr/share/cimscope/macros/reference-256.json" --json)
echo "$OUT" | grep -q '"tiles": 7' || { echo "map from the package gave: $OUT" | head -c 600; exit 1; }
(cd "$WORK" && "$CLI" map --model resnet20 >/dev/null)
echo "installed cimscope-cli --version and map work"
