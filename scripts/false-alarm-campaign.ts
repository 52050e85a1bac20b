/**
 * `npm run campaign`: the seeded false-alarm campaign. Runs every suite on a correct memory://
 * broker whose client calls time out (request lost, reply lost, late request) at several rates
 * and latencies, many seeds each, and counts verdicts. A single INVALID is a false alarm: the
 * script prints its seed and replay command and exits 1. Options: --seeds N (default 10),
 * --runs N per suite and seed (default 300).
 */
import { runSuite, startEnvironment } from "../src/index.js";
import { SUITES } from "../src/suites/index.js";

const args = process.argv.slice(2);
const opt = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const seeds = opt("--seeds", 10);
const runs = opt("--runs", 300);
const URLS = ["memory://?timeouts=0.05", "memory://?timeouts=0.2", "memory://?timeouts=0.3&latency-ms=0.05-3", "memory://?timeouts=0.5&latency-ms=1-20"];

const tally = { runs: 0, valid: 0, unknown: 0, invalid: 0, notApplicable: 0 };
const alarms: string[] = [];
for (const url of URLS) {
  const env = await startEnvironment(url);
  try {
    for (let seed = 1; seed <= seeds; seed++) {
      for (const suite of SUITES) {
        const { outcome } = await runSuite(suite, { env, runs, seed });
        tally.runs += outcome.runs;
        if (outcome.notApplicable) tally.notApplicable += 1;
        else if (outcome.verdict === true) tally.valid += 1;
        else if (outcome.verdict === "unknown") tally.unknown += 1;
        else {
          tally.invalid += 1;
          alarms.push(`${suite.name} on ${url} seed ${seed}: npx gauntlet run ${suite.name} --broker '${url}' --seed ${seed} --runs ${runs}`);
        }
      }
    }
  } finally {
    await env.stop();
  }
  process.stdout.write(`${url}: ${JSON.stringify(tally)}\n`);
}
process.stdout.write(`${tally.runs} property runs, suite verdicts: ${tally.valid} valid, ${tally.unknown} unknown, ${tally.invalid} INVALID (false alarms), ${tally.notApplicable} n/a\n`);
for (const a of alarms) process.stdout.write(`false alarm: ${a}\n`);
process.exitCode = alarms.length ? 1 : 0;
