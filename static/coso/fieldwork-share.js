// Cơ Sở: the field-time share charts (Apache ECharts, served from static), from a json_script element.
(function () {
  "use strict";

  function data(el) {
    var source = document.getElementById(el.getAttribute("data-source"));
    return source ? JSON.parse(source.textContent) : null;
  }

  function percent(v) {
    return v === null || v === undefined
      ? "—"
      : Number(v).toLocaleString(document.documentElement.lang || "vi", { maximumFractionDigits: 1 }) + " %";
  }

  function targetLine(d) {
    return d.target === null ? [] : [{ yAxis: d.target, name: d.labels.target }];
  }

  function draw(el, option) {
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    el.setAttribute("data-drawn", "1");
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function start() {
    if (typeof echarts === "undefined") {
      return;
    }
    document.querySelectorAll("[data-share-chart]").forEach(function (el) {
      var d = data(el);
      draw(el, {
        animation: false,
        grid: { left: 48, right: 72, top: 24, bottom: 90 },
        tooltip: { trigger: "axis", valueFormatter: percent },
        xAxis: { type: "category", data: d.leaders, axisLabel: { rotate: 40, interval: 0, width: 110, overflow: "truncate" } },
        yAxis: { type: "value", min: 0, axisLabel: { formatter: "{value} %" } },
        series: [{
          name: d.labels.share, type: "bar", data: d.shares.map(function (v) {
            return { value: v, itemStyle: { color: v !== null && d.target !== null && v >= d.target ? "#2fb344" : "#d63939" } };
          }),
          markLine: { symbol: "none", lineStyle: { type: "dashed", color: "#206bc4" }, label: { formatter: d.labels.target + " {c} %" }, data: targetLine(d) },
        }],
      });
    });
    document.querySelectorAll("[data-trend-chart]").forEach(function (el) {
      var d = data(el);
      draw(el, {
        animation: false,
        grid: { left: 48, right: 72, top: 24, bottom: 28 },
        tooltip: { trigger: "axis", valueFormatter: percent },
        xAxis: { type: "category", data: d.months, axisLabel: { hideOverlap: true } },
        yAxis: { type: "value", min: 0, axisLabel: { formatter: "{value} %" } },
        series: [{
          name: d.labels.share, type: "line", data: d.trend, symbolSize: 6, lineStyle: { width: 3 },
          markLine: { symbol: "none", lineStyle: { type: "dashed", color: "#d63939" }, label: { formatter: d.labels.target + " {c} %" }, data: targetLine(d) },
        }],
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
