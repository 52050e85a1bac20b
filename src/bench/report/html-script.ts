/**
 * report.html's browser script (plain ES2017 in a string, no bundler): reads the embedded run
 * and draws with uPlot the send-mode matrix (msgs/s bars, publish p99 points on a log axis),
 * latency percentile curves (x = log10(100 / (100 − p)), log y, as HdrHistogram plots) and
 * throughput over time (fault windows as shaded bands).
 */
export const BENCH_CHART_SCRIPT = String.raw`(function () {
  "use strict";
  var el = document.getElementById("bench-data");
  if (!el || typeof uPlot === "undefined") return;
  var run = JSON.parse(el.textContent || "{}");
  var cells = run.cells || [];
  var MODES = [["sequential", "#2563eb"], ["pipelined", "#16a34a"], ["batched", "#d97706"], ["fire-and-forget", "#9ca3af"]];
  var COLOR = {}; MODES.forEach(function (m) { COLOR[m[0]] = m[1]; });
  var widthOf = function (node) { return Math.max(320, Math.min(1100, (node.parentNode && node.parentNode.clientWidth) || 900)); };
  var fmt = function (v, unit) { return v == null ? "-" : (+(+v).toPrecision(4)).toLocaleString() + unit; };
  var label = function (c) { return c.mode === "fire-and-forget" ? "f&f " + c.size + "B" : c.mode.slice(0, 4) + (c.mode === "sequential" ? "" : " N=" + c.n) + " " + c.size + "B"; };

  function matrixChart(node) {
    if (!cells.length) return null;
    var xs = cells.map(function (c, i) { return i; });
    var cols = [xs];
    var series = [{ label: "cell", value: function (u, v) { return v == null || !cells[v] ? "-" : cells[v].id; } }];
    MODES.forEach(function (m) {
      cols.push(cells.map(function (c) { return c.mode === m[0] ? c.achievedRate : null; }));
      series.push({ label: m[0] + (m[0] === "fire-and-forget" ? " (anti-pattern)" : "") + " msgs/s", stroke: m[1], fill: m[1] + "99", width: 1,
        paths: uPlot.paths.bars({ size: [0.7, 60] }), points: { show: false }, scale: "rate", value: function (u, v) { return fmt(v, " msgs/s"); } });
    });
    cols.push(cells.map(function (c) { return c.publish.count ? Math.max(0.001, c.publish.p99 / 1000) : null; }));
    series.push({ label: "publish p99", stroke: "#dc2626", width: 0, scale: "ms", points: { show: true, size: 8, fill: "#dc2626" }, value: function (u, v) { return fmt(v, " ms"); } });
    return new uPlot({
      width: widthOf(node), height: 340,
      scales: { x: { time: false, range: [-0.6, cells.length - 0.4] }, rate: { range: function (u, min, max) { return [0, Math.max(1, max) * 1.1]; } }, ms: { distr: 3, log: 10 } },
      axes: [
        { splits: function () { return xs; }, values: function (u, splits) { return splits.map(function (v) { return cells[v] ? label(cells[v]) : ""; }); }, rotate: -40, size: 90, gap: 4 },
        { scale: "rate", label: "msgs/s", size: 80, values: function (u, vals) { return vals.map(function (v) { return fmt(v, ""); }); } },
        { scale: "ms", side: 1, label: "publish p99, ms (log)", size: 70, grid: { show: false }, values: function (u, vals) { return vals.map(function (v) { return fmt(v, ""); }); } }
      ],
      series: series
    }, cols, node);
  }

  function latencyChart(node, key) {
    var withData = cells.filter(function (c) { return c[key] && c[key].count > 0 && c[key].curve.length; });
    if (!withData.length) return null;
    var ps = withData[0][key].curve.map(function (pt) { return pt[0]; }).filter(function (p) { return p < 100; });
    var cols = [ps.map(function (p) { return Math.log10(100 / (100 - p)); })];
    var series = [{ label: "percentile", value: function (u, v) { return v == null ? "-" : (+(100 - 100 / Math.pow(10, v)).toFixed(4)) + "%"; } }];
    var shade = {};
    withData.forEach(function (c) {
      var byP = {}; c[key].curve.forEach(function (pt) { byP[pt[0]] = pt[1]; });
      cols.push(ps.map(function (p) { return byP[p] == null ? null : Math.max(0.001, byP[p] / 1000); }));
      shade[c.mode] = (shade[c.mode] || 0) + 1;
      series.push({ label: c.id, stroke: COLOR[c.mode] || "#475569", width: 1 + (shade[c.mode] % 3) * 0.6, dash: c.antiPattern ? [5, 4] : undefined,
        points: { show: true, size: 4 }, value: function (u, v) { return fmt(v, " ms"); } });
    });
    var ticks = [0, 1, 2, 3, 4, 5];
    var names = ["0%", "90%", "99%", "99.9%", "99.99%", "99.999%"];
    return new uPlot({
      width: widthOf(node), height: 320,
      scales: { x: { time: false, range: [0, 5] }, y: { distr: 3, log: 10 } },
      axes: [
        { label: "percentile", splits: function () { return ticks; }, values: function () { return names; } },
        { label: "latency, ms (log)", size: 70, values: function (u, vals) { return vals.map(function (v) { return fmt(v, ""); }); } }
      ],
      series: series
    }, cols, node);
  }

  function faultBands(faults) {
    return { hooks: { drawClear: [function (u) {
      var ctx = u.ctx; ctx.save(); ctx.fillStyle = "rgba(220, 38, 38, 0.13)";
      faults.forEach(function (f) {
        var x0 = Math.max(u.bbox.left, u.valToPos(f.start, "x", true));
        var x1 = Math.min(u.bbox.left + u.bbox.width, u.valToPos(f.stop == null ? u.scales.x.max : f.stop, "x", true));
        if (x1 >= x0) ctx.fillRect(x0, u.bbox.top, Math.max(1, x1 - x0), u.bbox.height);
      });
      ctx.restore();
    }] } };
  }

  function throughputChart(node) {
    var x = [], acked = [], delivered = [];
    cells.forEach(function (c) {
      var w = c.intervalSeconds || 1;
      c.intervals.forEach(function (r) { x.push(c.offsetSeconds + r.t); acked.push(r.acked / w); delivered.push(r.delivered / w); });
      if (c.intervals.length) { x.push(c.offsetSeconds + c.intervals.length * w); acked.push(null); delivered.push(null); }
    });
    if (!x.length) return null;
    return new uPlot({
      width: widthOf(node), height: 280,
      scales: { x: { time: false }, y: { range: function (u, min, max) { return [0, Math.max(1, max) * 1.08]; } } },
      axes: [{ label: "seconds since the run started (each segment is one cell)" }, { label: "msgs/s", size: 80, values: function (u, vals) { return vals.map(function (v) { return fmt(v, ""); }); } }],
      series: [{ label: "t", value: function (u, v) { return fmt(v, " s"); } },
        { label: "acked/s", stroke: "#2563eb", width: 1.5, fill: "#2563eb18", paths: uPlot.paths.stepped({ align: 1 }) },
        { label: "delivered/s", stroke: "#16a34a", width: 1.5, paths: uPlot.paths.stepped({ align: 1 }) }],
      plugins: [faultBands(run.faults || [])]
    }, [x, acked, delivered], node);
  }

  var plots = [];
  document.querySelectorAll("[data-chart]").forEach(function (node) {
    var kind = node.getAttribute("data-chart");
    try {
      var plot = kind === "matrix" ? matrixChart(node) : kind === "throughput" ? throughputChart(node) : latencyChart(node, node.getAttribute("data-series"));
      if (plot) { plots.push([plot, node]); node.classList.add("drawn"); }
      else node.textContent = "No samples for this chart.";
    } catch (e) { node.textContent = "chart failed: " + e; }
  });
  var pending;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(function () { plots.forEach(function (p) { p[0].setSize({ width: widthOf(p[1]), height: p[0].height }); }); }, 150);
  });
})();
`;
