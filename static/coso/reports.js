// Cơ Sở: the charts of a report's page (Apache ECharts, served from static), each from a json_script element
// holding the same labels and series the documents draw.
(function () {
  "use strict";

  function number(v) {
    return v === null || v === undefined
      ? "—"
      : Number(v).toLocaleString(document.documentElement.lang || "vi", { maximumFractionDigits: 1 });
  }

  function start() {
    if (typeof echarts === "undefined") {
      return;
    }
    document.querySelectorAll("[data-report-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-source"));
      if (!source) {
        return;
      }
      var d = JSON.parse(source.textContent);
      var many = d.labels.length > 6;
      var chart = echarts.init(el, null, { renderer: "svg" });
      chart.setOption({
        animation: false,
        grid: { left: 48, right: 16, top: 40, bottom: many ? 90 : 40 },
        legend: { top: 0 },
        tooltip: { trigger: "axis", valueFormatter: number },
        xAxis: { type: "category", data: d.labels, axisLabel: many ? { rotate: 40, interval: 0, width: 110, overflow: "truncate" } : {} },
        yAxis: { type: "value", min: 0, axisLabel: { formatter: d.unit ? "{value} " + d.unit : "{value}" } },
        series: d.series.map(function (s) {
          return { name: s.label, type: s.kind === "line" ? "line" : "bar", data: s.values, connectNulls: false };
        })
      });
      el.setAttribute("data-drawn", "1");
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
