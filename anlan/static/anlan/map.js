/* 一张图: loads every registered layer from the layer registry API and shows it on a Leaflet map.
   No base tiles unless the server is configured with a tile source (isolated networks). */
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el) return;
  var tileConfig = JSON.parse(document.getElementById("tile-config").textContent);
  var map = L.map(el, { preferCanvas: false, attributionControl: false, zoomControl: true });
  var baseLayers = {};
  if (tileConfig) {
    var base = L.tileLayer(tileConfig.url, { subdomains: tileConfig.subdomains || "abc", maxZoom: 18 });
    base.addTo(map);
    baseLayers["底图"] = base;
    if (tileConfig.label_url) {
      L.tileLayer(tileConfig.label_url, { subdomains: tileConfig.subdomains, maxZoom: 18 }).addTo(map);
    }
  }
  // On a phone the list of layers would cover the map: it starts folded behind its 图层 button (Leaflet's
  // collapsed control: a tap opens it, a tap on the map folds it again). Wider screens show it open.
  var narrow = window.matchMedia("(max-width: 700px)").matches;
  var control = L.control.layers(baseLayers, {}, { collapsed: narrow }).addTo(map);
  if (narrow) {
    var toggle = control.getContainer().querySelector(".leaflet-control-layers-toggle");
    toggle.textContent = "图层";
    toggle.title = "图层";
    toggle.classList.add("labelled");
  }
  L.control.scale({ imperial: false }).addTo(map);
  var fitted = false;
  window.anlanMap = map;
  window.anlanLayers = {};
  // ?layer=key[,key] turns layers on (links from reports such as the risk index open its map).
  var wanted = (new URLSearchParams(window.location.search).get("layer") || "").split(",");
  var labelGroups = [];

  function popupHtml(props, labels) {
    var rows = [];
    Object.keys(labels || {}).forEach(function (k) {
      var v = props[k];
      if (v === null || v === undefined || v === "") return;
      v = v === true ? "是" : v === false ? "否" : v;
      rows.push("<tr><th>" + window.anlanEscape(labels[k]) + "</th><td>" + window.anlanEscape(v) + "</td></tr>");
    });
    return "<table class='popup'>" + rows.join("") + "</table>";
  }

  function addLayer(meta) {
    return fetch(meta.url, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(meta.key + " " + r.status); return r.json(); })
      .then(function (collection) {
        var labels = L.layerGroup();
        var layer = L.geoJSON(collection, {
          // A feature may carry its own colours (four-colour risk maps): properties.style.
          style: function (feature) { return Object.assign({}, meta.style, (feature && feature.properties.style) || {}); },
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, Object.assign({ radius: 6 }, meta.style, feature.properties.style || {}));
          },
          onEachFeature: function (feature, lyr) {
            lyr.bindPopup(popupHtml(feature.properties, meta.labels));
            var at = feature.properties.label_at ||
              (feature.geometry && feature.geometry.type === "Point" ? feature.geometry.coordinates : null);
            var text = meta.label_field ? feature.properties[meta.label_field] : null;
            if (text && at && at[0] !== null) {
              labels.addLayer(L.marker([at[1], at[0]], {
                interactive: false,
                icon: L.divIcon({ className: "map-label map-label-" + meta.key, html: "<span>" + window.anlanEscape(text) + "</span>", iconSize: null }),
              }));
            }
          },
        });
        var group = L.layerGroup([layer]);
        window.anlanLayers[meta.key] = layer;  // for integrations and end-to-end tests
        labelGroups.push({ group: group, labels: labels, minZoom: meta.label_min_zoom || 0 });
        control.addOverlay(group, meta.name + "（" + collection.features.length + "）");
        if (meta.default_visible || wanted.indexOf(meta.key) >= 0) group.addTo(map);
        if (!fitted && collection.features.length && meta.geometry === "polygon") {
          map.fitBounds(layer.getBounds(), { animate: false });
          fitted = true;
        }
        updateLabels();
      });
  }

  function updateLabels() {
    var z = map.getZoom();
    labelGroups.forEach(function (g) {
      var show = map.hasLayer(g.group) && z >= g.minZoom;
      if (show && !g.group.hasLayer(g.labels)) g.group.addLayer(g.labels);
      if (!show && g.group.hasLayer(g.labels)) g.group.removeLayer(g.labels);
    });
  }
  map.on("zoomend overlayadd overlayremove", updateLabels);
  map.setView([35, 105], 4, { animate: false });

  fetch(el.dataset.layersUrl, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      return data.results.reduce(function (p, meta) { return p.then(function () { return addLayer(meta); }); }, Promise.resolve());
    })
    .then(function () { el.dataset.ready = "1"; })
    .catch(function (err) { el.dataset.error = String(err); });
})();
