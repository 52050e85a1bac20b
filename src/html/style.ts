/** The report's stylesheet: readable tables without JavaScript, light and dark. */
export const REPORT_CSS = `
:root { color-scheme: light dark; --fg: #1f2937; --muted: #6b7280; --bg: #ffffff; --panel: #f8fafc; --line: #e5e7eb;
  --ok: #15803d; --bad: #b91c1c; --unk: #b45309; --na: #6b7280; --code: #f1f5f9; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e5e7eb; --muted: #9ca3af; --bg: #111827; --panel: #1f2937; --line: #374151; --code: #0b1220;
    --ok: #4ade80; --bad: #f87171; --unk: #fbbf24; --na: #9ca3af; }
}
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header, main { max-width: 1180px; margin: 0 auto; padding: 1rem 1.5rem; }
header { border-bottom: 1px solid var(--line); }
h1 { font-size: 1.6rem; margin: .2rem 0 .6rem; display: flex; gap: .6rem; align-items: center; flex-wrap: wrap; }
h2 { font-size: 1.3rem; margin: 0 0 .4rem; display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; }
h3 { font-size: 1.02rem; margin: 1.2rem 0 .4rem; }
a { color: inherit; }
code, pre { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { background: var(--code); border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem; overflow-x: auto; white-space: pre-wrap; word-break: break-word; }
.badge { display: inline-block; font-size: .78rem; font-weight: 700; letter-spacing: .04em; padding: .12rem .55rem; border-radius: 999px; color: #fff; text-transform: uppercase; }
.v-valid { background: var(--ok); } .v-invalid { background: var(--bad); } .v-unknown { background: var(--unk); } .v-na { background: var(--na); }
.t-valid { color: var(--ok); } .t-invalid { color: var(--bad); font-weight: 700; } .t-unknown { color: var(--unk); } .t-na { color: var(--na); }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .4rem 0; }
dl.meta dt { color: var(--muted); } dl.meta dd { margin: 0; word-break: break-word; }
table { border-collapse: collapse; margin: .3rem 0 .8rem; font-size: .92rem; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .7rem; text-align: left; vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
section.suite { border: 1px solid var(--line); border-radius: 10px; padding: 1rem 1.2rem; margin: 1.2rem 0; background: var(--bg); }
.desc, .muted { color: var(--muted); }
.note { background: var(--panel); border-left: 4px solid var(--na); padding: .4rem .8rem; }
.error { border-left: 4px solid var(--unk); padding-left: .8rem; }
details { margin: .4rem 0; } summary { cursor: pointer; font-weight: 600; }
ol.examples { margin: .3rem 0 .6rem; padding-left: 1.4rem; } ol.examples li { margin: .2rem 0; }
.idx { font-family: ui-monospace, monospace; font-size: .85rem; background: var(--code); padding: 0 .3rem; border-radius: 4px; }
.subj { color: var(--muted); }
.kv { display: inline-block; margin: 0 .9rem .1rem 0; white-space: nowrap; }
.charts { display: grid; gap: 1rem; }
.chart-box { border: 1px solid var(--line); border-radius: 8px; padding: .5rem; overflow: hidden; }
.chart-box .chart:not(.drawn)::after { content: "Chart needs JavaScript; the tables hold the same figures."; color: var(--muted); font-size: .85rem; }
.uplot { font-size: 12px; }
`;
