// Bundles src/sparql-editor.js with esbuild. One patch: style-mod (CodeMirror's style injector)
// writes a <style> element into a document, which our Content-Security-Policy (style-src 'self',
// no inline styles) blocks; patched, it uses a constructed style sheet (document.adoptedStyleSheets,
// CSSOM, which the policy allows) wherever the browser has them, as it already does in shadow roots.
// Usage: node src/build-editor.mjs OUT.js
import { build } from "esbuild";
import { readFile } from "node:fs/promises";

const ORIGINAL = "if (!root.head && root.adoptedStyleSheets && win.CSSStyleSheet) {";
const PATCHED = "if (root.adoptedStyleSheets && win.CSSStyleSheet) {";

const adoptedStyles = {
  name: "style-mod-adopted-sheets",
  setup(b) {
    b.onLoad({ filter: /style-mod[\\/]src[\\/]style-mod\.js$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      if (!source.includes(ORIGINAL)) { throw new Error("style-mod changed: review the CSP patch in " + import.meta.url); }
      return { contents: source.replace(ORIGINAL, PATCHED), loader: "js" };
    });
  },
};

await build({
  entryPoints: [new URL("./sparql-editor.js", import.meta.url).pathname], bundle: true, minify: true,
  format: "iife", target: "es2019", legalComments: "none", outfile: process.argv[2], logLevel: "warning",
  plugins: [adoptedStyles],
});
