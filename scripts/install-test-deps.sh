#!/bin/sh
# Install what the browser tests need (Chromium and its WebDriver) when missing.
# Idempotent and quiet when both are present; installs only as root with apt-get,
# otherwise says what to run and exits 0 (the browser tests then skip).
set -eu
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "browser tests will skip: install Chromium and its driver (Debian: sudo apt-get install chromium chromium-driver)" >&2
    exit 0
fi
echo "installing chromium and chromium-driver for the browser tests..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq chromium chromium-driver >/dev/null
