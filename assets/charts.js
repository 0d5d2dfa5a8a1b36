/*
 * Progressive enhancement for PCN Hub charts. Each <figure data-chart="line|pyramid|bar|stacked">
 * holds a real data table (the page works without JavaScript); this draws a Chart.js chart from that
 * table above it and folds the table into its <details>, where it stays one click away.
 * Chart.js is loaded before this file as a plain script (window.Chart).
 */
(function () {
  "use strict";

  var NHS_BLUE = "#005eb8";
  var NHS_DARK_PINK = "#7c2855";
  var NHS_DARK_GREY = "#425563";
  var numberFormat = new Intl.NumberFormat("en-GB");

  if (typeof window.Chart === "undefined") {
    return;
  }
  window.Chart.defaults.font.family = "Frutiger W01, Arial, sans-serif";
  window.Chart.defaults.color = NHS_DARK_GREY;

  function readTable(table) {
    var series = [];
    var labels = [];
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells, 1).map(function (cell) {
      series.push([]);
      return cell.textContent.trim();
    });
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      var head = row.cells[0];
      labels.push(head.getAttribute("data-label") || head.textContent.trim());
      Array.prototype.slice.call(row.cells, 1).forEach(function (cell, index) {
        var raw = cell.getAttribute("data-value");
        series[index].push(raw === null || raw === "" ? null : Number(raw));
      });
    });
    return { labels: labels, headers: headers, series: series };
  }

  var LINE_COLOURS = [NHS_BLUE, NHS_DARK_PINK, NHS_DARK_GREY];

  function lineChart(data) {
    return {
      type: "line",
      data: {
        labels: data.labels,
        datasets: data.headers.map(function (header, index) {
          var colour = LINE_COLOURS[index % LINE_COLOURS.length];
          return {
            label: header,
            data: data.series[index],
            borderColor: colour,
            backgroundColor: colour,
            borderDash: index ? [6, 4] : [],
            pointRadius: data.labels.length > 40 ? 0 : 3,
            tension: 0,
          };
        }),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: data.headers.length > 1 },
          tooltip: {
            callbacks: {
              label: function (context) {
                return context.dataset.label + ": " + numberFormat.format(context.parsed.y);
              },
            },
          },
        },
        scales: {
          y: {
            beginAtZero: false,
            ticks: { callback: function (value) { return numberFormat.format(value); } },
          },
        },
      },
    };
  }

  function pyramidChart(data) {
    return {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          {
            label: data.headers[0],
            data: data.series[0].map(function (value) { return -value; }),
            backgroundColor: NHS_BLUE,
          },
          { label: data.headers[1], data: data.series[1], backgroundColor: NHS_DARK_PINK },
        ],
      },
      options: {
        indexAxis: "y",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        categoryPercentage: 1,
        barPercentage: 0.9,
        plugins: {
          tooltip: {
            callbacks: {
              label: function (context) {
                return context.dataset.label + ": " + numberFormat.format(Math.abs(context.raw));
              },
            },
          },
        },
        scales: {
          x: {
            stacked: true,
            ticks: { callback: function (value) { return numberFormat.format(Math.abs(value)); } },
          },
          // Youngest at the bottom, as population pyramids are read.
          y: { stacked: true, reverse: true, ticks: { autoSkip: true, maxTicksLimit: 20 } },
        },
      },
    };
  }

  function barChart(data, figure) {
    // data-colours: one colour a bar (e.g. the status colours), else NHS blue throughout.
    var colours = (figure.getAttribute("data-colours") || "").split(",").filter(Boolean);
    return {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          {
            label: data.headers[0],
            data: data.series[0],
            backgroundColor: colours.length ? colours : NHS_BLUE,
          },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    };
  }

  // One bar per row, its columns stacked; data-chart-colours gives each column's colour in
  // order (e.g. a rating scale's green, amber and red), else the line colours.
  function stackedChart(data, figure) {
    var given = (figure.getAttribute("data-chart-colours") || "").split(",");
    return {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.headers.map(function (header, index) {
          return {
            label: header,
            data: data.series[index],
            backgroundColor: given[index] || LINE_COLOURS[index % LINE_COLOURS.length],
          };
        }),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { stacked: true },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
        },
      },
    };
  }

  var CHARTS = { line: lineChart, pyramid: pyramidChart, bar: barChart, stacked: stackedChart };

  function draw(figure) {
    if (figure.classList.contains("pcnhub-chart--drawn")) {
      return;
    }
    var table = figure.querySelector("table");
    if (!table || !table.tHead || !table.tBodies.length || !table.tBodies[0].rows.length) {
      return;
    }
    var data = readTable(table);
    var kind = figure.getAttribute("data-chart");
    var box = document.createElement("div");
    box.className = "pcnhub-chart__canvas";
    if (kind === "pyramid") {
      box.style.height = Math.max(320, Math.min(720, data.labels.length * 7 + 80)) + "px";
    }
    var canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    canvas.setAttribute(
      "aria-label",
      (figure.getAttribute("data-chart-label") || "Chart") + ". The figures are in the table below."
    );
    box.appendChild(canvas);
    figure.insertBefore(box, figure.firstChild);
    new window.Chart(canvas, (CHARTS[kind] || lineChart)(data, figure));
    var details = figure.querySelector("details");
    if (details) {
      details.open = false;
    }
    figure.classList.add("pcnhub-chart--drawn");
  }

  Array.prototype.forEach.call(document.querySelectorAll("figure[data-chart]"), draw);
  // Content htmx swaps in (e.g. a new as-at date) brings its own tables to draw.
  document.body.addEventListener("htmx:load", function (event) {
    var elt = event.detail.elt;
    if (elt.matches && elt.matches("figure[data-chart]")) {
      draw(elt);
    } else if (elt.querySelectorAll) {
      Array.prototype.forEach.call(elt.querySelectorAll("figure[data-chart]"), draw);
    }
  });
})();
