/* Carnet — sortable and filterable tables, no dependency, no network. */
(function () {
  "use strict";
  function cellKey(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    var key = cell.getAttribute("data-sort");
    return key !== null ? key : cell.textContent.trim().toLowerCase();
  }
  function compare(a, b) {
    var x = parseFloat(a), y = parseFloat(b);
    if (a !== "" && b !== "" && !isNaN(x) && !isNaN(y) && String(x) !== "NaN") return x - y;
    return a.localeCompare(b, "fr");
  }
  function sortBy(table, index, descending) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (r1, r2) {
      var result = compare(cellKey(r1, index), cellKey(r2, index));
      return descending ? -result : result;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      if (i === index) th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
    });
  }
  function setup() {
    document.querySelectorAll("table.carnet-sortable").forEach(function (table) {
      if (!table.tHead || !table.tBodies.length || table.dataset.ready) return;
      table.dataset.ready = "1";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
        th.addEventListener("click", function () {
          sortBy(table, index, th.getAttribute("aria-sort") === "ascending");
        });
      });
      if (table.dataset.sortDefault) {
        sortBy(table, parseInt(table.dataset.sortDefault, 10), table.dataset.sortOrder === "desc");
      }
    });
    document.querySelectorAll("input.carnet-filter").forEach(function (input) {
      var table = input.parentElement.querySelector("table");
      if (!table || input.dataset.ready) return;
      input.dataset.ready = "1";
      var list = input.parentElement;
      var interest = list.querySelector("select.carnet-interest-filter");
      var choices = list.querySelectorAll("select.carnet-choice");
      function apply() {
        // the text, the interest centre and each choice field (settings.custom_fields) at once
        var needle = input.value.trim().toLowerCase();
        var wanted = interest ? interest.value : "";
        var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
        var chosen = Array.prototype.map.call(choices, function (select) {
          var index = heads.findIndex(function (th) { return th.dataset.choice === select.dataset.choice; });
          return [index, select.value];
        });
        Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
          var shown = needle === "" || row.textContent.toLowerCase().indexOf(needle) !== -1;
          var centres = (row.getAttribute("data-interests") || "").split("|");
          if (wanted !== "" && centres.indexOf(wanted) === -1) shown = false;
          chosen.forEach(function (pair) {
            var cell = row.cells[pair[0]];
            if (pair[1] !== "" && (!cell || cell.textContent.trim() !== pair[1])) shown = false;
          });
          row.hidden = !shown;
        });
      }
      input.addEventListener("input", apply);
      if (interest) interest.addEventListener("change", apply);
      choices.forEach(function (select) { select.addEventListener("change", apply); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
