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
      input.addEventListener("input", function () {
        var needle = input.value.trim().toLowerCase();
        Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
          row.hidden = needle !== "" && row.textContent.toLowerCase().indexOf(needle) === -1;
        });
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
/* Lists: a filter per choice field of settings.custom_fields (select.carnet-choice), which
   keeps the text filter's answer (it runs after it) and narrows it to the chosen value. */
(function () {
  "use strict";
  function apply(list, table) {
    var input = list.querySelector("input.carnet-filter");
    var needle = input ? input.value.trim().toLowerCase() : "";
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var wanted = Array.prototype.map.call(list.querySelectorAll("select.carnet-choice"), function (select) {
      var index = heads.findIndex(function (th) { return th.dataset.choice === select.dataset.choice; });
      return [index, select.value];
    });
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      var shown = needle === "" || row.textContent.toLowerCase().indexOf(needle) !== -1;
      wanted.forEach(function (pair) {
        var cell = row.cells[pair[0]];
        if (pair[1] !== "" && (!cell || cell.textContent.trim() !== pair[1])) shown = false;
      });
      row.hidden = !shown;
    });
  }
  function setup() {
    document.querySelectorAll("div.carnet-list").forEach(function (list) {
      var table = list.querySelector("table");
      var selects = list.querySelectorAll("select.carnet-choice");
      if (!table || !selects.length || list.dataset.choiceReady) return;
      list.dataset.choiceReady = "1";
      var run = function () { apply(list, table); };
      selects.forEach(function (select) { select.addEventListener("change", run); });
      var input = list.querySelector("input.carnet-filter");
      if (input) input.addEventListener("input", run);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
