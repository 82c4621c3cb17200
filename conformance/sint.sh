#!/usr/bin/env bash
# Runs only Smack's integration test suite against Skein (builds what it needs, skips the other tests).
#
#   conformance/sint.sh [one|three] [-Dsint.KEY=VALUE ...] [other Maven options]
#
# one / three: only the one-node run or only the three-node run (default: both).
# Selection (see conformance/README.md): -Dsint.enabledSpecifications=XEP-0045,
# -Dsint.enabledTests=RosterIntegrationTest, -Dsint.disabledTests=..., -Dsint.replyTimeout=20000.
# Report: conformance/target/sint-report.md
set -euo pipefail
cd "$(dirname "$0")/.."
it=SintIT
case "${1:-}" in
  one) it='SintIT#oneNode'; shift ;;
  three) it='SintIT#threeNodes'; shift ;;
esac
# -DskipITs skips the other modules' integration tests; -Dsint.only keeps this module's (its pom's profile)
exec mvn -B -pl conformance -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -DskipITs -Dsint.only -Dit.test="$it" "$@"
