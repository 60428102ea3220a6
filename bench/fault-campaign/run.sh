#!/usr/bin/env bash
# The fault campaign (docs/operations.md, "Fault campaign"): a broker and three workers on this
# machine, 3,000 mock queries driven through Kafka only, workers and the broker killed, paused and
# restarted; then an audit of the output topics read as docs/protocol.md says. Exit code 0 when the
# audit found no defect. About 4 minutes; needs a quiet machine and the ports 19092, 18081-18083.
#
#   bench/fault-campaign/run.sh [--rebuild] [--run-dir DIR] [--queries N] [--submit-seconds S]
#                               [--seed N] [--no-faults]
#
# --rebuild    build and install the modules first (done anyway when the worker jar is missing)
# Needs Python 3 with confluent-kafka (Debian: python3-confluent-kafka). Not part of the test run.
set -euo pipefail
cd "$(dirname "$0")/../.."

rebuild=false
args=()
for arg in "$@"; do
  if [[ "$arg" == "--rebuild" ]]; then rebuild=true; else args+=("$arg"); fi
done

if [[ "$rebuild" == true || ! -f worker/target/queryrelay-worker.jar ]]; then
  mvn -B -q -ntp install -DskipTests
fi
mvn -B -q -ntp -pl embedded-kafka dependency:build-classpath \
  -Dmdep.outputFile="$PWD/embedded-kafka/target/classpath.txt" -Dmdep.includeScope=runtime
broker_jar=$(ls embedded-kafka/target/queryrelay-embedded-kafka-*.jar | grep -v -e sources -e javadoc | head -1)

export QUERYRELAY_WORKER_JAR="$PWD/worker/target/queryrelay-worker.jar"
export QUERYRELAY_BROKER_CP="$PWD/$broker_jar:$(cat embedded-kafka/target/classpath.txt)"
python=""
for candidate in python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import confluent_kafka' 2>/dev/null; then
    python=$candidate
    break
  fi
done
if [[ -z "$python" ]]; then
  echo "the fault campaign needs a python3 with confluent-kafka: apt-get install python3-confluent-kafka" \
       "(Debian) or pip install confluent-kafka" >&2
  exit 2
fi
exec "$python" bench/fault-campaign/campaign.py ${args[@]+"${args[@]}"}
