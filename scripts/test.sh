#!/usr/bin/env bash
# The project's test command: unit and integration tests (Swift Testing) on SQLite and — when
# PostgreSQL is installed — on a throwaway PostgreSQL cluster too, the command-line checks, and the
# cross-check of the index engine against R's survey package.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build
scripts/with-postgres.sh swift test
scripts/cli-test.sh
scripts/api-fuzz.sh
if command -v Rscript >/dev/null && Rscript -e 'library(survey); library(yaml)' >/dev/null 2>&1; then
  scripts/crosscheck/run.sh
else
  echo "R with the survey and yaml packages is missing: install r-cran-survey r-cran-yaml (.ci/run does)" >&2
  exit 1
fi
