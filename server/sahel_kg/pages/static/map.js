// Maps drawn with the vendored Leaflet over the packaged offline base map of Mali (Natural Earth
// country and region boundaries, /static/vendor/geo/mali.geojson): nothing is loaded from another
// origin unless the server's online_tiles setting adds OpenStreetMap tiles (data-online-tiles="yes").
// window.SahelMap.draw(container, points, options) is shared with the query page's map view;
// pages are complete without it: each map box prints its coordinates.
(function () {
  "use strict";
  // The words shown, in the page's language: base.html puts them in <body data-words> ({name} marks a slot).
  var words = {};
  try { words = JSON.parse(document.body.getAttribute("data-words") || "{}"); } catch (e) { words = {}; }
  function say(key, slots) {
    return String(words[key] || key).replace(/\{(\w+)\}/g, function (m, k) { return slots && k in slots ? String(slots[k]) : m; });
  }
  var BASE = "/static/vendor/geo/mali.geojson";
  var basePromise = null;

  function baseLayer() {
    if (!basePromise) {
      basePromise = fetch(BASE).then(function (r) { return r.ok ? r.json() : null; }).catch(function () { return null; });
    }
    return basePromise;
  }

  function style(feature) {
    var region = feature.properties.kind === "region";
    var mali = feature.properties.name === "Mali";
    return { color: region ? "#8a7f6a" : "#5b5344", weight: region ? 0.8 : (mali ? 1.6 : 1),
      dashArray: region ? "3 3" : null, fillColor: mali || region ? "#f3eee2" : "#e4e6e1", fillOpacity: region ? 0 : 1 };
  }

  // points: [{lat, lon, label, href}]; options: {onlineTiles, zoom}
  function draw(container, points, options) {
    var L = window.L, opts = options || {};
    if (!L) { return null; }
    L.Icon.Default.imagePath = "/static/vendor/leaflet/images/";
    var map = L.map(container, { attributionControl: true, zoomControl: false });
    L.control.zoom({ zoomInTitle: say("zoomIn"), zoomOutTitle: say("zoomOut") }).addTo(map);
    map.attributionControl.setPrefix("");
    if (opts.onlineTiles) {
      L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
        maxZoom: 18, attribution: say("osm") }).addTo(map);
    }
    var markers = points.map(function (p) {
      var marker = L.marker([p.lat, p.lon], { title: p.label || "" });
      var popup = document.createElement("div");
      if (p.href) {
        var a = document.createElement("a"); a.href = p.href; a.textContent = p.label || p.href; popup.appendChild(a);
      } else { popup.textContent = p.label || (p.lat + ", " + p.lon); }
      return marker.bindPopup(popup).addTo(map);
    });
    if (points.length === 1) {
      map.setView([points[0].lat, points[0].lon], opts.zoom || 5);  // the country and its regions around the point
    } else if (points.length) {
      map.fitBounds(L.latLngBounds(points.map(function (p) { return [p.lat, p.lon]; })).pad(0.2), { maxZoom: 9 });
    } else {
      map.setView([17.5, -4], 5);
    }
    baseLayer().then(function (geo) {
      if (!geo) { return; }
      var layer = L.geoJSON(geo, { style: style, interactive: false,
        attribution: say("boundaries") });
      layer.addTo(map);
      layer.bringToBack();
    });
    return { map: map, markers: markers };
  }

  // Leaflet, loaded when a map is first drawn (the query page shows a map only for some results).
  var leafletPromise = null;
  function loadLeaflet() {
    if (window.L) { return Promise.resolve(window.L); }
    if (!leafletPromise) {
      leafletPromise = new Promise(function (resolve, reject) {
        var css = document.createElement("link");
        css.rel = "stylesheet"; css.href = "/static/vendor/leaflet/leaflet.css";
        document.head.appendChild(css);
        var script = document.createElement("script");
        script.src = "/static/vendor/leaflet/leaflet.js";
        script.onload = function () { resolve(window.L); };
        script.onerror = function () { reject(new Error("the map library did not load")); };
        document.head.appendChild(script);
      });
    }
    return leafletPromise;
  }

  window.SahelMap = { draw: draw, load: loadLeaflet };

  var boxes = document.querySelectorAll(".map[data-lat][data-lon]");
  var online = document.body.getAttribute("data-online-tiles") === "yes";
  Array.prototype.forEach.call(boxes, function (box) {
    var lat = parseFloat(box.dataset.lat), lon = parseFloat(box.dataset.lon);
    if (isNaN(lat) || isNaN(lon) || !window.L) { return; }
    // the map goes above the box's text (the coordinates and the link), which stays for everyone
    var canvas = document.createElement("div");
    canvas.className = "map-canvas";
    box.insertBefore(canvas, box.firstChild);
    box.classList.add("enhanced");
    draw(canvas, [{ lat: lat, lon: lon, label: box.dataset.label || "" }], { onlineTiles: online });
  });
})();
