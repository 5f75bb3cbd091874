// The query page's enhancements; with JavaScript off the page is a plain form that works.
// - the vendored SPARQL editor (highlighting, completion of our terms from /query/terms.json,
//   a PREFIX line added when a prefixed name is completed, the parser's error marked at its line);
// - GET or POST chosen by length: a URL past data-long-url characters is sent as a POST form;
// - result views over the full result (fetched from /sparql as SPARQL JSON): map, timeline, chart,
//   each named in the URL (?view=) so it can be shared.
(function () {
  "use strict";
  // The words shown, in the page's language: base.html puts them in <body data-words> ({name} marks a slot).
  var words = {};
  try { words = JSON.parse(document.body.getAttribute("data-words") || "{}"); } catch (e) { words = {}; }
  function say(key, slots) {
    return String(words[key] || key).replace(/\{(\w+)\}/g, function (m, k) { return slots && k in slots ? String(slots[k]) : m; });
  }
  var form = document.getElementById("query-form");
  var area = document.getElementById("query");
  if (!form || !area) { return; }
  var longUrl = parseInt(form.getAttribute("data-long-url") || "2000", 10);
  Array.prototype.forEach.call(form.querySelectorAll(".js-only"), function (el) { el.hidden = false; });

  // ------------------------------------------------------------ GET or POST by length
  function chooseMethod(f) {
    if (f.getAttribute("formmethod") === "post") { return; }
    var params = new URLSearchParams(new FormData(f)).toString();
    f.method = (f.action.length + 1 + params.length > longUrl) ? "post" : "get";
  }
  Array.prototype.forEach.call(document.querySelectorAll("form.query-carrier"), function (f) {
    f.addEventListener("submit", function (event) {
      if (event.submitter && event.submitter.getAttribute("formaction")) { return; }  // "Short link": always POST
      chooseMethod(f);
    });
  });
  function run() {
    chooseMethod(form);
    form.submit();
  }

  // ------------------------------------------------------------ the editor
  var editor = null;
  if (window.SahelSparqlEditor) {
    var indents = document.getElementById("tab-indents");
    editor = window.SahelSparqlEditor.mount(area, { onRun: run, prefixes: {},
      tabIndents: function () { return Boolean(indents && indents.checked); } });
    fetch("/query/terms.json").then(function (r) { return r.json(); }).then(function (doc) {
      editor.setTerms(doc.terms || []);
      editor.setPrefixes(doc.prefixes || {});
    }).catch(function () { /* completion is a convenience */ });
    var at = document.querySelector(".error-at[data-line]");
    if (at) {
      var err = document.querySelector("pre.error");
      editor.showError(parseInt(at.dataset.line, 10), parseInt(at.dataset.column, 10), err ? err.textContent : say("error"));
    }
  } else {  // the editor bundle did not load: the plain box, with the same keys
    var toggle = document.getElementById("tab-indents");
    var escaped = false;  // Escape was the last key: the next Tab leaves the box
    area.addEventListener("keydown", function (event) {
      var key = event.key, leave = escaped;
      if (key === "Escape") { escaped = true; return; }
      if (key !== "Shift" && key !== "Control" && key !== "Alt" && key !== "Meta") { escaped = false; }
      if (key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        run();
      } else if (key === "Tab" && !event.shiftKey && !event.ctrlKey && !event.altKey && !event.metaKey
                 && toggle && toggle.checked && !leave) {
        event.preventDefault();
        area.setRangeText("  ", area.selectionStart, area.selectionEnd, "end");
      }
    });
    area.addEventListener("blur", function () { escaped = false; });
  }

  // ------------------------------------------------------------ result views
  var section = document.getElementById("results");
  var holder = document.getElementById("result-view");
  if (!section || !holder) { return; }
  var views = (section.dataset.views || "table").split(" ");
  var tableWrap = section.querySelector(".table-wrap");
  var pager = section.querySelector(".pager");
  var needsJs = section.querySelector(".needs-js");
  if (needsJs) { needsJs.hidden = true; }
  var query = area.value;
  var full = null;

  function fullResult() {
    if (!full) {
      full = fetch("/sparql", { method: "POST", body: new URLSearchParams({ query: query }),
        headers: { "Accept": "application/sparql-results+json" } })
        .then(function (r) { if (!r.ok) { throw new Error("the endpoint answered " + r.status); } return r.json(); });
    }
    return full;
  }

  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var NUMERIC = ["integer", "decimal", "double", "float", "int", "long", "short", "nonNegativeInteger", "positiveInteger"];
  var DATES = ["date", "dateTime", "gYear", "gYearMonth"];
  var WKT_POINT = /^\s*(<[^>]*>\s*)?POINT\s*\(\s*([-+\d.eE]+)\s+([-+\d.eE]+)\s*\)/i;

  function isType(term, names) {
    return term && term.type === "literal" && term.datatype && names.indexOf(term.datatype.replace(XSD, "")) >= 0
      && term.datatype.indexOf(XSD) === 0;
  }
  function columnWhere(doc, test) {
    var vars = doc.head.vars, rows = doc.results.bindings;
    return vars.filter(function (v) {
      var seen = rows.filter(function (r) { return r[v]; });
      return seen.length && seen.every(function (r) { return test(r[v], v); });
    });
  }
  function labelOf(row, vars, skip) {
    var named = vars.filter(function (v) { return /label$/i.test(v) && row[v]; })[0];
    if (named) { return row[named].value; }
    var lit = vars.filter(function (v) { return skip.indexOf(v) < 0 && row[v] && row[v].type === "literal" && !row[v].datatype; })[0];
    if (lit) { return row[lit].value; }
    var iri = vars.filter(function (v) { return skip.indexOf(v) < 0 && row[v] && row[v].type === "uri"; })[0];
    return iri ? row[iri].value.replace(/^.*[\/#]/, "") : "";
  }
  function hrefOf(row, vars) {
    var iri = vars.filter(function (v) { return row[v] && row[v].type === "uri"; })[0];
    if (!iri) { return null; }
    var value = row[iri].value, base = "https://w3id.org/sahel-harm/";
    return value.indexOf(base) === 0 ? "/" + value.slice(base.length) : value;
  }
  function el(name, attrs, text) {
    var node = name.indexOf("svg:") === 0 ? document.createElementNS("http://www.w3.org/2000/svg", name.slice(4))
      : document.createElement(name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function drawMap(doc) {
    var vars = doc.head.vars, rows = doc.results.bindings, points = [];
    var wkt = columnWhere(doc, function (t) { return t.type === "literal" && WKT_POINT.test(t.value); })[0];
    var lat = vars.filter(function (v) { return /^(lat|latitude)$/i.test(v); })[0];
    var lon = vars.filter(function (v) { return /^(lon|long|lng|longitude)$/i.test(v); })[0];
    rows.forEach(function (row) {
      var y = NaN, x = NaN, m;
      if (wkt && row[wkt] && (m = WKT_POINT.exec(row[wkt].value))) { x = parseFloat(m[2]); y = parseFloat(m[3]); }
      else if (lat && lon && row[lat] && row[lon]) { y = parseFloat(row[lat].value); x = parseFloat(row[lon].value); }
      // a point off the globe (a latitude past ±90, a longitude past ±180, swapped columns) is not placed
      if (Math.abs(y) <= 90 && Math.abs(x) <= 180) { points.push({ lat: y, lon: x, label: labelOf(row, vars, [wkt]), href: hrefOf(row, vars) }); }
    });
    var canvas = el("div", { "class": "result-map", "role": "region", "aria-label": say("places", { n: points.length }) });
    holder.appendChild(canvas);
    holder.appendChild(el("p", { "class": "view-note" }, say("withCoordinates", { shown: points.length, total: rows.length })));
    return window.SahelMap.load().then(function () {
      window.SahelMap.draw(canvas, points, { onlineTiles: section.dataset.onlineTiles === "yes" });
    });
  }

  function drawTimeline(doc) {
    var vars = doc.head.vars, rows = doc.results.bindings;
    var dates = columnWhere(doc, function (t) { return isType(t, DATES); });
    var start = dates[0], end = dates[1];
    var items = rows.filter(function (r) { return r[start]; }).map(function (r) {
      var from = Date.parse(r[start].value), to = end && r[end] ? Date.parse(r[end].value) : from;
      return { from: from, to: Math.max(from, to), row: r, text: r[start].value + (end && r[end] && r[end].value !== r[start].value ? " – " + r[end].value : "") };
    }).filter(function (i) { return !isNaN(i.from); }).sort(function (a, b) { return a.from - b.from; });
    var min = Math.min.apply(null, items.map(function (i) { return i.from; }));
    var max = Math.max.apply(null, items.map(function (i) { return i.to; }));
    var span = Math.max(max - min, 86400000);
    var list = el("ol", { "class": "timeline", "aria-label": say("datedRows", { n: items.length }) });
    items.forEach(function (i) {
      var li = el("li", { "class": "timeline-item" });
      var label = labelOf(i.row, vars, dates), href = hrefOf(i.row, vars);
      var name = href ? el("a", { href: href }, label) : el("span", {}, label);
      li.appendChild(el("span", { "class": "when" }, i.text));
      li.appendChild(name);
      var track = el("span", { "class": "track", "aria-hidden": "true" });
      var bar = el("span", { "class": "span" });
      bar.style.left = ((i.from - min) / span * 100).toFixed(2) + "%";
      bar.style.width = Math.max((i.to - i.from) / span * 100, 0.8).toFixed(2) + "%";
      track.appendChild(bar);
      li.appendChild(track);
      list.appendChild(li);
    });
    holder.appendChild(el("p", { "class": "view-note" }, say("fromTo", { start: new Date(min).toISOString().slice(0, 10),
      end: new Date(max).toISOString().slice(0, 10), columns: start + (end ? " – " + end : "") })));
    holder.appendChild(list);
  }

  function drawChart(doc) {
    var vars = doc.head.vars, rows = doc.results.bindings;
    var numeric = columnWhere(doc, function (t) { return isType(t, NUMERIC); });
    var value = numeric[numeric.length - 1];
    var line = section.dataset.chart === "line";
    var data = rows.filter(function (r) { return r[value]; }).map(function (r) {
      return { label: labelOf(r, vars, numeric), value: parseFloat(r[value].value), href: hrefOf(r, vars) };
    }).filter(function (d) { return isFinite(d.value); });  // "INF", "NaN" or 1e400 would flatten every bar
    var top = Math.max.apply(null, data.map(function (d) { return d.value; }).concat([0]));
    // drawn at the width it is shown at, so its text keeps its size on a phone
    var width = Math.max(Math.min(holder.clientWidth || 760, 960), 300);
    var rowH = 28, labelW = Math.min(260, Math.round(width * 0.42)), barW = width - labelW - 50;
    var chars = Math.max(Math.floor(labelW / 7), 12);
    var svg = el("svg:svg", { "class": "chart", viewBox: "0 0 " + width + " " + (data.length * rowH + 10),
      role: "img", "aria-label": say(line ? "lineChart" : "barChart", { value: value }) });
    var points = [];
    data.forEach(function (d, i) {
      var y = i * rowH + 5, w = top ? d.value / top * barW : 0;
      var text = el("svg:text", { x: labelW - 8, y: y + rowH / 2 + 4, "text-anchor": "end", "class": "chart-label" },
        d.label.length > chars ? d.label.slice(0, chars - 1) + "…" : d.label);
      text.appendChild(el("svg:title", {}, d.label));
      svg.appendChild(text);
      if (line) {
        points.push((labelW + w) + "," + (y + rowH / 2));
        svg.appendChild(el("svg:circle", { cx: labelW + w, cy: y + rowH / 2, r: 4, "class": "point" }));
      } else {
        var bar = el("svg:rect", { x: labelW, y: y + 4, width: Math.max(w, 1), height: rowH - 8, "class": "bar" });
        bar.appendChild(el("svg:title", {}, d.label + ": " + d.value));
        svg.appendChild(bar);
      }
      svg.appendChild(el("svg:text", { x: labelW + w + 6, y: y + rowH / 2 + 4, "class": "chart-value" }, String(d.value)));
    });
    if (line && points.length) { svg.insertBefore(el("svg:polyline", { points: points.join(" "), "class": "line" }), svg.firstChild); }
    holder.appendChild(el("p", { "class": "view-note" }, say("valueBy", { value: value, label: vars.filter(function (v) { return /label$/i.test(v); })[0] || vars[0] })));
    var switchTo = el("a", { href: "#", "class": "chart-kind" }, say(line ? "showBars" : "showLine"));
    switchTo.addEventListener("click", function (e) {
      e.preventDefault();
      section.dataset.chart = line ? "" : "line";
      setParam("chart", line ? null : "line");
      formField("chart", line ? "" : "line");  // "Short link" and "Run query" keep the chart's kind
      show("chart");
    });
    holder.appendChild(switchTo);
    holder.appendChild(svg);
  }

  var drawers = { map: drawMap, timeline: drawTimeline, chart: drawChart };

  // The editor form's hidden field `name` holds `value` (disabled when empty, so the URL stays short).
  function formField(name, value) {
    var hidden = form.querySelector("input[name=" + name + "]");
    if (!hidden) { hidden = el("input", { type: "hidden", name: name }); form.appendChild(hidden); }
    hidden.value = value;
    hidden.disabled = !value;
  }

  function setParam(name, value) {
    if (!/[?&]query=/.test(location.search)) { return; }  // a POSTed page or a short link: no URL to update
    var params = new URLSearchParams(location.search);
    if (value) { params.set(name, value); } else { params.delete(name); }
    history.replaceState(null, "", location.pathname + "?" + params.toString());
  }

  function show(view) {
    setParam("view", view === "table" ? null : view);  // the URL names the view shown, chosen or clicked
    holder.textContent = "";
    section.dataset.view = view;
    Array.prototype.forEach.call(section.querySelectorAll(".view-switch a[data-view]"), function (a) {
      if (a.dataset.view === view) { a.setAttribute("aria-current", "true"); } else { a.removeAttribute("aria-current"); }
    });
    formField("view", view === "table" ? "" : view);
    if (view === "table" || !drawers[view]) {
      holder.hidden = true;
      if (tableWrap) { tableWrap.hidden = false; }
      if (pager) { pager.hidden = false; }
      return;
    }
    holder.hidden = false;
    if (tableWrap) { tableWrap.hidden = true; }
    if (pager) { pager.hidden = true; }
    holder.appendChild(el("p", { "class": "view-note loading" }, say("reading")));
    fullResult().then(function (doc) {
      holder.textContent = "";
      return drawers[view](doc);
    }).catch(function (error) {
      holder.textContent = "";
      holder.appendChild(el("p", { "class": "error" }, say("notDrawn", { view: say(view), error: error.message })));
      if (tableWrap) { tableWrap.hidden = false; }
    });
  }

  Array.prototype.forEach.call(section.querySelectorAll(".view-switch a[data-view]"), function (a) {
    a.addEventListener("click", function (event) {
      event.preventDefault();
      setParam("page", null);
      show(a.dataset.view);
    });
  });
  if (views.indexOf(section.dataset.view) > 0) { show(section.dataset.view); }
})();
