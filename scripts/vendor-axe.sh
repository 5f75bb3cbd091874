#!/bin/sh
# Refresh the vendored axe-core (tests/vendor/axe-core) from the npm registry:
#   sh scripts/vendor-axe.sh 4.14.1
# Copies axe.min.js and LICENSE out of `npm pack axe-core@VERSION` and prints
# the checksums to note in tests/vendor/axe-core/README.md.
set -eu
version="${1:?usage: sh scripts/vendor-axe.sh VERSION (a 4.x release of axe-core)}"
dest="$(cd "$(dirname "$0")/.." && pwd)/tests/vendor/axe-core"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "axe-core@$version" >/dev/null && tar xzf "axe-core-$version.tgz")
head -c 40 "$work/package/axe.min.js" | grep -q "axe v$version" || { echo "unexpected package content" >&2; exit 1; }
cp "$work/package/axe.min.js" "$work/package/LICENSE" "$dest/"
echo "axe-core $version copied to $dest"
echo "tarball sha1:   $(sha1sum "$work/axe-core-$version.tgz" | cut -d' ' -f1)"
echo "axe.min.js sha256: $(sha256sum "$dest/axe.min.js" | cut -d' ' -f1)"
echo "update tests/vendor/axe-core/README.md (version and checksums) and the version in tests/e2e/test_accessibility.py"
