/* 事件工作台: the report clock counts down every second and turns red when the deadline passes. */
(function () {
  "use strict";
  var clock = document.getElementById("report-clock");
  if (!clock || !clock.dataset.due) return;
  var due = new Date(clock.dataset.due).getTime();
  var text = clock.querySelector(".countdown");
  // An hour or more reads in hours and minutes (a follow-up is due in a day); the last hour to the second.
  function span(seconds) {
    if (seconds > 3600) return Math.floor(seconds / 3600) + " 小时 " + Math.floor((seconds % 3600) / 60) + " 分";
    return Math.floor(seconds / 60) + " 分 " + (seconds % 60) + " 秒";
  }
  function tick() {
    var left = Math.round((due - Date.now()) / 1000);
    if (left < 0) {
      clock.classList.add("overdue");
      clock.classList.remove("soon");
      var late = -left;
      text.textContent = "已超时 " + span(late);
    } else {
      if (left < 15 * 60) clock.classList.add("soon");
      text.textContent = "剩余 " + span(left);
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
  var located = !isNaN(lon) && !isNaN(lat);
  var centre = located ? [lat, lon] : [31.07, 109.88], zoom = located ? 14 : 10;
  map.setView(centre, zoom);
  if (located) L.marker(centre).addTo(map);
  // The map may start in a hidden tab, with no size: measure it (and centre it once) when its tab is shown.
  var measured = el.clientWidth > 0;
  document.addEventListener("anlan:tabshown", function (event) {
    if (!event.target.contains(el)) return;
    map.invalidateSize();
    if (!measured) map.setView(centre, zoom);
    measured = true;
  });
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
