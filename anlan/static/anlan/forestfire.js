/* 野外用火申请: a small map where a tap sets the burn point; the circle shows the radius, or an area is drawn
   (draw.js) instead. The phone's position
   (locate.js) fills the point first; typing longitude/latitude or the radius redraws. */
(function () {
  "use strict";
  var el = document.getElementById("permit-map");
  if (!el || !window.L) return;
  var form = document.getElementById("permit-form");
  var lon = form.querySelector("input[name=lon]"), lat = form.querySelector("input[name=lat]");
  var radius = form.querySelector("input[name=radius_m]");
  var map = window.anlanBaseMap(el), marker = null, circle = null;
  var start = [parseFloat(el.dataset.lat) || 30.0, parseFloat(el.dataset.lon) || 107.8];
  map.setView(start, 11);

  function draw(centre) {
    var x = parseFloat(lon.value), y = parseFloat(lat.value), r = parseFloat(radius.value) || 50;
    if (isNaN(x) || isNaN(y)) return;
    if (marker) { map.removeLayer(marker); map.removeLayer(circle); }
    marker = L.circleMarker([y, x], { radius: 5, color: "#c0392b" }).addTo(map);
    circle = L.circle([y, x], { radius: r, color: "#c0392b", fillColor: "#e67e22", fillOpacity: 0.3 }).addTo(map);
    if (centre) map.setView([y, x], 15);
  }

  var drawer = null, polygon = form.querySelector("input[name=polygon]");
  if (window.anlanPolygonDraw && polygon) {
    drawer = window.anlanPolygonDraw(map, {
      input: polygon,
      start: document.getElementById("draw-start"),
      finish: document.getElementById("draw-finish"),
      clear: document.getElementById("draw-clear"),
      state: document.getElementById("draw-state"),
    });
  }

  map.on("click", function (e) {
    if (drawer && drawer.drawing()) return;  // the tap is a corner of the drawn area, not the burn point
    lon.value = e.latlng.lng.toFixed(6);
    lat.value = e.latlng.lat.toFixed(6);
    draw(false);
  });
  [lon, lat, radius].forEach(function (input) { input.addEventListener("change", function () { draw(true); }); });
  var status = document.getElementById("locate-status");
  if (status) {
    new MutationObserver(function () { if (status.dataset.ready) draw(true); }).observe(status, { childList: true });
  }
  draw(true);
})();
