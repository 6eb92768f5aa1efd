/* Draws every <canvas data-chart="ID"> from the JSON in the element #ID (Django's json_script),
   with the vendored Chart.js. No inline script, no inline style: the page's
   Content-Security-Policy allows only the project's own files. The figures are also in the page
   as text or a table, so a chart that does not draw loses nothing. */
(function () {
  "use strict";
  function colour(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof window.Chart === "undefined") { return; }
    var spec = JSON.parse(source.textContent);
    var brand = colour("--brand", "#00607a"), target = colour("--target", "#8a4b00"), line = colour("--line", "#d9e1e6");
    var sparkline = spec.kind === "sparkline";
    var palette = [brand, colour("--chart-2", "#6b3fa0"), colour("--chart-3", "#2e7d32")];
    var datasets = spec.series.map(function (s, i) {
      return {
        type: spec.kind === "bar" ? "bar" : "line",
        label: s.label,
        data: s.values,
        borderColor: palette[i % palette.length],
        backgroundColor: palette[i % palette.length],
        borderWidth: sparkline ? 2 : 2.5,
        pointRadius: sparkline ? 2 : 3,
        spanGaps: false,
        tension: 0
      };
    });
    if (spec.band && datasets.length) {
      // The band around the first series (e.g. its 95 % margin of error): the area between
      // value − margin and value + margin, drawn under the line.
      var values = spec.series[0].values, margins = spec.band.margins;
      var edge = function (sign) {
        return values.map(function (v, i) {
          var m = margins[i];
          return v === null || m === null || m === undefined ? null : v + sign * m;
        });
      };
      var shade = colour("--band", "rgba(0, 96, 122, 0.15)");
      datasets.push({ type: "line", label: "", data: edge(-1), borderWidth: 0, pointRadius: 0, fill: false, spanGaps: false, order: 2 });
      datasets.push({ type: "line", label: spec.band.label, data: edge(1), borderWidth: 0, pointRadius: 0, backgroundColor: shade, borderColor: shade, fill: "-1", spanGaps: false, order: 2 });
    }
    if (spec.target !== null && spec.target !== undefined) {
      datasets.push({
        type: "line",
        label: spec.targetLabel || "target",
        data: spec.labels.map(function () { return spec.target; }),
        borderColor: target,
        borderDash: [4, 3],
        borderWidth: 1.5,
        pointRadius: 0,
        fill: false
      });
    }
    var chart = new window.Chart(canvas, {
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        events: sparkline ? [] : ["mousemove", "mouseout", "click", "touchstart", "touchmove"],
        plugins: {
          legend: { display: !sparkline, labels: { filter: function (item) { return item.text !== ""; } } },
          tooltip: { enabled: !sparkline, filter: function (item) { return item.dataset.label !== ""; } }
        },
        scales: sparkline
          ? { x: { display: false }, y: { display: false, grace: "10%" } }
          : { x: { grid: { color: line } }, y: { grid: { color: line }, grace: "5%" } }
      }
    });
    canvas.dataset.rendered = chart ? "true" : "false";
  }

  function drawAll() {
    Array.prototype.forEach.call(document.querySelectorAll("canvas[data-chart]"), function (canvas) {
      try { draw(canvas); } catch (error) { canvas.dataset.rendered = "error"; }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
