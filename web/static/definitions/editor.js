// Definition editor (progressive enhancement; the page works without it): keep the line numbers in
// step with the text while typing, keep the textarea as tall as its text, and move the caret to the
// line an issue link names (#baris-48) instead of only scrolling there.
(function () {
  "use strict";
  var area = document.getElementById("teks-input");
  var gutter = document.getElementById("gutter");
  if (!area || !gutter) { return; }
  var issueLines = {};
  document.querySelectorAll("a[data-line]").forEach(function (a) { issueLines[a.getAttribute("data-line")] = true; });

  function lineCount() { return area.value.split("\n").length; }

  function renumber() {
    var n = lineCount(), have = gutter.children.length;
    if (n === have) { return; }
    var frag = document.createDocumentFragment();
    for (var i = have + 1; i <= n; i++) {
      var span = document.createElement("span");
      span.id = "baris-" + i;
      span.textContent = i;
      if (issueLines[i]) { span.className = "has-issue"; }
      frag.appendChild(span);
    }
    gutter.appendChild(frag);
    while (gutter.children.length > n) { gutter.removeChild(gutter.lastChild); }
    area.rows = n + 2;
  }

  function markCurrent() {
    var line = area.value.slice(0, area.selectionStart).split("\n").length;
    var old = gutter.querySelector(".current");
    if (old) { old.classList.remove("current"); }
    var now = document.getElementById("baris-" + line);
    if (now) { now.classList.add("current"); }
  }

  function goToLine(n) {
    var lines = area.value.split("\n");
    n = Math.max(1, Math.min(n, lines.length));
    var start = 0;
    for (var i = 0; i < n - 1; i++) { start += lines[i].length + 1; }
    area.focus({ preventScroll: true });
    area.setSelectionRange(start, start + lines[n - 1].length);
    var target = document.getElementById("baris-" + n);
    if (target) { target.scrollIntoView({ block: "center" }); }
    markCurrent();
  }

  // The other forms change the saved text: say so before typed changes would be left behind.
  var dirty = false;
  area.addEventListener("input", function () { dirty = true; renumber(); markCurrent(); });
  document.addEventListener("submit", function (e) {
    if (dirty && e.target !== area.form && !window.confirm(area.getAttribute("data-unsaved"))) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);
  area.form.addEventListener("submit", function () { dirty = false; });
  ["click", "keyup", "focus"].forEach(function (e) { area.addEventListener(e, markCurrent); });
  document.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest("a[data-line]") : null;
    if (!a) { return; }
    e.preventDefault();
    history.replaceState(null, "", a.getAttribute("href"));
    goToLine(parseInt(a.getAttribute("data-line"), 10));
  });
  var m = /^#baris-(\d+)$/.exec(location.hash);
  if (m) { goToLine(parseInt(m[1], 10)); }
  renumber();
})();
