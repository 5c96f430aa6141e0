// After a form comes back with errors, take the reader to the summary of them.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();

// Idle sign-out on the page itself: a minute before the server would end the session,
// warn and offer to stay; at the limit, reload so the server signs out and no personal
// data stays on an unattended screen.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="peerwell-idle-seconds"]');
  if (!meta) { return; }
  var limit = parseInt(meta.getAttribute("content"), 10) * 1000;
  var warning = document.getElementById("idle-warning");
  var form = document.getElementById("keepalive-form");
  var warnTimer, endTimer, focusedBefore = null;

  function schedule() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warning.hidden = true;
    warnTimer = setTimeout(function () {
      focusedBefore = document.activeElement;
      warning.hidden = false;
      warning.querySelector("button").focus();
    }, Math.max(limit - 60000, 0));
    endTimer = setTimeout(function () { window.location.reload(); }, limit + 2000);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) {
        if (response.status !== 204) { window.location.reload(); return; }
        schedule();
        // Back to where the person was, not to the top of the page.
        if (focusedBefore && document.contains(focusedBefore)) { focusedBefore.focus(); }
      });
  });
  document.body.addEventListener("htmx:afterRequest", schedule);
  schedule();
})();

// A form that saves itself as the person types (htmx) and is then submitted (signing a
// note): no save after the submit, which would reach the server after the note is signed.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    if (event.target.hasAttribute("hx-post")) { event.target.dataset.submitted = "true"; }
  });
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt.dataset && event.detail.elt.dataset.submitted) { event.preventDefault(); }
  });
})();
