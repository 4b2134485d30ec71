/* 综合态势 big screen: the county map with the live layers on top and the panels' charts, redrawn in place
   from the data endpoint every refresh (no reload, no flicker: charts get new options, a map layer is
   redrawn only when its features changed). Figures, names, rounding and units all come from the server
   (anlan/overview/screen.py); this file only draws them. */
(function () {
  "use strict";
  var root = document.getElementById("screen");
  if (!root) return;
  var esc = window.anlanEscape;
  var refreshMs = (parseInt(root.dataset.refresh, 10) || 30) * 1000;
  var charts = {};
  var drawnLayers = {};
  var layerGroups = {};

  // ------------------------------------------------------------ clock and full screen

  var clock = document.getElementById("screen-clock");
  var shanghai = new Intl.DateTimeFormat("zh-CN", {
    timeZone: "Asia/Shanghai", hour12: false, year: "numeric", month: "2-digit", day: "2-digit",
    weekday: "short", hour: "2-digit", minute: "2-digit", second: "2-digit",
  });
  var shanghaiTime = new Intl.DateTimeFormat("zh-CN", {
    timeZone: "Asia/Shanghai", hour12: false, hour: "2-digit", minute: "2-digit", second: "2-digit",
  });
  function tick() { clock.textContent = shanghai.format(new Date()); }
  tick();
  setInterval(tick, 1000);

  var fullButton = document.getElementById("screen-fullscreen");
  fullButton.addEventListener("click", function () {
    if (document.fullscreenElement) {
      document.exitFullscreen();
    } else if (document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen().catch(function () {});
    }
  });
  document.addEventListener("fullscreenchange", function () {
    fullButton.textContent = document.fullscreenElement ? "退出全屏" : "全屏";
  });

  // ------------------------------------------------------------ the map

  var map = window.anlanBaseMap(document.getElementById("screen-map"));
  map.options.zoomSnap = 0.25; // fill the frame: a county at a whole zoom level leaves a wide margin
  map.setView([30.8, 108.4], 9);
  var countyBounds = null;
  ["warnings", "alarms", "teams", "incidents"].forEach(function (key) {
    layerGroups[key] = L.layerGroup().addTo(map);
  });

  function popup(p) {
    var html = "<strong>" + esc(p.name) + "</strong>";
    if (p.area) html += "<br>" + esc(p.area);
    if (p.text) html += "<br>" + esc(p.text);
    if (p.url) html += "<br><a href=\"" + esc(p.url) + "\">详情 ›</a>";
    return html;
  }

  function icon(kind, colour) {
    return L.divIcon({
      className: "screen-icon screen-icon-" + kind,
      html: "<span style=\"background:" + esc(colour) + "\"></span>",
      iconSize: kind === "incident" ? [22, 22] : [14, 14],
    });
  }

  var draw = {
    warnings: function (f) {
      return L.geoJSON(f, { style: { color: f.properties.colour, weight: 2, fillColor: f.properties.colour,
                                     fillOpacity: 0.22, dashArray: "6 4" } });
    },
    alarms: function (f) {
      var c = f.geometry.coordinates;
      var urgent = f.properties.level === "red" || f.properties.level === "orange";
      return L.circleMarker([c[1], c[0]], { radius: urgent ? 8 : 6, color: "#fff", weight: 1,
        fillColor: f.properties.colour, fillOpacity: 0.95, className: urgent ? "screen-pulse" : "" });
    },
    incidents: function (f) {
      var c = f.geometry.coordinates;
      return L.marker([c[1], c[0]], { icon: icon("incident", f.properties.colour), zIndexOffset: 1000 });
    },
    teams: function (f) {
      var c = f.geometry.coordinates;
      return L.marker([c[1], c[0]], { icon: icon("team", f.properties.colour), zIndexOffset: 500 });
    },
  };

  function drawLayer(key, collection) {
    var signature = JSON.stringify(collection.features);
    if (drawnLayers[key] === signature) return;
    drawnLayers[key] = signature;
    var group = layerGroups[key];
    group.clearLayers();
    collection.features.forEach(function (f) {
      var layer = draw[key](f);
      layer.bindPopup(popup(f.properties));
      group.addLayer(layer);
    });
    var mapEl = document.getElementById("screen-map");
    mapEl.dataset[key] = String(collection.features.length);
  }

  function fit() {
    map.invalidateSize();
    if (countyBounds) map.fitBounds(countyBounds, { paddingTopLeft: [12, 12], paddingBottomRight: [12, 40] });
  }

  function loadBoundaries() {
    return fetch(root.dataset.boundaries, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (fc) {
        var styles = {
          county: { color: "#4fc3f7", weight: 3, fillColor: "#0b3d66", fillOpacity: 0.35 },
          township: { color: "#2a7bbf", weight: 1.2, fillOpacity: 0 },
          village: { color: "#285a85", weight: 0.6, dashArray: "2 3", fillOpacity: 0 },
        };
        var outline = L.geoJSON(fc, {
          style: function (f) { return styles[f.properties.level] || styles.township; },
          interactive: false,
        }).addTo(map);
        outline.bringToBack();
        fc.features.forEach(function (f) {
          var at = f.properties.label_at;
          if (f.properties.level === "township" && at && at[0] !== null) {
            L.marker([at[1], at[0]], { interactive: false, keyboard: false,
              icon: L.divIcon({ className: "screen-label", html: esc(f.properties.name), iconSize: null }) }).addTo(map);
          }
        });
        if (outline.getBounds().isValid()) {
          countyBounds = outline.getBounds();
          fit();
        }
        document.getElementById("screen-map").dataset.boundaries = String(fc.features.length);
      });
  }

  // ------------------------------------------------------------ panels

  function chart(key, spec) {
    var el = root.querySelector("[data-chart-of='" + key + "']");
    if (!el) return;
    charts[key] = window.anlanChart.draw(el, spec, { dark: true, labels: true, fontSize: fontSize() });
  }

  function fontSize() { return window.innerWidth >= 1800 ? 13 : 11; }

  function figures(key, items) {
    var el = root.querySelector("[data-figures-of='" + key + "']");
    el.innerHTML = items.map(function (item) {
      var value = "<div><b>" + esc(item[1]) + "</b><small>" + esc(item[2] || "") + "</small></div>";
      return "<div class=\"figure\"><span>" + esc(item[0]) + "</span>" +
        (item[3] ? "<a href=\"" + esc(item[3]) + "\">" + value + "</a>" : value) + "</div>";
    }).join("");
  }

  function number(n) { return n === null || n === undefined ? "—" : Number(n).toLocaleString("zh-CN"); }

  function kpis(list) {
    document.getElementById("screen-kpis").innerHTML = list.map(function (k) {
      return "<a class=\"kpi" + (k.alert ? " alert" : "") + "\" href=\"" + esc(k.url) + "\"><span>" +
        esc(k.label) + "</span><b>" + esc(number(k.value)) + "</b><small>" + esc(k.unit) + "</small></a>";
    }).join("");
  }

  function links(panels) {
    var urls = { alarms: panels.alarms.url, rain: panels.rain.url, warnings: panels.warnings.url,
                 hazards: panels.hazards.url, resources: panels.resources.url, risk: panels.risk.url };
    Object.keys(urls).forEach(function (key) {
      var a = root.querySelector("[data-link='" + key + "']");
      if (a && urls[key]) a.setAttribute("href", urls[key]);
    });
  }

  function render(data) {
    var p = data.panels;
    kpis(data.kpis);
    links(p);
    chart("alarms", p.alarms.chart);
    chart("rain", p.rain.chart);
    var w = p.warnings;
    figures("warnings", [
      ["发布", number(w.issued), "条"],
      ["生效中", number(w.in_force), "条"],
      ["覆盖 / 已送达", number(w.targeted) + " / " + number(w.reached), "人"],
      ["叫应率", w.ack_rate === null ? "—" : w.ack_rate, w.ack_rate === null ? "" : "%"],
    ]);
    chart("warnings", w.chart);
    chart("hazards-trend", p.hazards.trend);
    chart("hazards-overdue", p.hazards.overdue);
    var r = p.resources;
    figures("resources", [
      ["待命队伍", number(r.teams_ready) + " / " + number(r.teams_total), "支", p.resources.url + "?readiness=ready"],
      ["出动中", number(r.teams_moving), "支", data.kpis[3].url],
      ["避难场所在场", number(r.shelter_present) + " / " + number(r.shelter_capacity), "人"],
      ["物资达标", number(r.supply_adequate) + " / " + number(r.supply_items), "项", r.adequacy_url],
    ]);
    chart("resources", r.chart);
    chart("risk", p.risk.chart);
    ["warnings", "alarms", "teams", "incidents"].forEach(function (key) { drawLayer(key, data.layers[key]); });
    document.getElementById("screen-updated").textContent =
      "数据更新 " + shanghaiTime.format(new Date(data.at)) + " · 每 " + data.refresh_seconds + " 秒刷新";
    root.dataset.ready = "1";
  }

  function refresh() {
    return fetch(root.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (r.status === 403 || r.redirected) { window.location.reload(); throw new Error("会话已失效"); }
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(render)
      .catch(function (e) {
        // Keep the last figures on the wall; say they are stale.
        document.getElementById("screen-updated").textContent = "更新失败（" + e.message + "），稍后重试";
        root.dataset.error = "1";
      });
  }

  var resizing = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(function () {
      fit();
      Object.keys(charts).forEach(function (key) { charts[key].resize(); });
    }, 150);
  });

  loadBoundaries().catch(function () {}).then(refresh).then(function () {
    fit(); // the first figures may have changed the frame's size (the KPI row)
    document.getElementById("screen-map").dataset.ready = "1";
  });
  setInterval(refresh, refreshMs);
  window.anlanScreen = { refresh: refresh };
})();
