// The lane desk's scan field. A passport reader types the machine readable zone line by line,
// pressing Enter after each line: Enter submits only once the zone is complete (2 x 44 or 3 x 30
// characters) or when the field holds a plain document number. After each result the field is
// emptied and focused again, ready for the next traveller.
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

  function setUp() {
    var form = document.getElementById("scan-form");
    if (!form) { return; }
    var field = form.querySelector("textarea");
    field.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.shiftKey) { return; }
      if (zoneIsIncomplete(field.value)) { return; }  // let the newline in: the next line follows
      event.preventDefault();
      if (field.value.trim() !== "") { form.requestSubmit(); }
    });
    // After a result: the registration form, when one came, takes the focus at its first empty field;
    // otherwise the scan field is emptied for the next traveller.
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target.id !== "desk-result") { return; }
      var empty = event.detail.target.querySelector(".register-card input:not([type=hidden]):placeholder-shown, " +
        ".register-card input:not([type=hidden])[value=''], .register-card input:not([type=hidden]):not([value])");
      if (empty) { empty.focus(); return; }
      field.value = "";
      field.focus();
    });
    field.focus();
  }

  document.addEventListener("DOMContentLoaded", setUp);
})();
