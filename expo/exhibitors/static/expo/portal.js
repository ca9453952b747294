/* The exhibitor portal's pages (expo/exhibitors/views_portal.py): ask before the buttons
 * that remove something. The focus after a post is expo/core/static/expo/focus.js's. */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();
