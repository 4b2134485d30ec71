// Charts drawn with ECharts (served from this server), in two kinds:
//  - figures computed on the server (anlan/core/charts.py): window.anlanChart.draw(el, spec, options) draws
//    one, and every element marked data-chart is drawn from the JSON script right after it (json_script);
//  - a sensor's readings with its alarm thresholds drawn as lines (#chart, fetched from data-url).
(function () {
  "use strict";
  var esc = function (s) { return window.anlanEscape(s); };

  function value(item) { return item !== null && typeof item === "object" ? item.value : item; }

  function seriesOption(spec, s, options) {
    var type = s.type || (spec.type === "hbar" ? "bar" : spec.type);
    var out = {
      name: s.name, type: type, stack: s.stack,
      yAxisIndex: spec.type === "hbar" ? undefined : (s.axis || 0),
      data: s.data.map(function (d) {
        return d !== null && typeof d === "object" ? { value: d.value, itemStyle: { color: d.colour } } : d;
      }),
      barMaxWidth: 28,
      emphasis: { focus: "series" },
    };
    if (s.colour) out.itemStyle = { color: s.colour };
    if (type === "line") { out.smooth = true; out.symbolSize = 6; if (s.colour) out.lineStyle = { color: s.colour }; }
    // Values beside horizontal bars on the big screen: on the last series only (several would overlap).
    if (options.labels && spec.type === "hbar" && s === spec.series[spec.series.length - 1]) {
      out.label = { show: true, position: "right", color: options.dark ? "#cfe3ff" : "#333",
                    formatter: function (p) { return value(p.data) + (spec.unit || ""); } };
    }
    return out;
  }

  function build(spec, options) {
    var horizontal = spec.type === "hbar";
    var text = options.dark ? "#a9c4e8" : "#555";
    var grid = options.dark ? "rgba(120,170,230,0.15)" : "#e5e5e5";
    var category = {
      type: "category", data: spec.categories, inverse: horizontal,
      axisLabel: { color: text, hideOverlap: !spec.all_labels, fontSize: options.fontSize || 12,
                   interval: spec.all_labels ? 0 : "auto", rotate: spec.all_labels && !horizontal ? 35 : 0,
                   width: horizontal ? 100 : undefined, overflow: horizontal ? "truncate" : undefined },
      axisLine: { lineStyle: { color: grid } },
    };
    var values = [{ type: "value", name: horizontal ? "" : spec.unit, minInterval: 1,
                    max: spec.unit === "%" ? 100 : undefined,
                    nameTextStyle: { color: text }, axisLabel: { color: text, fontSize: options.fontSize || 12 },
                    splitLine: { lineStyle: { color: grid } } }];
    if (spec.unit2) {
      values.push({ type: "value", name: spec.unit2, min: 0, max: spec.unit2 === "%" ? 100 : undefined,
                    nameTextStyle: { color: text }, axisLabel: { color: text }, splitLine: { show: false } });
    }
    var units = [spec.unit || "", spec.unit2 || ""];
    var legend = spec.series.length > 1;
    return {
      animation: false,
      backgroundColor: "transparent",
      textStyle: { fontFamily: "inherit" },
      legend: legend ? { top: 0, textStyle: { color: text, fontSize: options.fontSize || 12 },
                          itemWidth: 12, itemHeight: 8 } : undefined,
      grid: { left: 8, right: horizontal ? 48 : 12, top: legend ? 28 : 16, bottom: 4, containLabel: true },
      tooltip: {
        trigger: "axis", axisPointer: { type: "shadow" }, confine: true,
        formatter: function (items) {
          return esc(items[0].name) + items.map(function (item) {
            var s = spec.series[item.seriesIndex];
            return "<br>" + item.marker + esc(item.seriesName) + "：" + esc(value(item.data)) +
              esc(units[(s && s.axis) || 0]);
          }).join("");
        },
      },
      xAxis: horizontal ? values[0] : category,
      yAxis: horizontal ? category : values,
      series: spec.series.map(function (s) { return seriesOption(spec, s, options); }),
    };
  }

  function isEmpty(spec) {
    return !spec.categories.length || spec.series.every(function (s) {
      return s.data.every(function (d) { return !value(d); });
    });
  }

  // Draw `spec` into `el` (again: a second call replaces the figures in place, without flicker).
  function draw(el, spec, options) {
    options = options || {};
    var chart = echarts.getInstanceByDom(el) || echarts.init(el, options.dark ? "dark" : null);
    chart.setOption(build(spec, options), { notMerge: true });
    var note = el.parentNode.querySelector(".chart-empty");
    if (isEmpty(spec)) {
      if (!note) {
        note = document.createElement("p");
        note.className = "chart-empty";
        el.parentNode.appendChild(note);
      }
      note.textContent = spec.empty || "暂无数据";
    } else if (note) {
      note.remove();
    }
    el.dataset.ready = "1";
    el.dataset.series = String(spec.series.length);
    return chart;
  }

  window.anlanChart = { draw: draw };

  var drawn = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var source = el.nextElementSibling;
    if (!source || source.type !== "application/json") return;
    var spec = JSON.parse(source.textContent);
    // A ranking names every row: give each about 22 px rather than squeeze them into the default box.
    if (spec.type === "hbar") el.style.height = Math.max(el.clientHeight, 22 * spec.categories.length + 40) + "px";
    drawn.push(draw(el, spec));
  });
  if (drawn.length) {
    window.addEventListener("resize", function () { drawn.forEach(function (c) { c.resize(); }); });
  }
})();

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
