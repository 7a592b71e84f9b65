// Cơ Sở: the basemap every map draws under its points, and the helpers the maps share (Leaflet).
// The map element says which basemap to draw (core.basemap, {% basemap_attrs %}):
//   data-basemap="pmtiles" data-basemap-url="/basemap/basemap.pmtiles": the office's PMTiles archive, served
//     by the application itself and drawn in the browser by protomaps-leaflet (vector tiles);
//   data-basemap="tiles" data-basemap-url="https://…/{z}/{x}/{y}.png": a tile server of the office's network;
//   data-basemap="": nothing, the points on a plain background (and the page says how to add a basemap).
// Nothing is loaded from the web.
(function () {
  "use strict";

  var VIETNAM = [16.0, 106.0];

  function text(el, name, values) {
    var template = el.getAttribute("data-text-" + name) || "";
    Object.keys(values || {}).forEach(function (key) {
      template = template.split("{" + key + "}").join(values[key]);
    });
    return template;
  }

  // Colours come from a legend (Tabler's classes), so the page, the badges and the points agree.
  function legendColours(attribute, property) {
    var colours = {};
    document.querySelectorAll("[" + attribute + "]").forEach(function (el) {
      colours[el.getAttribute(attribute)] = window.getComputedStyle(el)[property];
    });
    return colours;
  }

  function load(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(
      function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      }
    );
  }

  // The archive's own zoom range: beyond its deepest level the last tiles are drawn larger.
  function fitArchiveZooms(layer) {
    if (!layer.views || typeof layer.views.forEach !== "function") {
      return;
    }
    layer.views.forEach(function (view) {
      var source = view.tileCache && view.tileCache.source;
      if (source && source.p && typeof source.p.getHeader === "function") {
        source.p
          .getHeader()
          .then(function (header) {
            if (typeof header.maxZoom === "number" && header.maxZoom < view.maxDataLevel) {
              view.maxDataLevel = header.maxZoom;
              layer.redraw();
            }
          })
          .catch(function () {});
      }
    });
  }

  function basemapLayer(container) {
    var kind = container.getAttribute("data-basemap") || "";
    var url = container.getAttribute("data-basemap-url") || "";
    if (kind === "pmtiles" && url && window.protomapsL) {
      var absolute = new URL(url, window.location.href).href;
      var layer = window.protomapsL.leafletLayer({
        url: absolute,
        flavor: "light",
        lang: document.documentElement.lang || "vi",
      });
      fitArchiveZooms(layer);
      return layer;
    }
    if (kind === "tiles" && url) {
      return L.tileLayer(url, { maxZoom: 19 });
    }
    return null;
  }

  // A Leaflet map in `container`, over the configured basemap or a plain background, set on Vietnam
  // (or on `options.center` at `options.zoom`) until the caller fits it to its points.
  function createMap(container, options) {
    options = options || {};
    var layer = basemapLayer(container);
    var map = L.map(container, { attributionControl: Boolean(layer), zoomSnap: 0.5, maxZoom: 19 });
    if (layer) {
      layer.addTo(map);
      container.classList.add("map-basemap");
    } else {
      container.classList.add("map-plain");
    }
    container.setAttribute("data-basemap-drawn", layer ? container.getAttribute("data-basemap") : "none");
    map.setView(options.center || VIETNAM, options.zoom || 5);
    return map;
  }

  window.CosoBasemap = { map: createMap, text: text, legendColours: legendColours, load: load };
})();
