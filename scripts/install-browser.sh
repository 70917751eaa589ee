#!/usr/bin/env bash
# Installs the browser the console's tests drive: Debian's chromium at /usr/bin/chromium
# (playwright-core drives it; no browser download from elsewhere). Needs root (or sudo).
#
#   bash scripts/install-browser.sh
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "[memory] chromium is installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
  exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y chromium
echo "[memory] chromium installed: $(/usr/bin/chromium --version)"
