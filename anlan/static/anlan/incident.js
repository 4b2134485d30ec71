/* 事件工作台: the report clock counts down every second and turns red when the deadline passes. */
(function () {
  "use strict";
  var clock = document.getElementById("report-clock");
  if (!clock || !clock.dataset.due) return;
  var due = new Date(clock.dataset.due).getTime();
  var text = clock.querySelector(".countdown");
  function tick() {
    var left = Math.round((due - Date.now()) / 1000);
    if (left < 0) {
      clock.classList.add("overdue");
      clock.classList.remove("soon");
      var late = -left;
      text.textContent = "已超时 " + Math.floor(late / 60) + " 分 " + (late % 60) + " 秒";
    } else {
      if (left < 15 * 60) clock.classList.add("soon");
      text.textContent = "剩余 " + Math.floor(left / 60) + " 分 " + (left % 60) + " 秒";
    }
  }
  tick();
  setInterval(tick, 1000);
})();

/* 影响范围: draw the affected area on a small map around the incident (draw.js). */
(function () {
  "use strict";
  var el = document.getElementById("area-map");
  if (!el || !window.L) return;
  var map = window.anlanBaseMap(el);
  var lon = parseFloat(el.dataset.lon), lat = parseFloat(el.dataset.lat);
  if (!isNaN(lon) && !isNaN(lat)) {
    map.setView([lat, lon], 14);
    L.marker([lat, lon]).addTo(map);
  } else {
    map.setView([31.07, 109.88], 10);
  }
  window.anlanAreaMap = map;
  window.anlanPolygonDraw(map, {
    input: document.querySelector("#area-form input[name=area]"),
    start: document.getElementById("draw-start"),
    finish: document.getElementById("draw-finish"),
    clear: document.getElementById("draw-clear"),
    state: document.getElementById("draw-state"),
    style: { color: "#c0392b", weight: 2, fillOpacity: 0.15 },
  });
})();
