// Small conveniences for the query editor; the page works without them.
(function () {
  "use strict";
  var area = document.getElementById("query");
  var form = document.getElementById("query-form");
  if (!area || !form) { return; }
  area.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.submit();
    } else if (event.key === "Tab" && !event.shiftKey) {
      event.preventDefault();
      var start = area.selectionStart;
      area.setRangeText("  ", start, area.selectionEnd, "end");
    }
  });
})();
