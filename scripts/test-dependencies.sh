#!/usr/bin/env bash
# Installs what the tests need and is missing: R with survey and yaml (the index cross-check),
# PostgreSQL (the second engine), Chromium and its driver (the browser tests and the PDF report),
# poppler's pdftotext (reading the PDF back), zbar's decoder (reading the QR codes back), zlib's headers (the workbook's ZIP) and libqrencode
# (the questionnaires' QR codes; the build needs it) from Debian's
# packages; schemathesis, Selenium, html5lib, axe-core's driver, openpyxl, pypdf and SciPy (the
# disclosure auditor's linear programmes) from PyPI. Needs root (or sudo)
# only when something is missing.
set -euo pipefail
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
  echo "missing test dependencies and no root to install them: run as root, or install: $*" >&2; exit 1; fi; }
export DEBIAN_FRONTEND=noninteractive
need=()
Rscript -e 'library(survey); library(yaml)' >/dev/null 2>&1 || need+=(r-cran-survey r-cran-yaml)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v pip3 >/dev/null || need+=(python3-pip)
command -v chromium >/dev/null || need+=(chromium)
command -v chromedriver >/dev/null || need+=(chromium-driver)
[ -e /usr/share/fonts/truetype/liberation ] || need+=(fonts-liberation)
command -v pdftotext >/dev/null || need+=(poppler-utils)
# An independent QR decoder, to read the printed questionnaires' codes back.
command -v zbarimg >/dev/null || need+=(zbar-tools)
[ -e /usr/include/zlib.h ] || need+=(zlib1g-dev)
# The build itself: libqrencode for the QR codes of printed questionnaires.
[ -e /usr/include/qrencode.h ] || need+=(libqrencode-dev)
# The benchmarks' smoke run: wrk for the submission load, bc and GNU time for the timings.
command -v wrk >/dev/null || need+=(wrk)
command -v bc >/dev/null || need+=(bc)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
# The API fuzzer and the browser tests' libraries come from PyPI.
python3 -c 'import selenium, html5lib, axe_selenium_python, openpyxl, pypdf, scipy, yaml' 2>/dev/null && command -v schemathesis >/dev/null ||
  as_root pip3 install --quiet --break-system-packages schemathesis==4.32.5 selenium==4.51.0 html5lib==1.1 axe-selenium-python==2.1.6 \
    openpyxl==3.1.5 pypdf==7.1.1 scipy==1.17.1 pyyaml==6.0.3
