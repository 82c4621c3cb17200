#!/usr/bin/env bash
# Installs what Skein's tests need on Debian (12 or later) with Java 17 and Maven, only what is missing,
# with apt-get as root or through sudo; then sets up the test database. Used by ./skein-test.sh (the
# README's test command) and by CI (.ci/run), both of which then run `mvn -B verify`.
#
#   postgresql                  the PostgreSQL storage tests (started on 127.0.0.1:5432, database
#                               skein_test owned by skein/skein: .ci/postgres-setup.sh)
#   chromium, chromium-driver   the admin console's browser test (/usr/bin/chromium, /usr/bin/chromedriver)
#   fonts-wqy-microhei          a CJK font, so the Chinese console pages' screenshots show text
#   nodejs, npm                 the web client's browser test (the build fetches Converse.js with npm ci)
#   haproxy                     the WebSocket cluster test runs HAProxy (/usr/sbin/haproxy) in front of two nodes
#   procps                      ps and kill, for the tests that start and kill node processes
# SKEIN_TEST_INSTALL=no skips the installation (the tests then fail, saying what is missing).
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."

fail() {
  echo "install-test-prerequisites.sh: $*" >&2
  exit 1
}

command -v java >/dev/null 2>&1 || fail "needs Java 17 or later (Debian: apt-get install openjdk-17-jdk-headless)"
command -v mvn >/dev/null 2>&1 || fail "needs Maven 3.8 or later (Debian: apt-get install maven)"

if [ "${SKEIN_TEST_INSTALL:-yes}" != "no" ]; then
  as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || fail "is not running as root and sudo is missing: run it as root, or install sudo, or install the packages listed at the top of this script and run it with SKEIN_TEST_INSTALL=no"
    as_root=(sudo)
  fi

  need=()
  command -v pg_lsclusters >/dev/null 2>&1 || need+=(postgresql)
  [ -x /usr/bin/chromium ] || need+=(chromium)
  [ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
  dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || need+=(fonts-wqy-microhei)
  command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
  [ -x /usr/sbin/haproxy ] || need+=(haproxy)
  { command -v ps && command -v kill; } >/dev/null 2>&1 || need+=(procps)
  if [ ${#need[@]} -gt 0 ]; then
    command -v apt-get >/dev/null 2>&1 || fail "cannot install ${need[*]} without apt-get: install them, then run it with SKEIN_TEST_INSTALL=no"
    echo "install-test-prerequisites.sh: installing ${need[*]}"
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
  fi
  "${as_root[@]}" bash .ci/postgres-setup.sh
fi

