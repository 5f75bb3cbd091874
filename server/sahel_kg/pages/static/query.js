// Small conveniences for the query editor; the page works without them.
// Tab moves focus out of the query box, as everywhere else (WCAG 2.1.2, no keyboard trap).
// Indenting with Tab is a choice the user makes ("Tab key indents"); even then, Escape
// followed by Tab, or Shift+Tab, moves on (the WAI-ARIA authoring practices' escape).
(function () {
  "use strict";
  var area = document.getElementById("query");
  var form = document.getElementById("query-form");
  if (!area || !form) { return; }
  var toggle = document.getElementById("tab-indents");
  Array.prototype.forEach.call(form.querySelectorAll(".js-only"), function (el) { el.hidden = false; });
  var escaped = false;  // Escape was the last key: the next Tab leaves the box
  area.addEventListener("keydown", function (event) {
    var key = event.key, leave = escaped;
    if (key === "Escape") { escaped = true; return; }
    if (key !== "Shift" && key !== "Control" && key !== "Alt" && key !== "Meta") { escaped = false; }
    if (key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.submit();
    } else if (key === "Tab" && !event.shiftKey && !event.ctrlKey && !event.altKey && !event.metaKey
               && toggle && toggle.checked && !leave) {
      event.preventDefault();
      area.setRangeText("  ", area.selectionStart, area.selectionEnd, "end");
    }
  });
  area.addEventListener("blur", function () { escaped = false; });
})();
