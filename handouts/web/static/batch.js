// The batch page's one helper: rows edited in the table are checked again shortly after
// each change, so each row's ✓ or reason, and the "Build N handouts" button, say what a
// build would do now. Without this script, "Check again" does the same.
(function () {
  "use strict";
  var table = document.getElementById("roster-table");
  if (!table) return;
  var form = table.closest("form");
  var button = document.getElementById("build-button");
  var summary = document.getElementById("rows-summary");
  var csrf = form.querySelector("input[name=csrf]").value;
  var timer = null;
  var sequence = 0;
  var DELAY = 400; // ms after the last change

  function mark(cell, row, withEmail) {
    cell.textContent = "";
    var span = document.createElement("span");
    if (row.reason) {
      span.className = "bad";
      span.textContent = "✗ " + row.reason;
      cell.appendChild(span);
      return;
    }
    span.className = "ok";
    span.setAttribute("aria-label", "ready");
    span.textContent = "✓";
    cell.appendChild(span);
    if (withEmail && row.email) {
      var hint = document.createElement("span");
      hint.className = "hint";
      hint.textContent = "e-mail: " + row.email;
      cell.appendChild(document.createElement("br"));
      cell.appendChild(hint);
    }
  }

  function check() {
    var mine = ++sequence;
    var data = new FormData(form);
    data.delete("roster"); // the rows as edited, not a file chosen again
    summary.textContent = "Checking the rows…";
    window.handoutsPost(table.dataset.check, data, csrf)
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (mine !== sequence) return; // a newer change is on its way
        var withEmail = !!form.querySelector("input[name=email]:checked");
        state.rows.forEach(function (row, index) {
          var cell = document.getElementById("r" + index + "-status");
          if (cell) mark(cell, row, withEmail);
        });
        summary.textContent = state.summary;
        button.textContent = state.build;
        button.disabled = state.ready === 0;
      })
      .catch(function (error) {
        if (mine !== sequence) return;
        summary.textContent = error.message || "The rows could not be checked.";
        button.disabled = false; // the build checks every row itself
      });
  }

  function changed() {
    clearTimeout(timer);
    timer = setTimeout(check, DELAY);
  }

  table.addEventListener("input", changed);
  var dates = document.getElementById("dates");
  if (dates) dates.addEventListener("change", changed);
})();
