#!/usr/bin/env bash
# Runs the queryrelay package's pytest suite in a venv under target/ (Maven: integration-test phase).
# The interpreter: $QUERYRELAY_PYTHON, else the first python3 that imports confluent_kafka (e.g.
# Debian's python3-confluent-kafka), else python3 (pip then installs confluent-kafka from the index).
set -euo pipefail
cd "$(dirname "$0")"

python="${QUERYRELAY_PYTHON:-}"
if [ -z "$python" ]; then
  for candidate in python3 /usr/bin/python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import confluent_kafka' 2>/dev/null; then
      python="$candidate"
      break
    fi
  done
fi
python="${python:-python3}"

venv=target/venv
if [ ! -x "$venv/bin/python" ]; then
  # system site packages: a confluent-kafka installed with the interpreter satisfies the dependency
  "$python" -m venv --system-site-packages "$venv"
fi
if [ ! -f "$venv/deps-installed" ]; then
  # the dependencies and the build backend once per venv (mvn clean makes a new one)
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check hatchling ".[test]"
  touch "$venv/deps-installed"
fi
# the package itself on every run, offline
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-build-isolation --no-deps --force-reinstall .
exec "$venv/bin/python" -m pytest -p no:cacheprovider --junitxml=target/pytest-results.xml "$@"
