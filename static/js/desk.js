// The lane desk. A passport reader types the machine readable zone line by line, pressing Enter after each
// line: Enter submits only once the zone is complete (2 x 44 or 3 x 30 characters) or when the field holds a
// plain document number. After every desk action (a result, an error, an acknowledged alert) the scan field
// is emptied and has the focus again, ready for the next traveller; only the inline registration form, when
// it comes, takes the focus at its first field to fill (or to correct). The page works without this file:
// the scan and the buttons then post the whole page.
(function () {
  "use strict";

  function zoneIsIncomplete(text) {
    var lines = text.split("\n").filter(function (line) { return line.trim() !== ""; });
    if (lines.length === 0 || text.indexOf("<") === -1) { return false; }
    var width = lines[0].trim().length;
    if (width === 44) { return lines.length < 2; }
    if (width === 30) { return lines.length < 3; }
    return false;
  }

  // The registration form's first field to act on: one the server found wrong, else the first left empty.
  function registrationFocus(container) {
    var card = container.querySelector(".register-card");
    if (!card) { return null; }
    var fields = card.querySelectorAll("input:not([type=hidden]), select, textarea");
    var invalid = card.querySelector(".field-invalid input, .field-invalid select, .field-invalid textarea");
    if (invalid) { return invalid; }
    for (var i = 0; i < fields.length; i += 1) {
      if (fields[i].value === "") { return fields[i]; }
    }
    return fields[0] || null;
  }

  // The nationality follows the issuing country (the usual case) until the officer chooses one themselves.
  function followIssuingCountry(container) {
    container.querySelectorAll("select[data-fills]").forEach(function (source) {
      var target = source.form && source.form.elements[source.dataset.fills];
      if (!target || source.dataset.following) { return; }
      source.dataset.following = "yes";
      var chosen = target.value !== "" && target.value !== source.value;
      target.addEventListener("change", function () { chosen = true; });
      source.addEventListener("change", function () {
        if (chosen || !target.querySelector("option[value='" + source.value + "']")) { return; }
        target.value = source.value;
      });
    });
  }

  function setUp() {
    var main = document.querySelector(".desk-main");
    var form = document.getElementById("scan-form");
    if (!main) { return; }
    followIssuingCountry(main);
    if (!form) { return; }
    var field = form.querySelector("textarea");
    var result = document.getElementById("desk-result");

    function readyForNextScan() {
      field.value = "";
      field.focus();
    }

    // After a desk action (an alert acknowledged in the live panel included): the registration form if one
    // came, else the scan field. The live panel's own refreshes (GETs) leave the focus where it is.
    function afterAction(event) {
      var target = event.detail.target;
      var verb = event.detail.requestConfig && event.detail.requestConfig.verb;
      if (target && target.closest && target.closest("#live-panel") && verb === "get") { return; }
      followIssuingCountry(main);
      var register = registrationFocus(result);
      if (register) { register.focus(); return; }
      readyForNextScan();
    }

    function submitScan() {
      field.value = field.value.trim();
      if (field.value !== "") { form.requestSubmit(); }
    }

    field.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.shiftKey) { return; }
      if (zoneIsIncomplete(field.value)) { return; }  // let the newline in: the next line follows
      event.preventDefault();
      submitScan();
    });
    document.body.addEventListener("htmx:afterSwap", afterAction);
    // No answer at all (the network): nothing swapped, the field keeps the scan to send again.
    document.body.addEventListener("htmx:sendError", function () { field.focus(); });

    // An Enter pressed before this script ran only added a line break: send what it ended, now.
    if (/\n\s*$/.test(field.value) && !zoneIsIncomplete(field.value)) {
      submitScan();
    } else if (!registrationFocus(result)) {
      field.focus();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
