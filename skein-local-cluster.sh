#!/usr/bin/env bash
# A local three-node Skein cluster from this repository, in one command:
#
#   ./skein-local-cluster.sh start    build the distribution if it is missing or older than the
#                                     sources, start three nodes on 127.0.0.1, wait until they form one
#                                     cluster, print how to connect
#   ./skein-local-cluster.sh check    alice on node 1 and bob on node 2 exchange a message and a presence
#   ./skein-local-cluster.sh status   which nodes run, and the cluster as each admin console shows it
#   ./skein-local-cluster.sh stop     stop every node and wait
#   ./skein-local-cluster.sh clean    stop, then delete run/cluster/
#
# The nodes run from distribution/target/skein-VERSION/ (bin/skein-local-cluster, which explains the
# settings: SKEIN_XMPP_PORT, SKEIN_ADMIN_PORT, SKEIN_HAZELCAST_PORT, ...), with their homes in
# run/cluster/. SKEIN_BUILD=never uses the built distribution as it is; SKEIN_MVN_FLAGS adds
# flags to the build command (for example -o).
set -euo pipefail

REPO="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
export SKEIN_CLUSTER_DIR="${SKEIN_CLUSTER_DIR:-$REPO/run/cluster}"
export SKEIN_CLUSTER_COMMAND="${SKEIN_CLUSTER_COMMAND:-./skein-local-cluster.sh}"

# The newest built distribution folder, if any (by its tar.gz, which every build writes anew: the
# files in the folder keep their sources' times).
distribution() {
  local newest="" candidate dir
  for candidate in "$REPO"/distribution/target/skein-*/bin/skein-local-cluster; do
    [[ -x "$candidate" ]] || continue
    dir="$(dirname "$(dirname "$candidate")")"
    if [[ -z "$newest" || "$dir.tar.gz" -nt "$newest.tar.gz" ]]; then
      newest="$dir"
    fi
  done
  [[ -n "$newest" ]] && echo "$newest"
}

# Whether a source of the server, the plugin or the distribution (not a test) changed after the build.
stale() {
  local dist="$1" tarball="$1.tar.gz"
  [[ -f "$tarball" ]] || return 0
  [[ -n "$(find "$REPO/pom.xml" "$REPO/server" "$REPO/hazelcast" "$REPO/distribution" \
    \( -name target -o -path '*/src/test' \) -prune -o -type f -newer "$tarball" -print 2>/dev/null | head -n 1)" ]]
}

build() {
  echo "Building Skein: mvn -B -q package -DskipTests -pl distribution -am ${SKEIN_MVN_FLAGS:-} (about a minute)"
  # shellcheck disable=SC2086
  (cd "$REPO" && mvn -B -q -Dstyle.color=never package -DskipTests -pl distribution -am ${SKEIN_MVN_FLAGS:-}) \
    || { echo "skein-local-cluster.sh: the build failed (see above)" >&2; exit 1; }
}

command="${1:-}"
dist="$(distribution || true)"
if [[ "$command" == "start" && "${SKEIN_BUILD:-auto}" != "never" ]]; then
  if [[ -z "$dist" ]]; then
    build
  elif [[ "${SKEIN_BUILD:-auto}" == "always" ]] || stale "$dist"; then
    if "$dist/bin/skein-local-cluster" running 2>/dev/null; then
      echo "The sources changed since the last build, but the cluster runs: './skein-local-cluster.sh stop' first to rebuild."
    else
      build
    fi
  fi
  dist="$(distribution || true)"
fi
if [[ -z "$dist" ]]; then
  case "$command" in
    stop|status|clean)
      echo "No built distribution in distribution/target/, so no local cluster runs from it."
      exit 0
      ;;
    start|check)
      echo "skein-local-cluster.sh: no built distribution in distribution/target/$([[ "$command" == start ]] && echo ' (SKEIN_BUILD=never)' || echo ": './skein-local-cluster.sh start' builds it")" >&2
      exit 1
      ;;
    *)
      sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 2
      ;;
  esac
fi
exec "$dist/bin/skein-local-cluster" "$@"
