#!/usr/bin/env bash
# Runs the queryrelay package's pytest suite (Maven: integration-test phase of clients/python).
# The interpreter: $QUERYRELAY_PYTHON, else the first python3 that imports confluent_kafka and pytest
# (e.g. Debian's python3-confluent-kafka and python3-pytest), which runs the package from src/ with
# nothing installed; else a venv under target/ where pip installs the package with its test extras.
# The worker the tests start: $QUERYRELAY_TEST_WORKER, else the worker and the embedded broker on the
# class path Maven wrote to target/worker-classpath.txt.
set -euo pipefail
cd "$(dirname "$0")"

if [ -z "${QUERYRELAY_TEST_WORKER:-}" ] && [ -f target/worker-classpath.txt ]; then
  export QUERYRELAY_TEST_WORKER="java -cp $(cat target/worker-classpath.txt) dev.queryrelay.worker.WorkerMain --embedded-kafka --http.port=0 --topics.partitions=6"
fi

python="${QUERYRELAY_PYTHON:-}"
if [ -z "$python" ]; then
  for candidate in python3 /usr/bin/python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import confluent_kafka, pytest' 2>/dev/null; then
      python="$candidate"
      break
    fi
  done
fi
if [ -n "$python" ]; then
  PYTHONPATH="src${PYTHONPATH:+:$PYTHONPATH}" exec "$python" -m pytest -p no:cacheprovider \
      --junitxml=target/pytest-results.xml "$@"
fi

venv=target/venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv --system-site-packages "$venv"
fi
if [ ! -f "$venv/deps-installed" ]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check hatchling ".[test]"
  touch "$venv/deps-installed"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-build-isolation --no-deps --force-reinstall .
exec "$venv/bin/python" -m pytest -p no:cacheprovider --junitxml=target/pytest-results.xml "$@"
