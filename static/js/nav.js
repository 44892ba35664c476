// The main navigation (base.html): its menus are <details>, which open with a click, Enter or Space without this
// script. The script adds what <details> lacks: one menu open at a time, Escape and a click elsewhere close it, and
// on a phone the whole menu folds behind a "Menu" button.
(() => {
  const nav = document.querySelector("[data-site-nav]");
  if (!nav) return;
  const toggle = nav.querySelector(".nav-toggle");
  const groups = () => nav.querySelectorAll("details");

  const closeGroups = (except) => {
    groups().forEach((details) => {
      if (details !== except) details.open = false;
    });
  };
  const setMenuOpen = (open) => {
    nav.classList.toggle("nav-open", open);
    toggle.setAttribute("aria-expanded", String(open));
  };

  nav.classList.add("nav-js");
  toggle.hidden = false;
  toggle.addEventListener("click", () => setMenuOpen(!nav.classList.contains("nav-open")));

  groups().forEach((details) => {
    details.addEventListener("toggle", () => {
      if (details.open) closeGroups(details);
    });
  });

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const open = nav.querySelector("details[open]");
    if (open) {
      open.open = false;
      open.querySelector("summary").focus();
    } else if (nav.classList.contains("nav-open")) {
      setMenuOpen(false);
      toggle.focus();
    }
  });

  document.addEventListener("click", (event) => {
    if (!nav.contains(event.target)) closeGroups(null);
  });
})();
