/* Drawing a polygon on a Leaflet map without a plugin: 绘制 starts, each click adds a corner, 完成 closes
   the ring into GeoJSON in a hidden input, 清除 empties it. Used by the warning editor and the incident
   workspace. window.anlanPolygonDraw(map, {input, start, finish, clear, state, style}) → {drawing()}. */
(function () {
  "use strict";
  window.anlanPolygonDraw = function (map, o) {
    var drawing = false, points = [], sketch = null, drawn = null;
    var style = o.style || { color: "#d35400", weight: 2, fillOpacity: 0.2 };

    function show() {
      if (drawn) { map.removeLayer(drawn); drawn = null; }
      if (!o.input.value) return;
      try {
        var geo = JSON.parse(o.input.value);
        drawn = L.geoJSON(geo, { style: style }).addTo(map);
        o.state.textContent = "已绘制范围（" + (geo.coordinates[0].length - 1) + " 个点）";
      } catch (e) { o.state.textContent = "范围无效"; }
    }

    o.start.addEventListener("click", function () {
      drawing = true; points = [];
      if (sketch) map.removeLayer(sketch);
      sketch = L.polyline([], { color: style.color, dashArray: "4 4" }).addTo(map);
      o.state.textContent = "在地图上依次点击范围的各个角点，至少 3 个，然后按“完成”";
      map.getContainer().style.cursor = "crosshair";
    });

    map.on("click", function (e) {
      if (!drawing) return;
      points.push([e.latlng.lng, e.latlng.lat]);
      sketch.addLatLng(e.latlng);
      o.finish.disabled = points.length < 3;
      o.state.textContent = "已点 " + points.length + " 个点";
    });

    o.finish.addEventListener("click", function () {
      if (points.length < 3) return;
      drawing = false; o.finish.disabled = true;
      map.getContainer().style.cursor = "";
      if (sketch) { map.removeLayer(sketch); sketch = null; }
      var ring = points.map(function (p) { return [Number(p[0].toFixed(6)), Number(p[1].toFixed(6))]; });
      ring.push(ring[0]);
      o.input.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
      show();
    });

    o.clear.addEventListener("click", function () {
      drawing = false; points = []; o.finish.disabled = true;
      if (sketch) { map.removeLayer(sketch); sketch = null; }
      o.input.value = "";
      show();
      o.state.textContent = "";
    });

    show();
    return { drawing: function () { return drawing; }, show: show };
  };
})();
