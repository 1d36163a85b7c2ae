#!/usr/bin/env bash
# Set-up for running the server: the system libraries the build links (zlib for workbooks,
# libqrencode for the QR codes of printed questionnaires) when missing — root or sudo needed only
# then — and a release build. Chromium (apt-get install chromium) is needed only to print PDF.
set -euo pipefail
cd "$(dirname "$0")/.."
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
  echo "missing build libraries and no root to install them: run as root, or install: $*" >&2; exit 1; fi; }
need=()
[ -e /usr/include/zlib.h ] || need+=(zlib1g-dev)
[ -e /usr/include/qrencode.h ] || need+=(libqrencode-dev)
if [ ${#need[@]} -gt 0 ]; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
swift build -c release
