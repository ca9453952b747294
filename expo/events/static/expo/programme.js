/* The programme's filters: folded behind one button on phones so the sessions come first
 * (templates/pages/programme.html); unfolded where the screen is wide enough for both. */
(function () {
  "use strict";

  function unfold() {
    var wide = window.matchMedia("(min-width: 60rem)");
    if (!wide.matches) return;
    document.querySelectorAll("details[data-unfold-wide]").forEach(function (details) {
      details.open = true;
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", unfold);
  else unfold();
})();
