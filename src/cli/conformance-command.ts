import { startEnvironment } from "../environments/start.js";
import { CONFORMANCE_CHECKS, runConformance } from "../drivers/conformance/index.js";
import { onShutdown } from "./shutdown.js";

/** `gauntlet conformance --broker URL`: the driver conformance kit; exit 1 if any check fails. */
export async function conformanceCommand(options: { broker: string; json?: boolean }): Promise<number> {
  const env = await startEnvironment(options.broker);
  const release = onShutdown(() => env.stop());
  let results;
  try {
    results = await runConformance(env, CONFORMANCE_CHECKS);
  } finally {
    await env.stop();
    release();
  }
  const failed = results.filter((r) => r.status === "fail").length;
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ broker: env.url, valid: failed === 0, results }, null, 2)}\n`);
  } else {
    for (const r of results) {
      const status = r.status === "pass" ? "pass" : r.status === "fail" ? "FAIL" : "n/a ";
      process.stdout.write(`${status}  ${r.name.padEnd(26)} ${r.detail ?? r.description}\n`);
    }
    const passed = results.filter((r) => r.status === "pass").length;
    const na = results.filter((r) => r.status === "n/a").length;
    process.stdout.write(`\nconformance on ${env.url}: ${passed} passed, ${failed} failed, ${na} not applicable\n`);
  }
  return failed > 0 ? 1 : 0;
}
