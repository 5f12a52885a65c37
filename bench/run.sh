#!/usr/bin/env bash
# `make bench`: Seshat against a durable redis-server, side by side. Everything is in run.py;
# this wrapper exists so the Makefile has one stable entry point. Knobs: see bench/run.py --help.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec /usr/bin/python3 "$here/run.py" "$@"
