// A print button for pages with [data-print]: shown only when scripts run (the page's print
// styles work from the browser's own print command too).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
});
