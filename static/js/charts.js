/* Horgos charts: draws the hourly crossing charts of /crossings/charts/ with Chart.js 4.
 *
 * The page carries everything translated: the data URL, axis titles and the error text as data-*
 * attributes of .chart-grid, and one <canvas data-checkpoint="CN|KZ"> per checkpoint. The numbers come
 * from the JSON endpoint; the same numbers are in the HTML table under each chart, so a failure here
 * loses nothing but the picture.
 */
(function () {
  "use strict";

  // Two series that differ in more than colour: solid line with round points against dashed line with squares.
  var SERIES_STYLE = {
    today: { borderColor: "#0b5c7a", backgroundColor: "#0b5c7a", borderDash: [], pointStyle: "circle" },
    last_week: { borderColor: "#8a5a00", backgroundColor: "#8a5a00", borderDash: [6, 4], pointStyle: "rect" }
  };

  function hourLabel(hour) {
    return (hour < 10 ? "0" : "") + hour + ":00";
  }

  function draw(canvas, checkpoint, grid) {
    var language = document.documentElement.lang || undefined;
    return new window.Chart(canvas, {
      type: "line",
      data: {
        labels: checkpoint.labels.map(hourLabel),
        datasets: checkpoint.datasets.map(function (dataset) {
          var style = SERIES_STYLE[dataset.key] || SERIES_STYLE.today;
          return {
            label: dataset.label,
            data: dataset.data,
            borderColor: style.borderColor,
            backgroundColor: style.backgroundColor,
            borderDash: style.borderDash,
            pointStyle: style.pointStyle,
            pointRadius: 3,
            borderWidth: 2,
            tension: 0.2
          };
        })
      },
      options: {
        locale: language,
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        plugins: { legend: { position: "bottom", labels: { usePointStyle: true } } },
        scales: {
          x: { title: { display: true, text: grid.dataset.xTitle } },
          y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: grid.dataset.yTitle } }
        }
      }
    });
  }

  function showError(grid) {
    grid.querySelectorAll(".chart-status").forEach(function (status) {
      status.textContent = grid.dataset.error;
      status.hidden = false;
    });
  }

  function start() {
    var grid = document.querySelector(".chart-grid[data-charts-url]");
    if (!grid) {
      return;
    }
    if (typeof window.Chart === "undefined") {
      showError(grid);
      return;
    }
    fetch(grid.dataset.chartsUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (payload) {
        payload.checkpoints.forEach(function (checkpoint) {
          var canvas = grid.querySelector('canvas[data-checkpoint="' + checkpoint.code + '"]');
          if (canvas) {
            draw(canvas, checkpoint, grid);
          }
        });
      })
      .catch(function () {
        showError(grid);
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
