// Cơ Sở: the city map (reports): the open incidents, the key projects' sites and the recent field visits as
// layers over the shared basemap (basemap.js), each clustered (leaflet.markercluster) and toggled by the
// layer control. Each layer's points come from the API (data-url-<layer>) once the page has loaded; the
// colours are Tabler's classes, as in the legend under the map.
(function () {
  "use strict";

  var LAYERS = ["incidents", "projects", "visits"];

  function escapeText(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span.innerHTML;
  }

  function pinClass(layer, point) {
    if (layer === "incidents") {
      return "city-pin city-pin-incident city-severity-" + point.severity + (point.overdue ? " city-pin-overdue" : "");
    }
    if (layer === "projects") {
      return "city-pin city-pin-project city-rag-" + point.rag;
    }
    return "city-pin city-pin-visit city-visit-" + point.status;
  }

  function popup(container, layer, point) {
    var box = document.createElement("div");
    box.className = "city-popup";
    var link = document.createElement("a");
    link.href = point.url;
    link.className = "fw-bold";
    link.textContent = point.code ? point.code + " · " + point.title : point.title;
    box.appendChild(link);
    var parts = [];
    if (layer === "incidents") {
      parts = [point.place, point.status_label, point.severity_label];
    } else if (layer === "projects") {
      parts = [point.place, point.status_label, point.rag_label];
    } else {
      var day = new Date(point.starts_at).toLocaleDateString(document.documentElement.lang || "vi", {
        day: "2-digit",
        month: "2-digit",
        year: "numeric",
      });
      parts = [day, point.leader, point.place, point.status_label];
    }
    var meta = document.createElement("div");
    meta.className = "small text-secondary";
    meta.textContent = parts.filter(Boolean).join(" · ");
    box.appendChild(meta);
    var open = document.createElement("a");
    open.href = point.url;
    open.className = "small";
    open.textContent = CosoBasemap.text(container, "open");
    box.appendChild(open);
    return box;
  }

  function clusterGroup(layer) {
    return L.markerClusterGroup({
      showCoverageOnHover: false,
      maxClusterRadius: 50,
      chunkedLoading: true,
      iconCreateFunction: function (cluster) {
        var count = cluster.getChildCount();
        var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
        return L.divIcon({
          html: "<div><span>" + count + "</span></div>",
          className: "marker-cluster city-cluster city-cluster-" + layer + " city-cluster-" + size,
          iconSize: L.point(40, 40),
        });
      },
    });
  }

  function status(layer, message, tone) {
    var item = document.querySelector('[data-status-layer="' + layer + '"]');
    if (item) {
      item.textContent = message;
      item.className = "list-inline-item" + (tone ? " text-" + tone : "");
    }
  }

  function cityMap(container) {
    var map = CosoBasemap.map(container, { center: [21.03, 105.85], zoom: 11 });
    var overlays = {};
    var groups = {};
    LAYERS.forEach(function (layer) {
      groups[layer] = clusterGroup(layer).addTo(map);
      var name = container.getAttribute("data-name-" + layer) || layer;
      overlays['<span class="city-swatch city-swatch-' + layer + '"></span> ' + escapeText(name)] = groups[layer];
    });
    L.control.layers(null, overlays, { collapsed: window.innerWidth < 768 }).addTo(map);
    var lang = document.documentElement.lang || "vi";
    var loads = LAYERS.map(function (layer) {
      var name = container.getAttribute("data-name-" + layer) || layer;
      return CosoBasemap.load(container.getAttribute("data-url-" + layer))
        .then(function (data) {
          var markers = data.points.map(function (point) {
            var icon = L.divIcon({ className: pinClass(layer, point), iconSize: [16, 16] });
            return L.marker([point.lat, point.lng], { icon: icon, title: point.code ? point.code + " " + point.title : point.title })
              .bindPopup(popup(container, layer, point));
          });
          groups[layer].addLayers(markers);
          container.setAttribute("data-points-" + layer, String(markers.length));
          var message = data.truncated
            ? CosoBasemap.text(container, "truncated", { layer: name, limit: data.limit.toLocaleString(lang) })
            : CosoBasemap.text(container, "count", { layer: name, n: markers.length.toLocaleString(lang) });
          status(layer, message, data.truncated ? "warning" : "");
        })
        .catch(function () {
          container.setAttribute("data-points-" + layer, "failed");
          status(layer, CosoBasemap.text(container, "failed", { layer: name }), "danger");
        });
    });
    Promise.all(loads).then(function () {
      var bounds = L.latLngBounds([]);
      LAYERS.forEach(function (layer) {
        var b = groups[layer].getBounds();
        if (b.isValid()) {
          bounds.extend(b);
        }
      });
      if (bounds.isValid()) {
        map.fitBounds(bounds.pad(0.1), { maxZoom: 15 });
      }
      container.setAttribute("data-ready", "1");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L === "undefined" || !window.CosoBasemap || typeof L.markerClusterGroup !== "function") {
      return;
    }
    document.querySelectorAll("[data-city-map]").forEach(cityMap);
  });
})();
