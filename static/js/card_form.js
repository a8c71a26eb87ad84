/*
 * 巡回連絡カードの入力画面: 「世帯員を追加」「車両を追加」 add a row without reloading.
 *
 * Each formset is a <fieldset data-formset="prefix"> holding Django's management form, the
 * rows in [data-formset-rows], the empty form in <template data-formset-template> (with
 * __prefix__ where the row number goes) and the add button [data-formset-add]. A new row is
 * the template with the next number, and TOTAL_FORMS counts it. No inline script or style:
 * the Content Security Policy forbids them; this file is loaded with defer.
 */
(function () {
  "use strict";

  function setUp(box) {
    var prefix = box.getAttribute("data-formset");
    var total = box.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var max = box.querySelector('input[name="' + prefix + '-MAX_NUM_FORMS"]');
    var rows = box.querySelector("[data-formset-rows]");
    var template = box.querySelector("template[data-formset-template]");
    var button = box.querySelector("[data-formset-add]");
    if (!total || !rows || !template || !button) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10) || 0;
      if (max && index >= parseInt(max.value, 10)) {
        button.disabled = true;
        return;
      }
      rows.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, String(index)));
      total.value = String(index + 1);
      var row = rows.lastElementChild;
      var first = row && row.querySelector("input:not([type=hidden]), select, textarea");
      if (first) {
        first.focus();
      }
    });
  }

  function start() {
    var boxes = document.querySelectorAll("[data-formset]");
    for (var i = 0; i < boxes.length; i += 1) {
      setUp(boxes[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
