/** report.html's plan section: which configuration was validated, against which claims. */
import type { PlanRunInfo } from "../core/run.js";
import { escapeHtml as h } from "../html/escape.js";
import { htmlTable } from "../html/tables.js";

/** Claims checked, settings read back from the broker, settings not honoured or not checked, and existing-entity mode. */
export function planSection(plan: PlanRunInfo | undefined): string {
  if (!plan) return "";
  const parts = [`<h2>Plan${plan.name ? ` · ${h(plan.name)}` : ""}</h2>`, `<p class="desc">${h(plan.family)} plan${plan.file ? ` from ${h(plan.file)}` : ""}</p>`];
  parts.push(
    plan.existing
      ? `<p class="note">Existing entities: ${h(plan.existing.entities.join(", "))}. ${h(plan.existing.note)}</p>`
      : `<p class="desc">Entities created by Gauntlet for each scenario (and deleted after).</p>`,
  );
  parts.push(`<h3>Claims checked</h3>`, plan.claims.length ? htmlTable(["suite", "claim", "why"], plan.claims.map((c) => [h(c.suite), h(JSON.stringify(c.claim)), h(c.because)])) : `<p class="muted">None.</p>`);
  const applied = Object.entries(plan.validatedConfiguration ?? {});
  parts.push(
    `<h3>Settings applied (read back from the broker)</h3>`,
    applied.length ? htmlTable(["address", "settings"], applied.map(([a, s]) => [h(a), `<code>${h(JSON.stringify(s))}</code>`])) : `<p class="muted">Not read back: this broker's driver cannot read settings back yet.</p>`,
  );
  if (plan.notHonoured.length) parts.push(`<h3>Settings Gauntlet cannot honour</h3>`, htmlTable(["path", "setting", "why"], plan.notHonoured.map((n) => [h(n.path), h(n.setting), h(n.reason)])));
  if (plan.unchecked.length) parts.push(`<h3>Promises not checked</h3>`, htmlTable(["entity", "setting", "why"], plan.unchecked.map((u) => [h(u.entity), h(u.setting), h(u.reason)])));
  return parts.join("\n");
}
