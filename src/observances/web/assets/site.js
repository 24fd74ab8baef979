// Small helpers only: the pages work without this script (links and GET forms do the work).
// 1. Copy buttons: copy the text of data-copy (a URL) or of the element data-copy-from names.
// 2. The index's filters: narrow the table as one types, the same rules as the server.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy], [data-copy-from]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = button.getAttribute("data-copy");
      var from = button.getAttribute("data-copy-from");
      if (from) { text = document.getElementById(from).innerText; }
      var done = function () {
        var label = button.textContent;
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = label; }, 1500);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done);
      } else {
        var area = document.createElement("textarea");
        area.value = text;
        document.body.appendChild(area);
        area.select();
        document.execCommand("copy");
        document.body.removeChild(area);
        done();
      }
    });
  });
  var form = document.querySelector("form.filters");
  var table = document.getElementById("upcoming");
  if (!form || !table) { return; }
  var status = document.getElementById("filter-status");
  function apply() {
    var q = form.elements.q.value.trim().toLocaleLowerCase();
    var theme = form.elements.theme.value;
    var marked = form.elements.marked.checked;
    var shown = 0;
    table.querySelectorAll("tbody tr:not(.group)").forEach(function (row) {
      var ok = (!marked || row.dataset.marked === "1") &&
        (!theme || row.dataset.tags.split(" ").indexOf(theme) >= 0) &&
        (!q || row.dataset.name.toLocaleLowerCase().indexOf(q) >= 0);
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    status.textContent = shown + (shown === 1 ? " observance" : " observances") + " shown";
  }
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
})();
