#!/usr/bin/env bash
# Install the project with its test extras into .venv, then run the whole test suite
# (lint, layer contracts, unit, property and stateful tests, doctests in docs/, examples).
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
exec .venv/bin/python -m pytest "$@"
