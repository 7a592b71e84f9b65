// Cơ Sở: the work calendar page (FullCalendar, served from static). Its settings come from a json_script
// element named by data-source and its events from the calendar API: the page has no inline script.
(function () {
  "use strict";

  function start() {
    var el = document.querySelector("[data-fieldwork-calendar]");
    if (!el || typeof FullCalendar === "undefined") {
      return;
    }
    var config = JSON.parse(document.getElementById(el.getAttribute("data-source")).textContent);
    var narrow = window.matchMedia("(max-width: 575.98px)");

    function events(info, success, failure) {
      var params = new URLSearchParams({ from: info.startStr.slice(0, 10), to: dayBefore(info.end) });
      if (config.leader) {
        params.set("leader", config.leader);
      }
      fetch(config.events + "?" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(response.status);
          }
          return response.json();
        })
        .then(function (rows) {
          success(rows.map(function (row) {
            var classes = ["fw-kind-" + row.kind];
            if (row.overlaps) {
              classes.push("fw-overlap-event");
            }
            var title = row.title;
            if (!config.leader) {
              title = row.leader.name + ": " + title;
            }
            if (row.chaired) {
              title += " (" + config.labels.chaired + ")";
            }
            if (row.overlaps) {
              title = "⚠ " + title;
            }
            return {
              id: row.entry_id + "-" + row.start,
              title: title,
              start: wallClock(row.start),
              end: wallClock(row.end),
              allDay: row.all_day,
              url: row.url,
              classNames: classes,
              extendedProps: { place: row.place, overlaps: row.overlaps },
            };
          }));
        })
        .catch(failure);
    }

    // The API gives local times of the organisation (+07:00); the calendar shows them as written, on the
    // organisation's clock, whatever the device's time zone.
    function wallClock(moment) {
      return moment.slice(0, 19);
    }

    function dayBefore(end) {
      var d = new Date(end.getTime() - 1);
      return d.getUTCFullYear() + "-" + String(d.getUTCMonth() + 1).padStart(2, "0") + "-" + String(d.getUTCDate()).padStart(2, "0");
    }

    var calendar = new FullCalendar.Calendar(el, {
      locale: config.locale === "en" ? "en-gb" : "vi",
      timeZone: "UTC",
      now: config.now,
      // Every leader at once is read as a list; one leader's week as a grid (a list on a phone).
      initialView: narrow.matches || !config.leader ? "listWeek" : "timeGridWeek",
      headerToolbar: narrow.matches
        ? { left: "prev,next today", center: "", right: "listWeek,dayGridMonth" }
        : { left: "prev,next today", center: "title", right: "timeGridWeek,dayGridMonth,listWeek" },
      firstDay: 1,
      nowIndicator: true,
      slotMinTime: "06:00:00",
      slotMaxTime: "22:00:00",
      scrollTime: "07:30:00",
      height: "auto",
      expandRows: true,
      dayMaxEvents: true,
      eventTimeFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
      slotLabelFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
      events: events,
      eventDidMount: function (info) {
        var parts = [info.event.title];
        if (info.event.extendedProps.place) {
          parts.push(info.event.extendedProps.place);
        }
        if (info.event.extendedProps.overlaps) {
          parts.push(config.labels.overlap);
        }
        info.el.setAttribute("title", parts.join(" · "));
      },
      windowResize: function () {
        var wanted = narrow.matches ? "listWeek" : "timeGridWeek";
        if (narrow.matches && calendar.view.type === "timeGridWeek") {
          calendar.changeView(wanted);
        }
      },
    });
    calendar.render();
    el.setAttribute("data-drawn", "1");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
