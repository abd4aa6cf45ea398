#!/usr/bin/env bash
# Regenerate the lock files from pyproject.toml (pip-tools; hashes for every file of every pin).
#   bash scripts/lock.sh            # after changing a dependency in pyproject.toml
# requirements/runtime.lock: what `newsbot` needs (the Docker image installs it);
# requirements/test.lock: the same plus the test extra (.ci/run installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
flags=(--quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links)
pip-compile "${flags[@]}" -o requirements/runtime.lock pyproject.toml
pip-compile "${flags[@]}" --extra test -o requirements/test.lock pyproject.toml
