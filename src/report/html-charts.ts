/**
 * The report's own browser script: reads the embedded data and draws, per suite, throughput over
 * time (fault windows as shaded bands) and latency percentiles per op kind (log y axis) with uPlot.
 * Plain ES2017 kept in a string so no bundler or transpiler touches it.
 */
export const CHART_SCRIPT = String.raw`(function () {
  "use strict";
  var dataEl = document.getElementById("data");
  if (!dataEl || typeof uPlot === "undefined") return;
  var data = JSON.parse(dataEl.textContent || "{}");
  var SERIES = [["sends", "#2563eb"], ["deliveries", "#16a34a"], ["settles", "#d97706"]];
  var OP_COLORS = { send: "#2563eb", receive: "#16a34a", settle: "#d97706", renew: "#9333ea", drain: "#0891b2" };
  var PCT = [["p50", "p50"], ["p90", "p90"], ["p99", "p99"], ["p999", "p99.9"], ["max", "max"]];
  var dpr = function () { return window.devicePixelRatio || 1; };
  var widthOf = function (node) { return Math.max(300, Math.min(1100, (node.parentNode && node.parentNode.clientWidth) || 800)); };
  var fmt = function (v, unit) { return v == null ? "-" : (+v.toFixed(3)).toLocaleString() + unit; };

  function faultBands(faults, xMax) {
    function span(u, f) {
      var left = u.bbox.left, right = u.bbox.left + u.bbox.width;
      var x0 = Math.max(left, u.valToPos(f.start, "x", true));
      var x1 = Math.min(right, u.valToPos(f.stop == null ? xMax : f.stop, "x", true));
      return [x0, x1];
    }
    return { hooks: {
      drawClear: [function (u) {
        var ctx = u.ctx; ctx.save(); ctx.fillStyle = "rgba(220, 38, 38, 0.13)";
        faults.forEach(function (f) { var s = span(u, f); if (s[1] >= s[0]) ctx.fillRect(s[0], u.bbox.top, Math.max(dpr(), s[1] - s[0]), u.bbox.height); });
        ctx.restore();
      }],
      draw: [function (u) {
        var ctx = u.ctx, d = dpr(); ctx.save();
        ctx.strokeStyle = "rgba(185, 28, 28, 0.75)"; ctx.lineWidth = d; ctx.setLineDash([4 * d, 3 * d]);
        ctx.fillStyle = "rgba(127, 29, 29, 0.95)"; ctx.font = Math.round(11 * d) + "px system-ui, sans-serif"; ctx.textBaseline = "top";
        faults.forEach(function (f, i) {
          var s = span(u, f);
          if (s[1] < s[0]) return;
          [f.start, f.stop].forEach(function (t) {
            if (t == null) return;
            var x = Math.round(u.valToPos(t, "x", true));
            if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
            ctx.beginPath(); ctx.moveTo(x, u.bbox.top); ctx.lineTo(x, u.bbox.top + u.bbox.height); ctx.stroke();
          });
          ctx.fillText(f.name, s[0] + 3 * d, u.bbox.top + (3 + 13 * (i % 4)) * d);
        });
        ctx.restore();
      }]
    } };
  }

  function throughputChart(node, m) {
    var tp = m.throughput || [];
    if (!tp.length) return null;
    var w = m.bucketSeconds, xMax = tp[tp.length - 1].t + w;
    var cols = [tp.map(function (p) { return p.t; }).concat([xMax])];
    SERIES.forEach(function (s) { var ys = tp.map(function (p) { return p[s[0]]; }); cols.push(ys.concat([ys[ys.length - 1]])); });
    var opts = {
      width: widthOf(node), height: 260,
      scales: { x: { time: false, range: [0, xMax] }, y: { range: function (u, min, max) { return [0, Math.max(1, max) * 1.08]; } } },
      axes: [{ label: "seconds since start" }, { label: "per " + w + " s bucket" }],
      series: [{ label: "t", value: function (u, v) { return fmt(v, " s"); } }].concat(SERIES.map(function (s) {
        return { label: s[0], stroke: s[1], width: 1.5, fill: s[1] + "18", paths: uPlot.paths.stepped({ align: 1 }) };
      })),
      plugins: [faultBands(m.faults || [], xMax)]
    };
    return new uPlot(opts, cols, node);
  }

  function latencyChart(node, m) {
    var ops = Object.keys(m.latency || {});
    if (!ops.length) return null;
    var cols = [PCT.map(function (p, i) { return i + 1; })];
    var series = [{ label: "percentile", value: function (u, v) { return v == null ? "-" : PCT[v - 1][1]; } }];
    ops.forEach(function (op) {
      var l = m.latency[op];
      cols.push(PCT.map(function (p) { return Math.max(0.001, l[p[0]]); }));
      series.push({ label: op + " (" + l.count + ")", stroke: OP_COLORS[op] || "#475569", width: 2,
        points: { show: true, size: 7 }, value: function (u, v) { return fmt(v, " ms"); } });
    });
    var opts = {
      width: widthOf(node), height: 260,
      scales: { x: { time: false, range: [0.7, PCT.length + 0.3] }, y: { distr: 3, log: 10 } },
      axes: [
        { label: "percentile", splits: function () { return PCT.map(function (p, i) { return i + 1; }); },
          values: function (u, splits) { return splits.map(function (v) { return PCT[v - 1] ? PCT[v - 1][1] : ""; }); } },
        { label: "latency, ms (log)", size: 70, values: function (u, vals) { return vals.map(function (v) { return fmt(v, ""); }); } }
      ],
      series: series
    };
    return new uPlot(opts, cols, node);
  }

  var plots = [];
  document.querySelectorAll("[data-chart]").forEach(function (node) {
    var suite = (data.suites || [])[+node.getAttribute("data-suite")];
    if (!suite || !suite.metrics) return;
    var draw = node.getAttribute("data-chart") === "throughput" ? throughputChart : latencyChart;
    try {
      var plot = draw(node, suite.metrics);
      if (plot) { plots.push([plot, node]); node.classList.add("drawn"); }
    } catch (e) { node.textContent = "chart failed: " + e; }
  });
  var pending;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(function () { plots.forEach(function (p) { p[0].setSize({ width: widthOf(p[1]), height: 260 }); }); }, 150);
  });
})();
`;
