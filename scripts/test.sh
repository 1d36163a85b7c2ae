#!/usr/bin/env bash
# The project's test command: unit and integration tests (Swift Testing) on SQLite and — when
# PostgreSQL is installed — on a throwaway PostgreSQL cluster too, the command-line checks, and the
# cross-check of the index engine against R's survey package, the dashboards against an
# independent implementation, the screens in Chromium, the API fuzzed from its OpenAPI document, the
# disclosure auditor, slow clients, and every README benchmark at a tiny size.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/test-dependencies.sh
swift build
scripts/with-postgres.sh swift test
scripts/cli-test.sh
python3 Tests/Sampling/check_draws.py .build/debug/sipas
python3 Tests/Sampling/server_to_cli.py .build/debug/sipas
scripts/with-postgres.sh scripts/server-checks.sh
scripts/crosscheck/run.sh
scripts/benchmark-smoke.sh
