#!/usr/bin/env bash
# Installs Chromium, which the web view's end-to-end tests drive headless, when it is
# missing: Debian's package, with apt-get as root. Does nothing when `chromium` (or
# $CHORUS_CHROMIUM) is already there.
set -euo pipefail

bin=${CHORUS_CHROMIUM:-chromium}
if command -v "$bin" >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "make browser: no $bin; install Chromium (Debian: apt-get install chromium)," \
       "or point CHORUS_CHROMIUM at one" >&2
  exit 1
fi
echo "make browser: installing Debian's chromium"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
