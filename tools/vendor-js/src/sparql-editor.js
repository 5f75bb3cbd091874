// Entry of the vendored SPARQL editor bundle (built by scripts/vendor-js.sh with esbuild).
// Exposes window.SahelSparqlEditor.mount(textarea, options): a CodeMirror 6 editor that keeps the
// textarea's value in step (so the form submits it), with SPARQL highlighting, completion of the
// terms passed in, a declared PREFIX added when a prefixed name is completed, and an error mark.
import { basicSetup } from "codemirror";
import { EditorView, keymap } from "@codemirror/view";
import { EditorState } from "@codemirror/state";
import { StreamLanguage } from "@codemirror/language";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";
import { autocompletion } from "@codemirror/autocomplete";
import { setDiagnostics, lintGutter } from "@codemirror/lint";

const KEYWORDS = ["SELECT", "DISTINCT", "WHERE", "OPTIONAL", "FILTER", "FILTER NOT EXISTS", "BIND", "VALUES",
  "GROUP BY", "ORDER BY", "LIMIT", "OFFSET", "UNION", "MINUS", "GRAPH", "CONSTRUCT", "DESCRIBE", "ASK",
  "COUNT", "SAMPLE", "GROUP_CONCAT", "LANG", "STR", "YEAR", "HAVING", "PREFIX", "DESC", "ASC"];

function declaredPrefixes(text) {
  const found = new Set();
  const re = /PREFIX\s+([A-Za-z][\w.-]*)?:/gi;
  let m;
  while ((m = re.exec(text)) !== null) { found.add(m[1] || ""); }
  return found;
}

// Where a new PREFIX line goes: after the last one, or at the very start.
function prefixInsertAt(text) {
  const re = /^\s*PREFIX\s+[^\n]*\n/gim;
  let end = 0, m;
  while ((m = re.exec(text)) !== null) { end = m.index + m[0].length; }
  return end;
}

function termSource(terms, prefixes) {
  const options = terms.map((t) => ({
    label: t.curie, detail: t.kind, info: t.label ? t.label + (t.comment ? " — " + t.comment : "") : t.comment,
    type: t.kind === "class" ? "class" : t.kind === "property" ? "property" : "constant",
    apply: (view, completion, from, to) => {
      const prefix = completion.label.split(":")[0];
      const changes = [{ from, to, insert: completion.label }];
      const text = view.state.doc.toString();
      let shift = 0;
      if (prefixes[prefix] && !declaredPrefixes(text).has(prefix)) {
        const line = "PREFIX " + prefix + ": <" + prefixes[prefix] + ">\n";
        const at = prefixInsertAt(text);
        changes.push({ from: at, insert: line });
        if (at <= from) { shift = line.length; }
      }
      view.dispatch({ changes, selection: { anchor: from + completion.label.length + shift } });
    },
  }));
  const words = KEYWORDS.map((k) => ({ label: k, type: "keyword" }));
  return (context) => {
    const word = context.matchBefore(/[A-Za-z_][\w-]*:?[\w.-]*/);
    if (!word || (word.from === word.to && !context.explicit)) { return null; }
    const typed = word.text;
    const pool = typed.includes(":") ? options : options.concat(words);
    return { from: word.from, options: pool, validFor: /^[\w:.-]*$/ };
  };
}

function mount(textarea, opts) {
  const options = opts || {};
  let prefixes = options.prefixes || {};
  let terms = [];
  const sync = EditorView.updateListener.of((update) => {
    if (update.docChanged) {
      textarea.value = update.state.doc.toString();
      view.dispatch(setDiagnostics(update.state, []));
    }
  });
  const run = keymap.of([{ key: "Mod-Enter", run: () => { if (options.onRun) { options.onRun(); } return true; } }]);
  // Tab moves focus on, as everywhere (WCAG 2.1.2, no keyboard trap), unless the page's "Tab key
  // indents" choice is on (options.tabIndents()); even then Escape followed by Tab, or Shift+Tab, moves on.
  let escaped = false, leave = false;
  const tab = keymap.of([{ key: "Tab", run: (v) => {
    if (!options.tabIndents || !options.tabIndents() || leave) { return false; }
    v.dispatch(v.state.replaceSelection("  "));
    return true;
  } }]);
  const view = new EditorView({
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        run, tab, basicSetup, StreamLanguage.define(sparql), lintGutter(),
        autocompletion({ override: [(ctx) => termSource(terms, prefixes)(ctx)] }),
        sync, EditorView.lineWrapping,
        EditorView.contentAttributes.of({ "aria-label": "SPARQL query", "aria-describedby": "query-keys" }),
      ],
    }),
  });
  view.contentDOM.addEventListener("keydown", (event) => {  // capture: before the keymap reads `leave`
    if (event.key === "Tab") { leave = escaped; }
    if (event.key === "Escape") { escaped = true; } else if (!["Shift", "Control", "Alt", "Meta"].includes(event.key)) { escaped = false; }
  }, true);
  view.contentDOM.addEventListener("blur", () => { escaped = false; });
  textarea.parentNode.insertBefore(view.dom, textarea);
  textarea.hidden = true;
  const api = {
    view,
    setTerms(list) { terms = list; },
    setPrefixes(map) { prefixes = map; },
    value() { return view.state.doc.toString(); },
    // Marks the parser's error at a 1-based line and column (the column clamped to the line).
    showError(line, column, message) {
      const doc = view.state.doc;
      const l = doc.line(Math.max(1, Math.min(line, doc.lines)));
      let from = Math.min(l.from + Math.max(0, (column || 1) - 1), l.to);
      const to = Math.min(from + 1, l.to);
      if (to === from && from > l.from) { from -= 1; }  // past the line's end: mark its last character
      view.dispatch(setDiagnostics(view.state, [{ from, to, severity: "error", message }]));
      view.dispatch({ selection: { anchor: from }, scrollIntoView: true });
    },
    // Replaces the whole text (as typing would; the textarea follows).
    setValue(text) { view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }); },
  };
  editors.push(api);
  return api;
}

// Every editor mounted on the page, for scripts that drive it (browser tests).
const editors = [];
window.SahelSparqlEditor = { mount, editors };
