/* What the 一张图 and the command map share: point symbols (a shape per layer, a colour per feature), clustered
   point layers, popups with a 详情 link, and the legend control. Everything built from data goes through
   window.anlanEscape; colours are checked before they reach a style attribute. */
(function () {
  "use strict";
  var esc = window.anlanEscape;
  var COLOUR = /^#[0-9a-fA-F]{3,8}$/;

  function colour(value, fallback) { return COLOUR.test(value || "") ? value : fallback; }

  // A shape of the layer (circle, square, triangle …) filled with the feature's colour, as HTML.
  function symbolHtml(symbol, fill, size) {
    var shape = /^[a-z]+$/.test(symbol || "") ? symbol : "circle";
    return "<span class='sym sym-" + shape + "' style='--fill:" + colour(fill, "#7f8c8d") + ";--size:" + (size | 0) + "px'><i></i></span>";
  }

  function featureFill(meta, props) {
    return colour((props && props.style && props.style.fillColor) || meta.style.fillColor || meta.style.color, "#7f8c8d");
  }

  function symbolSize(meta) { return Math.max(10, Math.round((meta.style.radius || 6) * 2.2)); }

  function markerIcon(meta, fill) {
    var size = symbolSize(meta);
    return L.divIcon({ className: "sym-marker", html: symbolHtml(meta.symbol, fill, size), iconSize: [size, size] });
  }

  function popupHtml(meta, props) {
    var rows = [];
    Object.keys(meta.labels || {}).forEach(function (k) {
      var v = props[k];
      if (v === null || v === undefined || v === "") return;
      v = v === true ? "是" : v === false ? "否" : v;
      rows.push("<tr><th>" + esc(meta.labels[k]) + "</th><td>" + esc(v) + "</td></tr>");
    });
    var title = props[meta.title_field || "name"] || meta.name;
    var link = typeof props.url === "string" && props.url.charAt(0) === "/" && props.url.charAt(1) !== "/"
      ? "<a class='popup-link' href='" + esc(props.url) + "'>详情</a>" : "";
    return "<div class='map-popup'><h3>" + esc(title) + "</h3><table class='popup'>" + rows.join("") + "</table>" + link + "</div>";
  }

  // Legend colours are ordered most severe first: a cluster shows the most severe colour among its points.
  function clusterIcon(meta) {
    var order = (meta.legend || []).map(function (row) { return row.colour; });
    return function (cluster) {
      var best = -1, fallback = null;
      cluster.getAllChildMarkers().forEach(function (m) {
        var i = order.indexOf(m.options.fill);
        if (i >= 0 && (best < 0 || i < best)) best = i;
        fallback = fallback || m.options.fill;
      });
      var fill = best >= 0 ? order[best] : fallback || featureFill(meta, null);
      var n = cluster.getChildCount();
      var size = n < 10 ? 30 : n < 100 ? 36 : 42;
      return L.divIcon({
        className: "map-cluster",
        html: "<span class='cluster-badge' style='--fill:" + colour(fill, "#7f8c8d") + "'>" + symbolHtml(meta.symbol, fill, 14) + "<b>" + n + "</b></span>",
        iconSize: [size + 14, size],
      });
    };
  }

  /* A point layer: one marker per feature in the layer's shape, inside a cluster group when the layer is
     dense. Returns {layer: what goes on the map, features: the L.geoJSON with every marker}. */
  function pointLayer(meta, collection, options) {
    var pane = options && options.pane;
    var features = L.geoJSON(collection, {
      pointToLayer: function (feature, latlng) {
        var fill = featureFill(meta, feature.properties);
        var opts = { icon: markerIcon(meta, fill), fill: fill, title: String(feature.properties[meta.title_field || "name"] || ""), keyboard: false };
        // Among the layers on top, the one listed first (incidents before alarms) is drawn above.
        if (meta.top) opts.zIndexOffset = Math.max(0, 100 - (meta.order || 100)) * 100;
        if (pane) opts.pane = pane;
        return L.marker(latlng, opts);
      },
      onEachFeature: function (feature, lyr) { lyr.bindPopup(popupHtml(meta, feature.properties)); },
    });
    if (!meta.cluster || !L.markerClusterGroup) return { layer: features, features: features };
    var cluster = L.markerClusterGroup({
      chunkedLoading: true,
      showCoverageOnHover: false,
      maxClusterRadius: 70,
      disableClusteringAtZoom: 16,
      iconCreateFunction: clusterIcon(meta),
    });
    cluster.addLayer(features);
    return { layer: cluster, features: features };
  }

  function legendRows(meta) {
    var rows = meta.legend && meta.legend.length > 1 ? meta.legend
      : [{ label: meta.name, colour: (meta.legend && meta.legend[0] || {}).colour || featureFill(meta, null), line: (meta.legend && meta.legend[0] || {}).line }];
    return rows.map(function (row) {
      var mark = meta.geometry === "point"
        ? symbolHtml(meta.symbol, row.colour, 12)
        : "<span class='sym-area" + (row.line ? " sym-line sym-line-" + esc(row.line) : "") + "' style='--fill:" + colour(row.colour, "#7f8c8d") + "'></span>";
      return "<li>" + mark + "<span>" + esc(row.label) + "</span></li>";
    }).join("");
  }

  /* The legend: one block per layer shown, its symbol and colours. Folded behind its 图例 button on phones. */
  function legendControl(map, narrow) {
    var control = L.control({ position: "bottomleft" });
    var body;
    control.onAdd = function () {
      var box = L.DomUtil.create("div", "map-box map-legend" + (narrow ? " folded" : ""));
      box.innerHTML = "<button type='button' class='map-box-toggle' aria-expanded='" + (!narrow) + "'>图例</button><div class='map-box-body'></div>";
      body = box.querySelector(".map-box-body");
      var toggle = box.querySelector(".map-box-toggle");
      toggle.addEventListener("click", function () {
        var folded = box.classList.toggle("folded");
        toggle.setAttribute("aria-expanded", String(!folded));
      });
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    control.show = function (metas) {
      body.innerHTML = metas.length ? metas.map(function (meta) {
        // A layer of one symbol is its own row; a layer of several colours gets its name as a heading.
        var single = !meta.legend || meta.legend.length < 2;
        return "<section data-layer='" + esc(meta.key) + "'>" + (single ? "" : "<h4>" + esc(meta.name) + "</h4>") +
          "<ul>" + legendRows(meta) + "</ul></section>";
      }).join("") : "<p class='muted small'>未打开图层</p>";
    };
    control.addTo(map);
    return control;
  }

  window.anlanMapKit = {
    symbolHtml: symbolHtml,
    popupHtml: popupHtml,
    pointLayer: pointLayer,
    legendControl: legendControl,
    legendRows: legendRows,
    featureFill: featureFill,
  };
})();
