// Selects that search the server as the user types (core.forms.RemoteSelect): tom-select, fed by a scoped,
// paginated API list that folds diacritics ("hoan kiem" finds "Hoàn Kiếm"). The page renders only the chosen
// records as options; the posted values are the records' ids, exactly as with a plain select.
(function () {
  "use strict";
  var PAGE_SIZE = 20;

  function text(tag, className, value, escape) {
    return "<" + tag + ' class="' + className + '">' + escape(value || "") + "</" + tag + ">";
  }

  function setUp(select) {
    if (select.tomselect || typeof window.TomSelect === "undefined") { return; }
    var data = select.dataset;
    var url = data.remoteSelect;
    var label = data.remoteLabel || "name";
    var detail = data.remoteDetail || "";
    var separator = url.indexOf("?") === -1 ? "?" : "&";
    var asked = 0; // the latest request: an answer to an older one (a slow preload) never replaces it
    new window.TomSelect(select, {
      valueField: "id",
      labelField: label,
      searchField: [],
      plugins: select.multiple ? ["remove_button"] : [],
      placeholder: data.remotePlaceholder,
      maxOptions: PAGE_SIZE,
      preload: "focus",
      loadThrottle: 250,
      highlight: false, // the server matched parts of words ("an" in "dân"): marking them is noise
      // The server has already searched (without diacritics): show what it answered, in its order.
      score: function () { return function () { return 1; }; },
      load: function (query, callback) {
        var self = this;
        var mine = ++asked;
        var address = url + separator + "page_size=" + PAGE_SIZE + "&q=" + encodeURIComponent(query);
        fetch(address, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) {
            if (!response.ok) { throw new Error(String(response.status)); }
            return response.json();
          })
          .then(function (answer) {
            if (mine !== asked) { callback(); return; }
            self.clearOptions();
            callback(answer.items || []);
          })
          .catch(function () { callback(); });
      },
      render: {
        option: function (item, escape) {
          var extra = detail && item[detail] ? text("div", "small text-secondary", item[detail], escape) : "";
          return "<div>" + text("div", "", item[label], escape) + extra + "</div>";
        },
        item: function (item, escape) { return text("div", "", item[label], escape); },
        no_results: function (_data, escape) { return text("div", "no-results", data.remoteEmpty, escape); },
        loading: function (_data, escape) { return text("div", "no-results", data.remoteLoading, escape); },
      },
    });
  }

  function setUpAll(root) {
    (root || document).querySelectorAll("select[data-remote-select]").forEach(setUp);
  }

  document.addEventListener("DOMContentLoaded", function () { setUpAll(document); });
  document.addEventListener("htmx:afterSettle", function (event) { setUpAll(event.target); });
})();
