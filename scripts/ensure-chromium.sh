#!/bin/sh
# Installs Debian's chromium for the dashboard's browser test when it is missing.
# The test drives it through playwright-core (executablePath /usr/bin/chromium); no browser is downloaded by npm.
set -eu
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: /usr/bin/chromium is missing and apt-get is not available; install Chromium so that /usr/bin/chromium exists" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "ensure-chromium: run as root (or install sudo) to apt-get install chromium" >&2
    exit 1
  fi
fi
echo "ensure-chromium: installing Debian's chromium (apt-get install chromium)" >&2
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium
