// The moderation page: a box that chooses (or unchooses) every listing on the page for the bulk form. Without this
// script the box stays hidden and each listing is chosen on its own.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-pick-all]").forEach((all) => {
    const boxes = () => document.querySelectorAll(`input[type="checkbox"][form="${all.dataset.pickAll}"]`);
    all.closest("label").hidden = false;
    all.addEventListener("change", () => {
      boxes().forEach((box) => {
        box.checked = all.checked;
      });
    });
    document.addEventListener("change", (event) => {
      if (event.target.matches(`input[form="${all.dataset.pickAll}"]`)) {
        all.checked = [...boxes()].every((box) => box.checked);
      }
    });
  });
});
