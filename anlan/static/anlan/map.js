/* 一张图: the layers of the layer registry on a Leaflet map, with
   - a layer panel grouped by theme (事件处置 / 监测预警 / 风险隐患 / 应急资源 / 基础地理), folded on phones,
     the choice saved for the user on the server (it follows them to any browser);
   - a legend of the layers shown (symbols and the four colours);
   - dense point layers clustered, each layer its own shape; alarms, warning areas and incidents on top;
   - a place search box that flies to the place found.
   A layer's features are fetched when it is first turned on. No base tiles unless the server is configured
   with a tile source (isolated networks). */
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el) return;
  var esc = window.anlanEscape, kit = window.anlanMapKit;
  var tileConfig = JSON.parse(document.getElementById("tile-config").textContent);
  var chosen = JSON.parse(document.getElementById("chosen-layers").textContent) || [];
  var narrow = window.matchMedia("(max-width: 700px)").matches;
  // maxZoom: clusters need it, and without base tiles nothing else sets it.
  var map = L.map(el, { attributionControl: false, zoomControl: true, maxZoom: 18 });
  if (tileConfig) {
    L.tileLayer(tileConfig.url, { subdomains: tileConfig.subdomains || "abc", maxZoom: 18 }).addTo(map);
    if (tileConfig.label_url) L.tileLayer(tileConfig.label_url, { subdomains: tileConfig.subdomains, maxZoom: 18 }).addTo(map);
  }
  // Warning areas above the boundaries and below the points; alarms and incidents above every marker.
  map.createPane("areas").style.zIndex = 420;
  map.createPane("top").style.zIndex = 650;
  L.control.scale({ imperial: false, position: "bottomright" }).addTo(map);
  window.anlanMap = map;
  window.anlanLayers = {};  // key → the layer's L.geoJSON (every feature), for integrations and tests
  // ?layer=key[,key] turns layers on (links from reports such as the risk index open its map).
  var wanted = (new URLSearchParams(window.location.search).get("layer") || "").split(",").filter(Boolean);

  var metas = [], byKey = {}, state = {}, fitted = false;
  var legend = kit.legendControl(map, narrow);
  var panel = panelControl();

  /* ---- the layer panel ---- */
  function panelControl() {
    var control = L.control({ position: "topright" });
    control.onAdd = function () {
      var box = L.DomUtil.create("div", "map-box map-panel" + (narrow ? " folded" : ""));
      box.innerHTML = "<button type='button' class='map-box-toggle' aria-expanded='" + (!narrow) + "'>图层</button><div class='map-box-body'></div>";
      var toggle = box.querySelector(".map-box-toggle");
      toggle.addEventListener("click", function () {
        var folded = box.classList.toggle("folded");
        toggle.setAttribute("aria-expanded", String(!folded));
      });
      box.addEventListener("change", function (e) {
        var key = e.target && e.target.dataset.layer;
        if (key) setVisible(key, e.target.checked, true);
      });
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    control.addTo(map);
    // On a phone a tap on the map folds the panel again.
    map.on("click", function () { if (narrow) control.getContainer().classList.add("folded"); });
    return control;
  }

  function buildPanel() {
    var groups = [];
    metas.forEach(function (meta) {
      var g = groups.filter(function (x) { return x.name === meta.group; })[0];
      if (!g) { g = { name: meta.group, order: meta.theme_order, layers: [] }; groups.push(g); }
      g.layers.push(meta);
    });
    groups.sort(function (a, b) { return a.order - b.order; });
    panel.getContainer().querySelector(".map-box-body").innerHTML = groups.map(function (g) {
      return "<fieldset><legend>" + esc(g.name) + "</legend>" + g.layers.map(function (meta) {
        var mark = meta.geometry === "point" ? kit.symbolHtml(meta.symbol, kit.featureFill(meta, null), 12)
          : "<span class='sym-area' style='--fill:" + esc((meta.legend[0] || {}).colour || meta.style.color || "#7f8c8d") + "'></span>";
        return "<label><input type='checkbox' data-layer='" + esc(meta.key) + "'>" + mark + "<span>" + esc(meta.name) +
          "<span class='count' data-count='" + esc(meta.key) + "'></span></span></label>";
      }).join("") + "</fieldset>";
    }).join("");
  }

  function checkbox(key) { return panel.getContainer().querySelector("input[data-layer='" + key + "']"); }

  /* ---- layers ---- */
  function load(meta) {
    if (state[meta.key].loading) return state[meta.key].loading;
    state[meta.key].loading = fetch(meta.url, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(meta.key + " " + r.status); return r.json(); })
      .then(function (collection) {
        var built = meta.geometry === "point"
          ? kit.pointLayer(meta, collection, { pane: meta.top ? "top" : null })
          : polygonLayer(meta, collection);
        state[meta.key].layer = built.layer;
        state[meta.key].labels = built.labels || null;
        window.anlanLayers[meta.key] = built.features;
        var count = panel.getContainer().querySelector("[data-count='" + meta.key + "']");
        if (count) count.textContent = "（" + collection.features.length + "）";
        if (!fitted && collection.features.length && meta.geometry === "polygon" && !meta.top) {
          map.fitBounds(built.features.getBounds(), { animate: false });
          fitted = true;
        }
        return built;
      });
    return state[meta.key].loading;
  }

  function polygonLayer(meta, collection) {
    var labels = L.layerGroup();
    var features = L.geoJSON(collection, {
      pane: meta.top ? "areas" : "overlayPane",
      // A feature may carry its own colours (four-colour risk maps, warning levels): properties.style.
      style: function (feature) { return Object.assign({}, meta.style, (feature && feature.properties.style) || {}); },
      onEachFeature: function (feature, lyr) {
        lyr.bindPopup(kit.popupHtml(meta, feature.properties));
        var at = feature.properties.label_at;
        var text = meta.label_field ? feature.properties[meta.label_field] : null;
        if (text && at && at[0] !== null) {
          labels.addLayer(L.marker([at[1], at[0]], {
            interactive: false,
            icon: L.divIcon({ className: "map-label map-label-" + meta.key, html: "<span>" + esc(text) + "</span>", iconSize: null }),
          }));
        }
      },
    });
    return { layer: features, features: features, labels: labels };
  }

  function setVisible(key, on, byUser) {
    var meta = byKey[key];
    if (!meta) return Promise.resolve();
    state[key].on = on;
    var box = checkbox(key);
    if (box) box.checked = on;
    var done = on ? load(meta).then(function () {
      if (state[key].on && !map.hasLayer(state[key].layer)) map.addLayer(state[key].layer);
      updateLabels();
    }) : Promise.resolve().then(function () {
      if (state[key].layer) map.removeLayer(state[key].layer);
      if (state[key].labels) map.removeLayer(state[key].labels);
    });
    return done.then(function () {
      showLegend();
      if (byUser) savePreference();
    }).catch(function (err) { el.dataset.error = String(err); });
  }

  function visibleKeys() { return metas.filter(function (m) { return state[m.key].on; }).map(function (m) { return m.key; }); }

  function showLegend() { legend.show(metas.filter(function (m) { return state[m.key].on && state[m.key].layer; })); }

  function updateLabels() {
    var z = map.getZoom();
    metas.forEach(function (meta) {
      var s = state[meta.key];
      if (!s.labels) return;
      var show = s.on && z >= (meta.label_min_zoom || 0);
      if (show && !map.hasLayer(s.labels)) map.addLayer(s.labels);
      if (!show && map.hasLayer(s.labels)) map.removeLayer(s.labels);
    });
  }
  map.on("zoomend", updateLabels);

  /* ---- the user's choice, kept on the server ---- */
  var saveTimer = null;
  function savePreference() {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(function () {
      el.dataset.saved = "";
      fetch(el.dataset.prefsUrl, {
        method: "PUT",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": el.dataset.csrf },
        body: JSON.stringify({ layers: visibleKeys() }),
      }).then(function (r) { if (r.ok) el.dataset.saved = visibleKeys().join(","); });
    }, 500);
  }

  /* ---- place search ---- */
  function searchControl() {
    var control = L.control({ position: "topleft" });
    control.onAdd = function () {
      var box = L.DomUtil.create("div", "map-box map-search");
      box.innerHTML = "<input type='search' placeholder='搜索地点：乡镇、村、企业、隐患点、避难场所、队伍' aria-label='搜索地点' maxlength='50'>" +
        "<ul class='map-search-results' hidden></ul>";
      var input = box.querySelector("input"), list = box.querySelector("ul");
      var timer = null, results = [];
      input.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () { search(input.value.trim()); }, 250);
      });
      input.addEventListener("keydown", function (e) {
        if (e.key === "Enter") { e.preventDefault(); if (results.length) flyTo(results[0]); }
        if (e.key === "Escape") { list.hidden = true; }
      });
      list.addEventListener("click", function (e) {
        var item = e.target.closest("[data-i]");
        if (item) flyTo(results[+item.dataset.i]);
      });
      function search(q) {
        if (!q) { list.hidden = true; return; }
        fetch(el.dataset.searchUrl + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (data) {
            results = data.results || [];
            list.innerHTML = results.length ? results.map(function (p, i) {
              return "<li><button type='button' data-i='" + i + "'><strong>" + esc(p.name) + "</strong><small>" +
                esc(p.kind_label) + (p.where ? " · " + esc(p.where) : "") + "</small></button></li>";
            }).join("") : "<li class='muted small'>" + esc(data.detail || "没有找到") + "</li>";
            list.hidden = false;
          });
      }
      var marker = null;
      function flyTo(place) {
        list.hidden = true;
        input.value = place.name;
        if (marker) map.removeLayer(marker);
        marker = L.marker([place.lat, place.lon], {
          pane: "top",
          icon: L.divIcon({ className: "map-found", html: "<span></span>", iconSize: [26, 26] }),
        }).bindPopup("<div class='map-popup'><h3>" + esc(place.name) + "</h3><p class='muted small'>" + esc(place.kind_label) +
          (place.where ? " · " + esc(place.where) : "") + "</p></div>").addTo(map);
        map.once("moveend", function () {
          marker.openPopup();
          el.dataset.flownTo = place.name;
        });
        el.dataset.flownTo = "";
        map.flyTo([place.lat, place.lon], place.zoom || 15, { duration: 0.8 });
      }
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    control.addTo(map);
  }
  searchControl();

  map.setView([35, 105], 4, { animate: false });
  fetch(el.dataset.layersUrl + "?page_size=100", { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      metas = data.results;
      metas.forEach(function (meta) { byKey[meta.key] = meta; state[meta.key] = { on: false }; });
      buildPanel();
      var on = (chosen.length ? chosen : metas.filter(function (m) { return m.default_visible; }).map(function (m) { return m.key; }))
        .concat(wanted).filter(function (k) { return byKey[k]; });
      // Boundaries first (the map fits the county), then the rest, one request at a time: every request
      // refreshes the session row, and an embedded SQLite database takes one writer at a time.
      var boundaries = on.filter(function (k) { return byKey[k].geometry === "polygon" && !byKey[k].top; });
      var others = on.filter(function (k) { return boundaries.indexOf(k) < 0; });
      return boundaries.concat(others).reduce(function (p, k) {
        return p.then(function () { return setVisible(k, true, false); });
      }, Promise.resolve());
    })
    .then(function () { el.dataset.ready = "1"; })
    .catch(function (err) { el.dataset.error = String(err); });
})();
