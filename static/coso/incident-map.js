// Cơ Sở: the incident map and the location picker of the intake form (Leaflet, served from static), over
// the shared basemap (basemap.js): with none configured, the points are drawn on a plain background.
(function () {
  "use strict";

  var RADIUS = { urgent: 9, complex: 7, normal: 6 };

  var text = window.CosoBasemap.text;
  var legendColours = window.CosoBasemap.legendColours;
  var loadPoints = window.CosoBasemap.load;

  function popup(point) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = point.url;
    link.textContent = point.code;
    var title = document.createElement("div");
    title.className = "fw-bold";
    title.textContent = point.title;
    var meta = document.createElement("div");
    meta.className = "small text-secondary";
    meta.textContent = [point.place, point.status_label, point.severity_label].filter(Boolean).join(" · ");
    box.appendChild(link);
    box.appendChild(title);
    box.appendChild(meta);
    return box;
  }

  function incidentMap(container) {
    var map = window.CosoBasemap.map(container);
    var counter = document.querySelector("[data-map-count]");
    var fills = legendColours("data-legend-status", "backgroundColor");
    var rings = legendColours("data-legend-severity", "borderTopColor");
    loadPoints(container.getAttribute("data-url"))
      .then(function (data) {
        var layer = L.featureGroup();
        data.points.forEach(function (point) {
          L.circleMarker([point.lat, point.lng], {
            radius: RADIUS[point.severity] || 6,
            color: rings[point.severity] || "#ffffff",
            weight: point.severity === "normal" ? 1.5 : 3,
            fillColor: fills[point.status] || "#6c7a91",
            fillOpacity: 0.9,
            dashArray: point.overdue ? "3 2" : null,
          })
            .bindPopup(popup(point))
            .bindTooltip(point.code + " " + point.title)
            .addTo(layer);
        });
        layer.addTo(map);
        if (data.points.length) {
          map.fitBounds(layer.getBounds().pad(0.15), { maxZoom: 16 });
        }
        container.setAttribute("data-points", String(data.points.length));
        if (counter) {
          var message = data.points.length
            ? text(container, "count", { n: data.points.length.toLocaleString(document.documentElement.lang) })
            : text(container, "empty");
          if (data.capped) {
            message += " (" + text(container, "capped", { limit: data.limit.toLocaleString(document.documentElement.lang) }) + ")";
          }
          counter.textContent = message;
        }
      })
      .catch(function () {
        if (counter) {
          counter.textContent = text(container, "failed");
        }
      });
  }

  function locationPicker(picker) {
    var form = picker.closest("form");
    var latitude = form.querySelector("[name=latitude]");
    var longitude = form.querySelector("[name=longitude]");
    var status = picker.querySelector("[data-picked]");
    var clear = picker.querySelector("[data-clear]");
    var locate = picker.querySelector("[data-locate]");
    picker.classList.remove("d-none");
    var map = window.CosoBasemap.map(picker.querySelector("[data-map]"));
    var marker = null;

    function show() {
      var has = latitude.value !== "" && longitude.value !== "";
      status.textContent = has
        ? text(picker, "picked", { lat: latitude.value, lng: longitude.value })
        : text(picker, "none");
      clear.hidden = !has;
      if (!has && marker) {
        map.removeLayer(marker);
        marker = null;
      }
      if (has) {
        var at = [parseFloat(latitude.value), parseFloat(longitude.value)];
        if (marker) {
          marker.setLatLng(at);
        } else {
          marker = L.circleMarker(at, { radius: 9, color: "#d63939", weight: 3, fillColor: "#d63939", fillOpacity: 0.5 }).addTo(map);
        }
      }
    }

    function pick(lat, lng) {
      latitude.value = lat.toFixed(6);
      longitude.value = lng.toFixed(6);
      show();
    }

    map.on("click", function (event) {
      pick(event.latlng.lat, event.latlng.lng);
    });
    clear.addEventListener("click", function () {
      latitude.value = "";
      longitude.value = "";
      show();
    });
    if (navigator.geolocation && window.isSecureContext) {
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(
          function (position) {
            pick(position.coords.latitude, position.coords.longitude);
            map.setView([position.coords.latitude, position.coords.longitude], 16);
          },
          function () {
            status.textContent = text(picker, "unlocated");
          },
          { enableHighAccuracy: true, timeout: 15000 }
        );
      });
    } else {
      locate.hidden = true;
    }
    show();
    if (marker) {
      map.setView(marker.getLatLng(), 15);
    }
    // The open incidents the reporter can see, as grey reference dots (the only landmarks without tiles).
    var url = picker.getAttribute("data-points-url");
    if (url) {
      loadPoints(url)
        .then(function (data) {
          var layer = L.featureGroup();
          data.points.forEach(function (point) {
            L.circleMarker([point.lat, point.lng], {
              radius: 4,
              color: "#6c7a91",
              weight: 1,
              fillColor: "#6c7a91",
              fillOpacity: 0.5,
              interactive: true,
            })
              .bindTooltip(point.code + " " + point.title)
              .addTo(layer);
          });
          layer.addTo(map);
          if (!marker && data.points.length) {
            map.fitBounds(layer.getBounds().pad(0.15), { maxZoom: 15 });
          }
        })
        .catch(function () {});
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L === "undefined" || !window.CosoBasemap) {
      return;
    }
    document.querySelectorAll("[data-incident-map]").forEach(incidentMap);
    document.querySelectorAll("[data-location-picker]").forEach(locationPicker);
  });
})();
