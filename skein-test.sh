#!/usr/bin/env bash
# The README's test command: installs what the tests need on Debian (12 or later) with Java 17 and
# Maven (.ci/install-test-prerequisites.sh lists it), then runs every test of every module.
#
#   ./skein-test.sh [Maven options]      e.g. ./skein-test.sh -pl server -am
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"
bash .ci/install-test-prerequisites.sh
exec mvn -B verify "$@"
