// The build page's small helpers: a live preview of the real PDF shortly after each
// change, and filtering the exercise list as you type. Without this script the page
// still works: its buttons post the form, and "Update preview" fills the frame.
(function () {
  "use strict";
  var form = document.querySelector("form[data-preview]");
  if (!form) return;
  var frame = document.getElementById("preview-frame");
  var status = document.getElementById("preview-status");
  var csrf = form.querySelector("input[name=csrf]").value;
  var timer = null;
  var sequence = 0;
  var shownUrl = null;
  var lastNotes = null; // warnings that came with the PDF, such as a colour's low contrast
  var DELAY = 400; // ms after the last change

  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle("error", !!isError);
  }

  function preview() {
    var mine = ++sequence;
    var data = new FormData(form);
    data.set("deliver", "preview");
    say("Updating the preview…");
    window.handoutsPost(form.dataset.preview, data, csrf)
      .then(function (response) {
        lastNotes = response.headers.get("x-handout-notes");
        return response.blob();
      })
      .then(function (blob) {
        if (mine !== sequence) return; // a newer change is on its way
        var url = URL.createObjectURL(blob);
        frame.src = url + "#navpanes=0&view=FitH";
        if (shownUrl) URL.revokeObjectURL(shownUrl);
        shownUrl = url;
        var time = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
        var notes = decodeURIComponent(lastNotes || "");
        say("Preview up to date (" + time + ")." + (notes ? "\n" + notes : ""), !!notes);
        form.dataset.previewed = String(mine);
      })
      .catch(function (error) {
        if (mine !== sequence) return;
        say(error.message || "The preview could not be made.", true);
      });
  }

  function changed(event) {
    var target = event.target;
    if (target.hasAttribute("data-no-preview")) return;
    clearTimeout(timer);
    timer = setTimeout(preview, DELAY);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  var button = document.getElementById("preview-button");
  if (button) {
    button.addEventListener("click", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      preview();
    });
  }

  // Filter the exercise list as you type (the "Show" button does it without the script).
  var search = document.getElementById("q");
  var tag = document.getElementById("tag");
  var count = document.getElementById("pick-count");
  var items = Array.prototype.slice.call(document.querySelectorAll("#picker .pick"));
  function filter() {
    var words = search.value.trim().toLowerCase();
    var wanted = tag.value;
    var shown = 0;
    items.forEach(function (item) {
      var ok = (!words || item.dataset.text.indexOf(words) !== -1) &&
        (!wanted || item.dataset.tags.split("|").indexOf(wanted) !== -1);
      item.hidden = !ok;
      if (ok) shown += 1;
    });
    count.textContent = shown + " of " + items.length + " exercises";
  }
  if (search && tag && count) {
    search.addEventListener("input", filter);
    tag.addEventListener("change", filter);
  }

  // Keep the place on the page after a button reloads it.
  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && !button.getAttribute("formaction")) {
      sessionStorage.setItem("handouts-scroll", String(window.scrollY));
    }
  });
  var scroll = sessionStorage.getItem("handouts-scroll");
  if (scroll !== null) {
    sessionStorage.removeItem("handouts-scroll");
    window.scrollTo(0, parseInt(scroll, 10) || 0);
  }

  preview();
})();
