/*
 * 巡回連絡の記録画面: 「終了時刻を今にする」 sets the end time to the tablet's clock, for a
 * form opened at the door and sent after the talk. The button is hidden without script
 * (the time typed by hand works the same). No inline script: the Content Security Policy
 * forbids it; this file is loaded with defer.
 */
(function () {
  "use strict";

  function two(n) {
    return (n < 10 ? "0" : "") + String(n);
  }

  function start() {
    var buttons = document.querySelectorAll("[data-now-for]");
    for (var i = 0; i < buttons.length; i += 1) {
      (function (button) {
        var input = document.getElementById(button.getAttribute("data-now-for"));
        if (!input) {
          return;
        }
        button.hidden = false;
        button.addEventListener("click", function () {
          var now = new Date();
          input.value = two(now.getHours()) + ":" + two(now.getMinutes());
          input.focus();
        });
      })(buttons[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
