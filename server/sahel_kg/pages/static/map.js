// Optional enhancement: when online, turn map boxes into Leaflet maps.
// Pages are complete without it: the coordinates are printed in each box.
(function () {
  "use strict";
  var boxes = document.querySelectorAll(".map[data-lat][data-lon]");
  if (!boxes.length || !navigator.onLine) { return; }
  var base = "https://unpkg.com/leaflet@1.9.4/dist/";
  var css = document.createElement("link");
  css.rel = "stylesheet"; css.href = base + "leaflet.css";
  document.head.appendChild(css);
  var script = document.createElement("script");
  script.src = base + "leaflet.js"; script.async = true;
  script.onload = function () {
    Array.prototype.forEach.call(boxes, function (box) {
      var lat = parseFloat(box.dataset.lat), lon = parseFloat(box.dataset.lon);
      if (isNaN(lat) || isNaN(lon) || !window.L) { return; }
      // the map goes above the box's text (the coordinates and the link), which stays for everyone
      var canvas = document.createElement("div");
      canvas.className = "map-canvas";
      box.insertBefore(canvas, box.firstChild);
      box.classList.add("enhanced");
      var map = window.L.map(canvas).setView([lat, lon], 7);
      window.L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
        maxZoom: 18, attribution: "&copy; OpenStreetMap contributors"
      }).addTo(map);
      window.L.marker([lat, lon]).addTo(map).bindPopup(box.dataset.label || "");
    });
  };
  document.head.appendChild(script);
})();
