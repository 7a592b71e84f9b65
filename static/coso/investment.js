// Cơ Sở: the investment pages' charts (Apache ECharts) and project map (Leaflet), both served from static.
// A chart's data comes from a json_script element named by data-source (the page has no inline script); the
// project map asks its points from data-url once the page has loaded.
(function () {
  "use strict";

  function data(el) {
    var source = document.getElementById(el.getAttribute("data-source"));
    return source ? JSON.parse(source.textContent) : null;
  }

  function cssColour(name, fallback) {
    var value = window.getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function decimal(value) {
    return value === null || value === undefined
      ? "—"
      : Number(value).toLocaleString(document.documentElement.lang || "vi", { maximumFractionDigits: 1 });
  }

  function curveChart(el) {
    var d = data(el);
    if (!d || typeof echarts === "undefined") {
      return;
    }
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      grid: { left: 40, right: 16, top: 36, bottom: 28 },
      legend: { top: 0, data: [d.labels.rate, d.labels.target] },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return decimal(v) + " %"; } },
      xAxis: { type: "category", data: d.months, axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", min: 0, axisLabel: { formatter: "{value} %" } },
      series: [
        {
          name: d.labels.rate, type: "line", data: d.rate, connectNulls: false, symbolSize: 6,
          lineStyle: { width: 3 }, itemStyle: { color: cssColour("--tblr-primary", "#206bc4") },
        },
        {
          name: d.labels.target, type: "line", data: d.target, symbol: "none",
          lineStyle: { type: "dashed", width: 2 }, itemStyle: { color: cssColour("--tblr-red", "#d63939") },
        },
      ],
    });
    el.setAttribute("data-drawn", "1");
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function projectMap(el) {
    if (typeof L === "undefined" || typeof fetch === "undefined" || !window.CosoBasemap) {
      return;
    }
    fetch(el.getAttribute("data-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { points: [] }; })
      .then(function (body) { drawMap(el, body.points || []); });
  }

  function drawMap(el, points) {
    el.setAttribute("data-points", String(points.length));
    if (!points.length) {
      var card = el.closest(".card");
      if (card) {
        card.hidden = true; // no project of the list has coordinates
      }
      return;
    }
    var map = window.CosoBasemap.map(el, { center: [10.78, 106.7], zoom: 10 });
    var layer = L.featureGroup();
    points.forEach(function (p) {
      var box = document.createElement("div");
      var link = document.createElement("a");
      link.href = p.url;
      link.textContent = p.code;
      var name = document.createElement("div");
      name.textContent = p.name;
      box.appendChild(link);
      box.appendChild(name);
      L.circleMarker([p.lat, p.lng], {
        radius: 7, weight: 2, color: "#ffffff", fillColor: cssColour("--tblr-primary", "#206bc4"), fillOpacity: 0.9,
      }).bindPopup(box).bindTooltip(p.code + " " + p.name).addTo(layer);
    });
    layer.addTo(map);
    if (points.length) {
      map.fitBounds(layer.getBounds().pad(0.2), { maxZoom: 15 });
    }
  }

  function start() {
    document.querySelectorAll("[data-curve-chart]").forEach(curveChart);
    document.querySelectorAll("[data-project-map]").forEach(projectMap);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
