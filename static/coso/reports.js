// Cơ Sở: the charts of a report's page (Apache ECharts, served from static), each from a json_script element
// holding the same labels and series the documents draw; a ranking's chart is horizontal, best at the top.
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
      if (d.horizontal) {
        draw(el, horizontal(el, d));
        return;
      }
      var many = d.labels.length > 6;
      draw(el, {
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
    });
  }

  function draw(el, option) {
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    el.setAttribute("data-drawn", "1");
    window.addEventListener("resize", function () { chart.resize(); });
  }

  // A ranking: one bar a row, the first at the top, in % from 0 to 100, each bar in its status colour when it
  // has one (red, amber, green), the target floor as a dashed line when there is one.
  var BAR = 26; // pixels a bar takes, its gap included
  var COLOURS = { green: "#2fb344", yellow: "#f59f00", red: "#d63939", secondary: "#9ba9be" };

  function horizontal(el, d) {
    var narrow = window.innerWidth < 576;
    var s = d.series[0];
    el.style.height = Math.max(160, d.labels.length * BAR + 60) + "px";
    var bars = s.values.map(function (v, i) {
      var colour = COLOURS[(d.colours || [])[i]] || "#206bc4";
      return { value: v, itemStyle: { color: colour } };
    });
    var option = {
      animation: false,
      grid: { left: 8, right: 56, top: d.target === null || d.target === undefined ? 16 : 32, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return number(v) + " %"; } },
      xAxis: { type: "value", min: 0, max: function (v) { return Math.max(100, Math.ceil(v.max / 10) * 10); },
        interval: narrow ? 50 : 20, axisLabel: { formatter: "{value} %" } },
      yAxis: { type: "category", inverse: true, data: d.labels, axisLabel: { width: narrow ? 120 : 260, overflow: "truncate" } },
      series: [{
        name: s.label, type: "bar", data: bars, barMaxWidth: 18,
        label: { show: true, position: "right", formatter: function (p) { return number(p.value) + " %"; } }
      }]
    };
    if (d.target !== null && d.target !== undefined) {
      option.series[0].markLine = {
        symbol: "none", lineStyle: { type: "dashed", color: "#206bc4" },
        label: { formatter: d.target_label + ": " + number(d.target) + " %", position: "start", rotate: 0 },
        data: [{ xAxis: d.target }]
      };
    }
    return option;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
