/* 一张图指挥: polls the incident's situation every 2 seconds and redraws what changed (orders move and
   change colour, shelters fill) without reloading the page. The county and township outlines (from the
   layer registry, within the user's scope) sit underneath, and a legend names every symbol. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el) return;
  var map = window.anlanBaseMap(el);
  L.control.scale({ imperial: false, position: "bottomright" }).addTo(map);
  var boundaries = L.layerGroup().addTo(map);
  var layer = L.layerGroup().addTo(map);
  var revision = null, fitted = false;
  window.anlanCommand = { map: map, orders: {}, boundaries: 0 };
  var kit = window.anlanMapKit;
  var LEGEND = JSON.parse(document.getElementById("command-legend").textContent);
  var META = {};
  LEGEND.forEach(function (m) { META[m.key] = Object.assign({ geometry: "point", style: {} }, m); });
  var SIZE = { incident: 26, order: 18, risk: 14, site: 16, sensor: 12, shelter: 18 };
  var narrow = window.matchMedia("(max-width: 700px)").matches;
  kit.legendControl(map, narrow).show(LEGEND.map(function (m) { return META[m.key]; }));

  var esc = window.anlanEscape;  // escape.js: the one helper

  function symbol(kind, fill) {
    var size = SIZE[kind] || 12;
    return L.divIcon({ className: "sym-marker", html: kit.symbolHtml(META[kind] ? META[kind].symbol : "circle", fill, size), iconSize: [size, size] });
  }

  // County and township outlines underneath, township names at their centre; not clickable. Fetched one
  // after the other, before the first poll: an embedded SQLite database takes one writer (the session) at a time.
  function drawBoundaries() {
    return ["county", "townships"].reduce(function (p, key) {
      return p.then(function () {
        return fetch(el.dataset.boundariesUrl + key + "/", { credentials: "same-origin" })
          .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
          .then(function (collection) {
            var county = key === "county";
            L.geoJSON(collection, {
              interactive: false,
              style: { color: county ? "#c0392b" : "#2c3e50", weight: county ? 3 : 1.5, fillOpacity: 0, dashArray: county ? null : "4 3" },
              onEachFeature: function (f) {
                var at = f.properties.label_at;
                if (county || !at || at[0] === null) return;
                boundaries.addLayer(L.marker([at[1], at[0]], {
                  interactive: false,
                  icon: L.divIcon({ className: "map-label map-label-townships", html: "<span>" + esc(f.properties.name) + "</span>", iconSize: null }),
                }));
              },
            }).addTo(boundaries);
            window.anlanCommand.boundaries += collection.features.length;
            el.dataset.boundaries = String(window.anlanCommand.boundaries);
          })
          .catch(function () { /* outlines are context: the live picture goes on without them */ });
      });
    }, Promise.resolve());
  }

  function draw(data) {
    layer.clearLayers();
    var orders = document.getElementById("order-list"), shelters = document.getElementById("shelter-list");
    orders.innerHTML = ""; shelters.innerHTML = "";
    window.anlanCommand.orders = {};
    var i = data.incident;
    document.getElementById("command-head").innerHTML = "<strong>" + esc(i.title) + "</strong><br>" + esc(i.level || "未定级") +
      " · " + esc(i.response || "未启动响应") + " · " + esc(i.status);
    data.features.forEach(function (f) {
      var p = f.properties;
      if (p.layer === "area") { L.geoJSON(f, { style: { color: "#c0392b", weight: 2, fillOpacity: 0.12 } }).addTo(layer); return; }
      var ll = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
      if (p.layer === "incident") {
        L.marker(ll, { title: p.name, icon: symbol("incident", "#e02020"), zIndexOffset: 1000 }).bindPopup(esc(p.name)).addTo(layer);
        if (!fitted) { map.setView(ll, 13); fitted = true; }
        return;
      }
      var fallback = ((META[p.layer] || {}).legend || [{}])[0].colour;
      var marker = L.marker(ll, { icon: symbol(p.layer, p.colour || fallback), zIndexOffset: p.layer === "order" ? 500 : 0 }).addTo(layer);
      var text = esc(p.name);
      if (p.layer === "order") {
        text += "<br>" + esc(p.kind) + " · " + esc(p.status_label);
        window.anlanCommand.orders[p.id] = { status: p.status, lon: ll[1], lat: ll[0] };
        var li = document.createElement("li");
        li.dataset.order = p.id; li.dataset.status = p.status;
        li.innerHTML = "<span class='dot' style='background:" + esc(p.colour) + "'></span>" + esc(p.name) + " · <strong>" + esc(p.status_label) + "</strong>";
        orders.appendChild(li);
      } else if (p.layer === "shelter") {
        text += "<br>在场 " + p.occupancy + " / " + p.capacity + " 人";
        var s = document.createElement("li");
        s.dataset.shelter = p.id; s.textContent = p.name + "：" + p.occupancy + " / " + p.capacity + " 人";
        shelters.appendChild(s);
      } else if (p.layer === "sensor") {
        text += "<br>" + esc(p.status_label) + (p.value !== null ? "，最新值 " + esc(p.value) : "");
      } else if (p.layer === "site") {
        text += "<br>威胁 " + esc(p.people) + " 人";
      }
      if (p.distance_m !== undefined) text += "<br>距事发点 " + p.distance_m + " 米";
      marker.bindPopup(text);
    });
    if (!fitted && data.features.length) {
      try { map.fitBounds(L.geoJSON({ type: "FeatureCollection", features: data.features }).getBounds(), { maxZoom: 14 }); fitted = true; } catch (e) { /* no geometry */ }
    }
  }

  var state = document.getElementById("live-state");
  function poll() {
    fetch(el.dataset.situationUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        // The bureau's clock, whatever time zone the browser is set to.
        state.textContent = "实时更新 " + new Date().toLocaleTimeString("zh-CN", { hour12: false, timeZone: "Asia/Shanghai" });
        if (data.revision !== revision) { revision = data.revision; draw(data); }
      })
      .catch(function () { state.textContent = "连接中断，正在重试…"; })
      .finally(function () { setTimeout(poll, 2000); });
  }
  map.setView([31.07, 109.88], 10);
  drawBoundaries().then(poll);
})();
