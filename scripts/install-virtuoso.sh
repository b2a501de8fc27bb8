#!/usr/bin/env bash
# Install Debian's Virtuoso 7.2 open source server for the remote-store tests, unless it is there.
#
# Idempotent: does nothing when virtuoso-t and isql-vt are on the PATH. Installs the Debian package
# virtuoso-opensource with apt-get only; the tests start their own server (a private database
# folder, loopback ports) and never touch a system service.
set -euo pipefail

if command -v virtuoso-t >/dev/null 2>&1 && command -v isql-vt >/dev/null 2>&1; then
    exit 0
fi

"$(dirname "$0")/apt-install.sh" install-virtuoso virtuoso-opensource
echo "install-virtuoso: installed virtuoso-opensource $(dpkg-query -W -f='${Version}' virtuoso-opensource 2>/dev/null)"
