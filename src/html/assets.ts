/** uPlot's script and stylesheet, read from node_modules once and inlined into report.html. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

/** The inlined chart library. */
export interface ChartAssets {
  js: string;
  css: string;
  version: string;
}

let cached: ChartAssets | undefined;

/** Drop banner comments so the report holds no external URL; the version and licence stay named. */
function stripBanner(source: string): string {
  return source.replace(/^\s*\/\*![\s\S]*?\*\/\s*/, "");
}

/** Load uPlot's minified IIFE build and CSS (cached after the first call). */
export function chartAssets(): ChartAssets {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const jsPath = require.resolve("uplot/dist/uPlot.iife.min.js");
  const cssPath = require.resolve("uplot/dist/uPlot.min.css");
  const raw = readFileSync(jsPath, "utf8");
  const version = /\(v(\d+\.\d+\.\d+[^)\s]*)\)/.exec(raw.slice(0, 200))?.[1] ?? "unknown";
  const banner = `/*! uPlot v${version}, Copyright (c) 2022 Leon Sorokin, MIT licence (github.com/leeoniya/uPlot) */\n`;
  cached = {
    js: banner + stripBanner(raw),
    css: stripBanner(readFileSync(cssPath, "utf8")),
    version,
  };
  return cached;
}
