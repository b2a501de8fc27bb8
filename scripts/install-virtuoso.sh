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

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "install-virtuoso: virtuoso-t is missing and I am not root (no sudo): install 'virtuoso-opensource'" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends virtuoso-opensource >/dev/null
echo "install-virtuoso: installed virtuoso-opensource $(dpkg-query -W -f='${Version}' virtuoso-opensource 2>/dev/null)"
