/* Provider index filter: hides providers whose name does not match what is typed.
   Without JavaScript the full A-Z list stays usable, so the filter box stays hidden. */
(function () {
  "use strict";

  function normalise(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  function setUpFilter(box) {
    var input = box.querySelector("input");
    var status = box.querySelector("[role=status]");
    var index = document.querySelector("[data-kp-index]");
    var empty = document.querySelector("[data-kp-empty]");
    if (!input || !index) {
      return;
    }
    var groups = Array.prototype.map.call(index.querySelectorAll("section"), function (section) {
      return {
        section: section,
        items: Array.prototype.map.call(section.querySelectorAll("li"), function (item) {
          return { item: item, name: normalise(item.textContent) };
        })
      };
    });
    var total = groups.reduce(function (sum, group) { return sum + group.items.length; }, 0);
    var timer = null;

    function apply() {
      var query = normalise(input.value);
      var shown = 0;
      groups.forEach(function (group) {
        var visible = 0;
        group.items.forEach(function (entry) {
          var match = query === "" || entry.name.indexOf(query) !== -1;
          entry.item.hidden = !match;
          if (match) {
            visible += 1;
          }
        });
        group.section.hidden = visible === 0;
        shown += visible;
      });
      if (empty) {
        empty.hidden = shown !== 0;
      }
      status.textContent = query === ""
        ? total + " zorgaanbieders"
        : shown + " van " + total + " zorgaanbieders gevonden";
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(apply, 120);
    });
    box.hidden = false;
    var fromUrl = new URLSearchParams(window.location.search).get("zoek");
    if (fromUrl) {
      input.value = fromUrl;
      apply();
    }
  }

  document.querySelectorAll("[data-kp-filter]").forEach(setUpFilter);
})();
