import { escapeHtml as h } from "./escape.js";

/** A <dl> of label → value pairs, skipping empty values. */
export function metaList(pairs: [string, unknown][]): string {
  const items = pairs
    .filter(([, v]) => v !== undefined && v !== null && v !== "")
    .map(([k, v]) => `<dt>${h(k)}</dt><dd>${h(v)}</dd>`);
  return items.length ? `<dl class="meta">${items.join("")}</dl>` : "";
}

/** A table; cells are pre-rendered HTML; columns listed in `numeric` are right-aligned. */
export function htmlTable(head: string[], rows: string[][], numeric: number[] = []): string {
  const cls = (i: number) => (numeric.includes(i) ? ` class="num"` : "");
  const thead = `<tr>${head.map((c, i) => `<th${cls(i)}>${h(c)}</th>`).join("")}</tr>`;
  const tbody = rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${c}</td>`).join("")}</tr>`).join("\n");
  return `<table><thead>${thead}</thead><tbody>\n${tbody}\n</tbody></table>`;
}
