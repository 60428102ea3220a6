#!/usr/bin/env bash
# QueryRelay benchmarks (docs/performance.md): builds the bench module, then runs scenarios 0-6
# and the JMH benchmark in order and prints a summary (also in bench/target/bench-run/summary.md).
#
#   bench/run.sh [--rebuild] [--quick] [--only=limits,3,4,5,6,jmh] [--out=DIR] [--profile]
#
# --quick      scaled-down smoke run (2-3 minutes); its figures are not comparable with the targets
# --profile    record a JFR profile of every JVM but the load generator (NAME.jfr in the run directory)
# --rebuild    also build and install the modules the bench depends on (worker, registry, ...);
#              done anyway when they are not installed in the local Maven repository yet
# Not part of the test run. Needs a quiet machine: other load changes every figure.
set -euo pipefail
cd "$(dirname "$0")/.."

rebuild=false
args=()
for arg in "$@"; do
  if [[ "$arg" == "--rebuild" ]]; then rebuild=true; else args+=("$arg"); fi
done

version=0.1.0-SNAPSHOT
worker_jar="$HOME/.m2/repository/dev/queryrelay/queryrelay-worker/$version/queryrelay-worker-$version.jar"
if [[ "$rebuild" == true || ! -f "$worker_jar" ]]; then
  mvn -B -q -pl bench -am install -DskipTests
else
  mvn -B -q -pl bench install
fi
mvn -B -q -pl bench dependency:build-classpath \
  -Dmdep.outputFile="$PWD/bench/target/classpath.txt" -Dmdep.includeScope=runtime

exec java -Xms1g -Xmx2g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
  dev.queryrelay.bench.BenchMain ${args[@]+"${args[@]}"}
