#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests when it is missing; never downloads a browser build.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" = "0" ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "chromium is missing and cannot be installed without root: browser tests will be skipped" >&2
    exit 0
fi
echo "installing Debian chromium for the browser tests"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
