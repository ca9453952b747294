/* The exhibitor portal's pages (expo/exhibitors/views_portal.py): after a post, move the
 * focus to what the post answered (the error summary, a result, else the message), so a
 * screen reader reads it first; and ask before the buttons that remove something. */
(function () {
  "use strict";

  function focusAnswer() {
    var target =
      document.querySelector("[data-focus-first]") ||
      document.querySelector(".messages .message");
    if (!target) return;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus();
  }

  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", focusAnswer);
  else focusAnswer();
})();
