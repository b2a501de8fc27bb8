#!/usr/bin/env bash
# Install Debian's chromium for the browser tests (kg viz), unless it is already there.
#
# Idempotent: does nothing when /usr/bin/chromium exists. Never downloads a browser through
# playwright; the tests drive this system chromium with playwright's Python API.
set -euo pipefail

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "install-browser: $CHROMIUM is missing and I am not root (no sudo): install 'chromium'" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
echo "install-browser: installed $("$CHROMIUM" --version 2>/dev/null || echo chromium)"
