import { CHECKERS } from "../checkers/registry.js";
import { DEFECTS } from "../brokers/memory/defects.js";
import { SCHEMES } from "../environments/url.js";
import { SUITES } from "../suites/index.js";

/** `gauntlet list`: suites, checkers, broker schemes and the embedded broker's defect switches. */
export async function listCommand(options: { json?: boolean }): Promise<number> {
  const data = {
    suites: SUITES.map((s) => ({ name: s.name, description: s.description, requires: s.requires, checkers: s.checkers.map((c) => c.name) })),
    checkers: Object.values(CHECKERS).map((c) => ({ name: c.name, description: c.description, anomalies: c.anomalies })),
    brokers: Object.entries(SCHEMES).map(([scheme, description]) => ({ scheme, description })),
    defects: Object.entries(DEFECTS).map(([name, description]) => ({ name, description })),
  };
  if (options.json) {
    process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    return 0;
  }
  const lines: string[] = ["Suites (gauntlet run [suite...]):"];
  for (const s of data.suites) lines.push(`  ${s.name.padEnd(18)} ${s.description}`, `  ${"".padEnd(18)} checkers: ${s.checkers.join(", ")}; requires: ${s.requires.join(", ")}`);
  lines.push("", "Checkers (gauntlet check HISTORY.jsonl):");
  for (const c of data.checkers) lines.push(`  ${c.name.padEnd(18)} ${c.description}`, `  ${"".padEnd(18)} anomalies: ${c.anomalies.join(", ")}`);
  lines.push("", "Brokers (--broker URL):");
  for (const b of data.brokers) lines.push(`  ${`${b.scheme}://`.padEnd(22)} ${b.description}`);
  lines.push("", "Defect switches (memory://?defects=a,b):");
  for (const d of data.defects) lines.push(`  ${d.name.padEnd(24)} ${d.description}`);
  process.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}
