#!/bin/sh
# The PostgreSQL store's tests start throw-away servers with Debian's PostgreSQL (initdb + pg_ctl).
# Install it from the distribution's package registry when it is missing.
set -e
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" = 0 ]; then APT="apt-get"; else APT="sudo apt-get"; fi
export DEBIAN_FRONTEND=noninteractive
$APT install -y -q postgresql >/dev/null || { $APT update -q >/dev/null && $APT install -y -q postgresql >/dev/null; }
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { echo "postgresql could not be installed" >&2; exit 1; }
