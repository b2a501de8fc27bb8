#!/usr/bin/env bash
# Install Debian packages with apt-get, as root or through sudo: apt-install.sh WHO PACKAGE...
#
# WHO names the caller in messages (install-browser, install-virtuoso). The callers decide
# whether anything is missing; this only installs, quietly, without recommended packages.
set -euo pipefail

WHO=$1
shift
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "$WHO: not root and no sudo: install $* with apt-get" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
