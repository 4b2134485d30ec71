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
