// A button marked data-print prints the page (the receipt); print styles hide what is not the receipt.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
