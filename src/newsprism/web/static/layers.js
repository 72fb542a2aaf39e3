// Layer toggles and the span detail box of the article page. No inline script anywhere (the
// Content-Security-Policy forbids it); text from articles is only ever set as textContent.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  var article = document.getElementById("article");
  if (!article) {
    return;
  }
  var boxes = document.querySelectorAll("input[data-layer]");
  boxes.forEach(function (box) {
    var apply = function () {
      article.classList.toggle("show-" + box.dataset.layer, box.checked);
    };
    box.addEventListener("change", apply);
    apply();
  });
  var detail = document.getElementById("detail");
  article.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element) || !detail) {
      return;
    }
    var segment = target.closest("span[title]");
    if (segment) {
      detail.textContent = segment.getAttribute("title");
      detail.classList.remove("muted");
    }
  });
});
