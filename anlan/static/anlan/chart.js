// A sensor's readings with its alarm thresholds drawn as lines (ECharts, served from this server).
(function () {
  var el = document.getElementById("chart");
  if (!el) return;
  var colours = { blue: "#2f7fd8", yellow: "#d4b000", orange: "#f28c28", red: "#e02020" };
  var names = { blue: "蓝色", yellow: "黄色", orange: "橙色", red: "红色" };
  // Readings are shown on the bureau's clock (Asia/Shanghai), whatever time zone the browser is set to.
  var shanghai = new Intl.DateTimeFormat("zh-CN", {
    timeZone: "Asia/Shanghai", hour12: false,
    year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
  });
  function parts(value) {
    var out = {};
    shanghai.formatToParts(new Date(value)).forEach(function (p) { out[p.type] = p.value; });
    return out;
  }
  function fullTime(value) {
    var p = parts(value);
    return p.year + "-" + p.month + "-" + p.day + " " + p.hour + ":" + p.minute;
  }
  function axisTime(value) {
    var p = parts(value);
    return p.hour === "00" && p.minute === "00" ? p.month + "-" + p.day : p.hour + ":" + p.minute;
  }
  fetch(el.dataset.url, { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(function (data) {
      var chart = echarts.init(el);
      var lines = data.thresholds.map(function (t) {
        return { yAxis: t.value, name: names[t.level] + "阈值", lineStyle: { color: colours[t.level], type: "dashed" },
                 label: { formatter: names[t.level] + " " + t.value } };
      });
      chart.setOption({
        animation: false,
        tooltip: {
          trigger: "axis",
          formatter: function (items) {
            var item = items[0];
            return window.anlanEscape(fullTime(item.value[0])) + "<br>" +
              window.anlanEscape(el.dataset.name) + "：" + window.anlanEscape(item.value[1]);
          },
        },
        xAxis: { type: "time", axisLabel: { formatter: axisTime } },
        yAxis: { type: "value", name: data.unit, scale: true },
        dataZoom: [{ type: "inside" }, { type: "slider" }],
        series: [{
          name: el.dataset.name, type: "line", showSymbol: false,
          data: data.points.map(function (p) { return [p[0], p[1]]; }),
          markLine: { symbol: "none", data: lines },
        }],
      });
      if (data.points.length) {
        document.getElementById("chart-span").textContent = "曲线时段 " + fullTime(data.points[0][0]) + " 至 " +
          fullTime(data.points[data.points.length - 1][0]) + "（北京时间）";
      }
      el.dataset.ready = "1";
      el.dataset.points = String(data.points.length);
      el.dataset.thresholds = String(lines.length);
      window.addEventListener("resize", function () { chart.resize(); });
    })
    .catch(function (e) { el.textContent = "曲线加载失败：" + e.message; el.dataset.error = "1"; });
})();
