/* Every page's answer to a form post or redirect: move the focus to what the post
 * answered (an error summary or a result marked data-focus-first, else the first message),
 * so keyboard and screen-reader users start there instead of at the top of the page. */
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

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", focusAnswer);
  else focusAnswer();
})();
