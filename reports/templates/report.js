// Filters: hide the cards that do not match every select and the search box. No data is
// written into the page as markup; only the `hidden` property and a count change.
(function () {
  "use strict";
  var selects = Array.prototype.slice.call(document.querySelectorAll("select[data-filter]"));
  var search = document.getElementById("search");
  var cards = Array.prototype.slice.call(document.querySelectorAll("article.card"));
  var shown = document.getElementById("shown");
  var nothing = document.getElementById("nothing");

  function matches(card, needle) {
    for (var i = 0; i < selects.length; i++) {
      var wanted = selects[i].value;
      if (wanted && card.getAttribute("data-" + selects[i].getAttribute("data-filter")) !== wanted) {
        return false;
      }
    }
    return !needle || card.textContent.toLowerCase().indexOf(needle) !== -1;
  }

  function apply() {
    var needle = search.value.trim().toLowerCase();
    var count = 0;
    cards.forEach(function (card) {
      card.hidden = !matches(card, needle);
      if (!card.hidden) { count += 1; }
    });
    shown.textContent = String(count);
    nothing.hidden = count !== 0;
  }

  selects.forEach(function (select) { select.addEventListener("change", apply); });
  search.addEventListener("input", apply);
  apply();
}());
