import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LoadedHandler } from "./handler.js";

const dir = mkdtempSync(join(tmpdir(), "gauntlet-handler-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { storeDir: dir };

function module(name: string, source: string): string {
  const file = join(dir, name);
  writeFileSync(file, source);
  return file;
}

describe("LoadedHandler", () => {
  it("restarts a module without restart() by importing it afresh, so top-level state starts over", async () => {
    const file = module("count.ts", "let n: number = 0;\nexport function handle() { n++; }\nexport function snapshot() { return n; }\nexport function reset() { n = 0; }\n");
    const h = await LoadedHandler.load(file, env);
    await h.module.handle({ id: "m1", key: "k1", body: null }, { deliveryCount: 1, redelivered: false, signal: new AbortController().signal, storeDir: dir });
    expect(await h.snapshot()).toBe(1);
    const before = h.module;
    await h.restart();
    expect(h.module).not.toBe(before);
    expect(await h.snapshot()).toBe(0);
    expect(h.hasRestart).toBe(false);
  });

  it("gives every load its own module instance, so two handlers of one file share no state", async () => {
    const file = module("shared.mjs", "let n = 0;\nexport const handle = () => { n++; };\nexport const snapshot = () => n;\nexport const reset = () => { n = 0; };\n");
    const a = await LoadedHandler.load(file, env);
    const b = await LoadedHandler.load(file, env);
    await a.module.handle({ id: "m1", key: "k1", body: null }, { deliveryCount: 1, redelivered: false, signal: new AbortController().signal, storeDir: dir });
    expect(await a.snapshot()).toBe(1);
    expect(await b.snapshot()).toBe(0);
  });

  it("calls restart() when the module exports one, keeping the same instance", async () => {
    const file = module("own-restart.mjs", "let n = 5;\nexport const handle = () => {};\nexport const snapshot = () => n;\nexport const reset = () => {};\nexport const restart = () => { n = 0; };\n");
    const h = await LoadedHandler.load(file, env);
    const before = h.module;
    await h.restart();
    expect(h.module).toBe(before);
    expect(await h.snapshot()).toBe(0);
  });

  it("hashes the file and rejects snapshots that are not plain JSON, naming the path", async () => {
    const file = module("set.mjs", "export const handle = () => {};\nexport const snapshot = () => ({ ids: [1, new Set()] });\nexport const reset = () => {};\n");
    const h = await LoadedHandler.load(file, env);
    expect(h.sha256).toMatch(/^[0-9a-f]{64}$/);
    await expect(h.snapshot()).rejects.toThrow(/not plain JSON at ids\[1\]/);
  });

  it("names every missing export, and what the module does export", async () => {
    const file = module("half.mjs", "export const handle = () => {};\nexport const snapshots = () => 1;\n");
    await expect(LoadedHandler.load(file, env)).rejects.toThrow(/missing exports snapshot\(\), reset\(\) \(it exports handle, snapshots\)/);
  });

  it("turns a throwing reset() into a usage error that names it", async () => {
    const file = module("bad-reset.mjs", "export const handle = () => {};\nexport const snapshot = () => 1;\nexport const reset = () => { throw new Error('no database'); };\n");
    const h = await LoadedHandler.load(file, env);
    await expect(h.reset()).rejects.toMatchObject({ exitCode: 3, message: expect.stringMatching(/reset\(\) threw: no database/) });
  });
});
