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

"$(dirname "$0")/apt-install.sh" install-browser chromium fonts-dejavu-core
echo "install-browser: installed $("$CHROMIUM" --version 2>/dev/null || echo chromium)"
