/* 一张图指挥: polls the incident's situation every 2 seconds and redraws what changed (orders move and
   change colour, shelters fill) without reloading the page. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el) return;
  var map = window.anlanBaseMap(el);
  L.control.scale({ imperial: false }).addTo(map);
  var layer = L.layerGroup().addTo(map);
  var revision = null, fitted = false;
  window.anlanCommand = { map: map, orders: {} };
  var STYLE = {
    risk: { radius: 6, weight: 1, color: "#333", fillOpacity: 0.9 },
    site: { radius: 5, weight: 1, color: "#8e44ad", fillColor: "#af7ac5", fillOpacity: 0.8 },
    sensor: { radius: 4, weight: 1, color: "#333", fillOpacity: 0.9 },
    shelter: { radius: 7, weight: 2, color: "#117a65", fillColor: "#48c9b0", fillOpacity: 0.8 },
    order: { radius: 9, weight: 3, color: "#fff", fillOpacity: 1 },
  };

  var esc = window.anlanEscape;  // escape.js: the one helper

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
        L.marker(ll, { title: p.name }).bindPopup(esc(p.name)).addTo(layer);
        if (!fitted) { map.setView(ll, 13); fitted = true; }
        return;
      }
      var style = Object.assign({}, STYLE[p.layer] || {}, p.colour ? { fillColor: p.colour } : {});
      var marker = L.circleMarker(ll, style).addTo(layer);
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
  poll();
})();
