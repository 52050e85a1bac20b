import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { gauntlet, tempDir } from "./cli-helpers.js";

const claimCheck = (args: string[], tmp = tempDir()) => ({ tmp, r: gauntlet(["certify", "--pattern", "claim-check", ...args], undefined, { TMPDIR: tmp }) });

// Issue 16: claim-check senders and receivers on a private Azurite and on a file-system store.
describe("certify --pattern claim-check", () => {
  it.each(["azurite", "file"])("certifies the correct module on --store %s, leaving nothing behind", (store) => {
    const { tmp, r } = claimCheck(["fixtures/claim-check/correct.ts", "--store", store, "--seed", "5", "--runs", "60"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("CERTIFIED");
    expect(readdirSync(tmp)).toEqual([]);
  }, 60_000);

  it.each([
    ["delete-on-first-read-under-fan-out.ts", "file", /topic with 2 subscriptions/],
    ["delete-before-ack.ts", "file", /crashes after hydrating m1, before the ack/],
    ["upload-after-send.ts", "file", /producer crashes after its first call/],
    ["delete-before-ack.ts", "azurite", /crashes after hydrating m1, before the ack/],
  ])("rejects %s (--store %s) with a minimal counterexample: a dangling reference", (file, store, minimal) => {
    const { tmp, r } = claimCheck([`fixtures/claim-check/${file}`, "--store", store, "--seed", "1"]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain("NOT CORRECT: dangling reference");
    expect(r.stdout).toMatch(minimal);
    expect(r.stdout).toMatch(/minimal failing case:\n {2}m1: \d+ bytes \(over/);
    expect(r.stdout).not.toMatch(/\n {2}m3:/); // shrunk: at most two messages
    expect(readdirSync(tmp)).toEqual([]);
  }, 60_000);

  it.each([
    [["fixtures/claim-check/bad/missing-receive.mjs"], 3, /missing export receive\(\)/],
    [["fixtures/claim-check/correct.ts", "--store", "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;"], 4, /cannot reach the blob store/],
    [["fixtures/claim-check/correct.ts", "--store", "s3://bucket"], 3, /--store: unknown store/],
  ])("bad input %j exits %i with the fix, within seconds", (args, code, message) => {
    const started = Date.now();
    const { tmp, r } = claimCheck([...args, "--seed", "1"]);
    expect(r.code, r.stdout + r.stderr).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/\n {2}fix: /);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(readdirSync(tmp)).toEqual([]);
  }, 30_000);
});
