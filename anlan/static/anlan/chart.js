// A sensor's readings with its alarm thresholds drawn as lines (ECharts, served from this server).
(function () {
  var el = document.getElementById("chart");
  if (!el) return;
  var colours = { blue: "#2f7fd8", yellow: "#d4b000", orange: "#f28c28", red: "#e02020" };
  var names = { blue: "蓝色", yellow: "黄色", orange: "橙色", red: "红色" };
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
        tooltip: { trigger: "axis" },
        xAxis: { type: "time" },
        yAxis: { type: "value", name: data.unit, scale: true },
        dataZoom: [{ type: "inside" }, { type: "slider" }],
        series: [{
          name: el.dataset.name, type: "line", showSymbol: false,
          data: data.points.map(function (p) { return [p[0], p[1]]; }),
          markLine: { symbol: "none", data: lines },
        }],
      });
      el.dataset.ready = "1";
      el.dataset.points = String(data.points.length);
      el.dataset.thresholds = String(lines.length);
      window.addEventListener("resize", function () { chart.resize(); });
    })
    .catch(function (e) { el.textContent = "曲线加载失败：" + e.message; el.dataset.error = "1"; });
})();
