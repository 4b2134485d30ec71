/* A Leaflet map on the configured base tiles (none on an isolated network), with the label layer 天地图
   needs; the tile source comes from the page's #tile-config. Shared by the editor, workspace and command map. */
(function () {
  "use strict";
  window.anlanBaseMap = function (el) {
    var tiles = JSON.parse(document.getElementById("tile-config").textContent);
    var map = L.map(el, { attributionControl: false });
    if (tiles) {
      L.tileLayer(tiles.url, { subdomains: tiles.subdomains || "abc", maxZoom: 18 }).addTo(map);
      if (tiles.label_url) L.tileLayer(tiles.label_url, { subdomains: tiles.subdomains, maxZoom: 18 }).addTo(map);
    }
    return map;
  };
})();
