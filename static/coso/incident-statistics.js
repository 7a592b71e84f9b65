// Cơ Sở: the incident statistics charts (Apache ECharts, served from static), from a json_script element.
(function () {
  "use strict";

  var BAR = 26; // pixels a bar of a horizontal chart takes, its gap included

  function data(el) {
    var source = document.getElementById(el.getAttribute("data-source"));
    return source ? JSON.parse(source.textContent) : null;
  }

  function number(v) {
    return Number(v).toLocaleString(document.documentElement.lang || "vi", { maximumFractionDigits: 1 });
  }

  function narrow() {
    return window.innerWidth < 576;
  }

  function draw(el, count, option) {
    el.style.height = Math.max(200, count * BAR + (narrow() ? 100 : 70)) + "px";
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    el.setAttribute("data-drawn", "1");
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function names(list) {
    // The first name at the top, as in the table beneath.
    return list.slice().reverse();
  }

  function stacked(el, d, labels) {
    draw(el, d.names.length, {
      animation: false,
      grid: { left: 8, right: 24, top: narrow() ? 64 : 36, bottom: 8, containLabel: true },
      legend: { top: 0, data: [labels.open, labels.other] },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: number },
      xAxis: { type: "value", minInterval: 1, axisLabel: { formatter: number } },
      yAxis: {
        type: "category", data: names(d.names),
        axisLabel: { width: narrow() ? 110 : 200, overflow: "truncate" },
      },
      series: [
        { name: labels.open, type: "bar", stack: "n", data: names(d.open), itemStyle: { color: "#f76707" } },
        { name: labels.other, type: "bar", stack: "n", data: names(d.other), itemStyle: { color: "#206bc4" } },
      ],
    });
  }

  function onTime(el, d, labels) {
    draw(el, d.names.length, {
      animation: false,
      grid: { left: 16, right: 48, top: 16, bottom: 8, containLabel: true },
      tooltip: {
        trigger: "axis", axisPointer: { type: "shadow" },
        formatter: function (items) {
          var i = d.names.length - 1 - items[0].dataIndex;
          return items[0].name + "<br>" + labels.on_time + ": " + number(d.on_time[i]) + " %<br>" +
            labels.resolved + ": " + number(d.resolved[i]) + "<br>" + labels.median_resolve + ": " + d.median_resolve[i];
        },
      },
      xAxis: { type: "value", min: 0, max: 100, interval: narrow() ? 50 : 20, axisLabel: { formatter: "{value} %" } },
      yAxis: {
        type: "category", data: names(d.names),
        axisLabel: { width: narrow() ? 110 : 200, overflow: "truncate" },
      },
      series: [{
        name: labels.on_time, type: "bar", data: names(d.on_time).map(function (v) {
          return { value: v, itemStyle: { color: v >= 80 ? "#2fb344" : "#d63939" } };
        }),
        label: { show: true, position: "right", formatter: function (p) { return number(p.value) + " %"; } },
        markLine: { symbol: "none", lineStyle: { type: "dashed", color: "#206bc4" }, label: { formatter: "80 %" }, data: [{ xAxis: 80 }] },
      }],
    });
  }

  function start() {
    if (typeof echarts === "undefined") {
      return;
    }
    document.querySelectorAll("[data-statistics-chart]").forEach(function (el) {
      var d = data(el);
      if (!d) {
        return;
      }
      var kind = el.getAttribute("data-statistics-chart");
      if (kind === "leader") {
        onTime(el, d.leader, d.labels);
      } else {
        stacked(el, d[kind], d.labels);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
