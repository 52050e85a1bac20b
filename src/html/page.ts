import { createHash } from "node:crypto";
import { chartAssets } from "./assets.js";
import { escapeHtml as h, inlineScript, jsonForScript } from "./escape.js";
import { REPORT_CSS } from "./style.js";

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

export interface PageParts {
  title: string;
  /** CSS added after the shared report style. */
  css?: string;
  /** Extra `<head>` markup (already escaped), e.g. a generator meta tag. */
  head?: string;
  /** Inner HTML of `<header>` and `<main>` (already escaped). */
  header: string;
  main: string;
  /** The page's chart code (runs after uPlot) and the JSON it reads from `#dataId`. */
  chartScript: string;
  dataId: string;
  data: unknown;
}

/**
 * One self-contained HTML report page: uPlot and the data inlined, nothing fetched, and a CSP that
 * lets only its two inline scripts run (an injected tag stays inert). Every Gauntlet report uses it.
 */
export function selfContainedPage(p: PageParts): string {
  const assets = chartAssets();
  const uplotJs = inlineScript(assets.js);
  const chartJs = inlineScript(p.chartScript);
  const csp = `default-src 'none'; script-src ${sha256(uplotJs)} ${sha256(chartJs)}; style-src 'unsafe-inline'; img-src data:`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${h(csp)}">
${p.head ? `${p.head}\n` : ""}<title>${h(p.title)}</title>
<style>${assets.css.replace(/<\/(style)/gi, "<\\/$1")}</style>
<style>${REPORT_CSS}${p.css ?? ""}</style>
</head>
<body>
<header>
${p.header}
</header>
<main>
${p.main}
</main>
<script type="application/json" id="${h(p.dataId)}">${jsonForScript(p.data)}</script>
<script>${uplotJs}</script>
<script>${chartJs}</script>
</body>
</html>
`;
}
