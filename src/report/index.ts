/** Report layer: metrics from histories, console summaries, results.json, junit.xml, report.html. */
export { historyMetrics, bucketWidthSeconds, LATENCY_OPS, MAX_BUCKETS } from "./metrics.js";
export { formatConsoleSummary, formatCheckSummary } from "./console.js";
export type { ConsoleOptions, CheckSummaryOptions } from "./console.js";
export { toJunitXml } from "./junit.js";
export { toHtml } from "./html.js";
export { writeReportFiles } from "./write.js";
export type { ReportFiles } from "./write.js";
export { verdictLabel, suiteLabel, checkerLabel, anomalyCounts, formatAnomalyCounts } from "./summarize.js";
export type { VerdictLabel, AnomalyCount } from "./summarize.js";
