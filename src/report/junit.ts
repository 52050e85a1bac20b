/** JUnit XML for CI: one <testsuite> per suite, one <testcase> per checker (property). */
import type { CheckResult } from "../core/result.js";
import type { RunSummary, SuiteOutcome } from "../core/run.js";
import { escapeAttr, escapeText } from "../html/escape.js";
import { anomalyCounts, checkerLabel, formatAnomalyCounts, formatExample } from "./summarize.js";

/** Examples listed per anomaly inside a <failure>. */
export const JUNIT_EXAMPLES = 3;

interface Case {
  name: string;
  /** Child element of the testcase, if any. */
  outcome?: { tag: "failure" | "error" | "skipped"; message: string; type?: string; body?: string };
}

const seconds = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);

/** JUnit's xs:dateTime without zone (UTC is meant); empty when the input is not a date. */
function timestamp(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 19) : "";
}

function failureBody(suite: SuiteOutcome, checker: string, result: CheckResult): string {
  const lines: string[] = [];
  for (const a of anomalyCounts({ [checker]: result })) {
    lines.push(`${a.name} (${a.count}):`);
    for (const ex of a.examples.slice(0, JUNIT_EXAMPLES)) lines.push(`  - ${formatExample(ex)}`);
    if (a.count > Math.min(JUNIT_EXAMPLES, a.examples.length)) lines.push(`  … ${a.count - Math.min(JUNIT_EXAMPLES, a.examples.length)} more`);
  }
  if (result.reason) lines.push(`reason: ${result.reason}`);
  if (result.error) lines.push(`error: ${result.error}`);
  lines.push(`seed: ${suite.seed}${suite.path ? `, path: ${suite.path}` : ""}`);
  if (suite.replayCommand) lines.push(`replay: ${suite.replayCommand}`);
  return lines.join("\n");
}

/** The testcases of a suite; rules are documented on toJunitXml. */
function casesOf(suite: SuiteOutcome): Case[] {
  if (suite.notApplicable !== undefined) {
    return [{ name: suite.suite, outcome: { tag: "skipped", message: `not applicable: ${suite.notApplicable}` } }];
  }
  const cases: Case[] = [];
  for (const [checker, result] of Object.entries(suite.results)) {
    const label = checkerLabel(result);
    const counts = formatAnomalyCounts(anomalyCounts({ [checker]: result }), ", ");
    if (label === "INVALID") {
      const outcome = { tag: "failure" as const, type: "invalid", message: counts || result.reason || "invalid", body: failureBody(suite, checker, result) };
      cases.push({ name: checker, outcome });
    } else if (label === "unknown") {
      const message = result.error ?? result.reason ?? (counts || "verdict unknown");
      cases.push({ name: checker, outcome: { tag: "error", type: "unknown", message, body: failureBody(suite, checker, result) } });
    } else if (label === "n/a") {
      cases.push({ name: checker, outcome: { tag: "skipped", message: result.reason ?? "not applicable" } });
    } else {
      cases.push({ name: checker });
    }
  }
  // An infrastructure or property error no checker reports would otherwise vanish.
  const reported = Object.values(suite.results).some((r) => r.valid === "unknown");
  if (suite.error && !reported) {
    const body = `seed: ${suite.seed}${suite.replayCommand ? `\nreplay: ${suite.replayCommand}` : ""}`;
    cases.push({ name: "run", outcome: { tag: "error", type: "infrastructure", message: suite.error, body } });
  }
  if (cases.length === 0 && suite.verdict !== true) {
    cases.push({ name: "run", outcome: { tag: "error", type: "unknown", message: `suite verdict ${String(suite.verdict)} without checker results` } });
  }
  return cases;
}

function caseXml(suite: SuiteOutcome, c: Case): string {
  const open = `    <testcase name="${escapeAttr(c.name)}" classname="${escapeAttr(suite.suite)}" time="0.000"`;
  if (!c.outcome) return `${open}/>`;
  const { tag, message, type, body } = c.outcome;
  const attrs = `message="${escapeAttr(message)}"${type ? ` type="${escapeAttr(type)}"` : ""}`;
  const child = body ? `<${tag} ${attrs}>${escapeText(body)}</${tag}>` : `<${tag} ${attrs}/>`;
  return `${open}>\n      ${child}\n    </testcase>`;
}

/**
 * JUnit XML of a run. Per suite: a testcase per checker (classname = suite); invalid →
 * <failure> with anomaly counts and examples (history indexes), unknown → <error>, n/a →
 * <skipped>; a not-applicable suite is one skipped testcase; a suite error no checker carries
 * becomes an extra "run" testcase with <error>. Suite timestamps assume suites ran one after another.
 */
export function toJunitXml(summary: RunSummary): string {
  const suites = summary.suites.map((s) => ({ suite: s, cases: casesOf(s) }));
  const count = (cases: Case[], tag: string) => cases.filter((c) => c.outcome?.tag === tag).length;
  const all = suites.flatMap((s) => s.cases);
  const started = Date.parse(summary.startedAt);
  const finished = Date.parse(summary.finishedAt) - started;
  const totalMs = Number.isFinite(finished) ? finished : suites.reduce((t, s) => t + s.suite.wallMs, 0);
  const tally = (cases: Case[]) =>
    `tests="${cases.length}" failures="${count(cases, "failure")}" errors="${count(cases, "error")}" skipped="${count(cases, "skipped")}"`;
  const out = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="gauntlet" ${tally(all)} time="${seconds(totalMs)}" timestamp="${escapeAttr(timestamp(started))}">`,
  ];
  let offset = 0;
  for (const { suite, cases } of suites) {
    out.push(
      `  <testsuite name="${escapeAttr(suite.suite)}" ${tally(cases)} time="${seconds(suite.wallMs)}" timestamp="${escapeAttr(timestamp(started + offset))}">`,
      `    <properties>`,
    );
    offset += Math.max(0, suite.wallMs);
    const props: [string, unknown][] = [
      ["description", suite.description],
      ["broker", summary.broker],
      ["seed", suite.seed],
      ["runs", suite.runs],
      ["requestedRuns", suite.requestedRuns],
      ["path", suite.path],
      ["historyRun", suite.historyRun],
      ["replayCommand", suite.replayCommand],
      ["reproFile", suite.reproFile],
      ["runId", summary.runId],
    ];
    for (const [name, value] of props) {
      if (value !== undefined && value !== "") out.push(`      <property name="${name}" value="${escapeAttr(value)}"/>`);
    }
    out.push(`    </properties>`);
    for (const c of cases) out.push(caseXml(suite, c));
    const sysout = [
      suite.description,
      `seed ${suite.seed}${suite.path ? ` path ${suite.path}` : ""}, ${suite.runs}/${suite.requestedRuns} runs`,
      suite.error ? `error: ${suite.error}` : "",
      suite.replayCommand ? `replay: ${suite.replayCommand}` : "",
    ];
    out.push(`    <system-out>${escapeText(sysout.filter(Boolean).join("\n"))}</system-out>`, `  </testsuite>`);
  }
  out.push(`</testsuites>`, "");
  return out.join("\n");
}
