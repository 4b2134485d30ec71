/* 拟制预警: templates fill the wording; the area is picked as regions (list or township polygons on the
   map) and/or drawn as a polygon (click the corners, then 完成). No drawing library: a few handlers. */
(function () {
  "use strict";
  var form = document.getElementById("warning-form");
  if (!form) return;
  var templates = JSON.parse(document.getElementById("warning-templates").textContent);
  var regionSelect = form.elements["regions"];
  var polygonInput = form.elements["polygon"];

  // ------------------------------------------------------------ templates
  function areaName() {
    var names = Array.prototype.filter.call(regionSelect.options, function (o) { return o.selected; })
      .map(function (o) { return o.text.trim(); });
    if (!names.length) return polygonInput.value ? "预警范围内" : "";
    return names.length > 3 ? names.slice(0, 3).join("、") + "等" + names.length + "地" : names.join("、");
  }

  function setField(name, value) {
    var el = form.elements[name];
    if (el) el.value = value === null || value === undefined ? "" : value;
  }

  function localInput(date) {
    // The server reads the input as Asia/Shanghai time: write it on that clock, not the browser's.
    var p = {};
    new Intl.DateTimeFormat("zh-CN", {
      timeZone: "Asia/Shanghai", hour12: false,
      year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
    }).formatToParts(date).forEach(function (part) { p[part.type] = part.value; });
    return p.year + "-" + p.month + "-" + p.day + "T" + p.hour + ":" + p.minute;
  }

  function applyTemplate(id) {
    var t = templates.find(function (x) { return String(x.id) === String(id); });
    if (!t) return;
    var area = areaName();
    ["event", "category", "level", "urgency", "severity", "certainty", "instruction"].forEach(function (k) { setField(k, t[k]); });
    setField("headline", t.headline.split("{区域}").join(area));
    setField("description", t.description.split("{区域}").join(area || "预警区域"));
    Array.prototype.forEach.call(form.querySelectorAll("textarea[name^='m_']"), function (el) {
      if (el.name.indexOf("m_township__") === 0) return;  // township plans are the author's own
      var key = el.name.slice(2).replace("__", ":");
      el.value = t.measures[key] || "";
    });
    setField("expires", localInput(new Date(Date.now() + t.hours * 3600 * 1000)));
  }

  form.elements["template"].addEventListener("change", function (e) { applyTemplate(e.target.value); });

  // ------------------------------------------------------------ map
  var map = window.anlanBaseMap("compose-map");
  map.setView([31.07, 109.88], 9);
  window.anlanComposeMap = map;
  var townshipLayer = null;

  function selectedCodes() {
    var set = {};
    Array.prototype.forEach.call(regionSelect.options, function (o) { if (o.selected) set[o.value] = true; });
    return set;
  }

  function restyle() {
    if (!townshipLayer) return;
    var chosen = selectedCodes();
    townshipLayer.setStyle(function (f) {
      var on = chosen[f.properties.code] || chosen[f.properties.parent];
      return { color: on ? "#c0392b" : "#2c3e50", weight: on ? 3 : 1, fillOpacity: on ? 0.25 : 0.04, fillColor: "#e74c3c" };
    });
  }

  fetch("/api/v1/map/layers/townships/", { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : { features: [] }; })
    .then(function (collection) {
      townshipLayer = L.geoJSON(collection, {
        onEachFeature: function (feature, layer) {
          layer.bindTooltip(window.anlanEscape(feature.properties.name));  // Leaflet takes HTML
          layer.on("click", function () {
            if (drawer.drawing()) return;
            var option = Array.prototype.find.call(regionSelect.options, function (o) { return o.value === feature.properties.code; });
            if (option) { option.selected = !option.selected; restyle(); }
          });
        },
      }).addTo(map);
      if (collection.features.length) map.fitBounds(townshipLayer.getBounds(), { animate: false });
      restyle();
    });
  regionSelect.addEventListener("change", restyle);

  // ------------------------------------------------------------ drawing (draw.js)
  var drawer = window.anlanPolygonDraw(map, {
    input: polygonInput,
    start: document.getElementById("draw-start"),
    finish: document.getElementById("draw-finish"),
    clear: document.getElementById("draw-clear"),
    state: document.getElementById("draw-state"),
  });
})();
