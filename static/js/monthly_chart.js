/* Horgos: this year against the year before, by month (the statistics and public traffic pages), with Chart.js 4.
 * The numbers come from the page (a json_script element "monthly-data"); the same numbers are in the table beside
 * the chart, so a failure here loses nothing but the picture. */
(function () {
  "use strict";
  function draw() {
    var canvas = document.getElementById("monthly-chart");
    var source = document.getElementById("monthly-data");
    if (!canvas || !source || !window.Chart) return;
    var data = JSON.parse(source.textContent);
    var box = canvas.closest("[data-this-year]");
    var language = document.documentElement.lang || undefined;
    var months = data.months.map(function (month) {
      return new Date(2000, month - 1, 1).toLocaleString(language, { month: "short" });
    });
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: months,
        datasets: [
          { label: box.dataset.lastYear, data: data.last_year, backgroundColor: "#c9a35b", borderColor: "#8a5a00", borderWidth: 1 },
          { label: box.dataset.thisYear, data: data.this_year, backgroundColor: "#0b5c7a", borderColor: "#0b5c7a", borderWidth: 1 }
        ]
      },
      options: { responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true } } }
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
