#!/bin/sh
# Install the benchmark's peers and load generator from Debian's packages when missing:
# Virtuoso Open Source (virtuoso-t, isql-vt) and wrk. Idempotent and quiet when present;
# installs only as root with apt-get, otherwise says what to run and exits 0 (the bench
# then skips Virtuoso with that reason, and uses its own HTTP client instead of wrk).
set -eu
missing=""
command -v virtuoso-t >/dev/null 2>&1 && command -v isql-vt >/dev/null 2>&1 || missing="$missing virtuoso-opensource"
command -v wrk >/dev/null 2>&1 || missing="$missing wrk"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "benchmark peers missing: install them (Debian: sudo apt-get install$missing)" >&2
    exit 0
fi
echo "installing$missing for the benchmark..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq $missing >/dev/null
