#!/bin/sh
# Browser tests drive Debian's Chromium (Playwright's own browser download does not work offline).
# Install it from the distribution's package registry when it is missing.
set -e
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" = 0 ]; then APT="apt-get"; else APT="sudo apt-get"; fi
export DEBIAN_FRONTEND=noninteractive
$APT install -y -q chromium >/dev/null || { $APT update -q >/dev/null && $APT install -y -q chromium >/dev/null; }
command -v chromium >/dev/null 2>&1 || { echo "chromium could not be installed" >&2; exit 1; }
