/* mhkg explorer, a query's page: click a column's heading to sort the answer by it (again to
   reverse). Numbers sort as numbers, the rest as words; blanks go last. Text only. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("table.result"), function (table) {
      var heads = table.querySelectorAll("thead th");
      var body = table.tBodies[0];
      Array.prototype.forEach.call(heads, function (th, column) {
        var button = th.querySelector("button.sort");
        if (!button) { return; }
        button.addEventListener("click", function () {
          var up = th.getAttribute("aria-sort") !== "ascending";
          Array.prototype.forEach.call(heads, function (h) { h.setAttribute("aria-sort", "none"); });
          th.setAttribute("aria-sort", up ? "ascending" : "descending");
          var rows = Array.prototype.slice.call(body.rows);
          var key = function (row) { return row.cells[column].textContent.trim(); };
          rows.sort(function (a, b) {
            var x = key(a), y = key(b);
            if (!x || !y) { return x ? -1 : y ? 1 : 0; }  // blanks last, either way
            var nx = Number(x.replace(/[£,]/g, "")), ny = Number(y.replace(/[£,]/g, ""));
            var order = isFinite(nx) && isFinite(ny) ? nx - ny
              : x.localeCompare(y, "en-GB", { numeric: true });
            return up ? order : -order;
          });
          rows.forEach(function (row) { body.appendChild(row); });
        });
      });
    });
  });
}());
