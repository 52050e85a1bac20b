import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InfrastructureError } from "../../core/errors.js";
import { healScript, octetOf, requireNodeHome } from "./netns.js";

describe("Gauntlet's network names", () => {
  it("tie namespaces, veths and bridges to their subnet, and nothing else", () => {
    expect(octetOf("gauntlet-c17-n2")).toBe(17);
    expect(octetOf("gtbr17")).toBe(17);
    expect(octetOf("gt17n3")).toBe(17);
    // Other people's names never match, even close ones.
    for (const other of ["eth0", "docker0", "gauntlet-17-n2", "gtbr", "gt17", "br-gtbr17", "gauntlet-c17-n2x", "veth1234"]) expect(octetOf(other)).toBeUndefined();
  });

  it("heal script removes only blackhole routes, in each of the given namespaces", () => {
    const script = healScript([{ ns: "gauntlet-c5-n1" }, { ns: "gauntlet-c5-n2" }]);
    expect(script.split("\n")).toHaveLength(2);
    for (const line of script.split("\n")) expect(line).toMatch(/^ip -n gauntlet-c5-n\d route show type blackhole .* route del blackhole "\$d"; done$/);
  });
});

describe("requireNodeHome", () => {
  it("names what is gone (namespace, directory) with an infrastructure error, so a restart fails fast", () => {
    const dir = mkdtempSync(join(tmpdir(), "gauntlet-node-home-"));
    try {
      expect(() => requireNodeHome({ name: "n1", ns: "gauntlet-c999-n1", dir })).toThrow(/namespace gauntlet-c999-n1 no longer exist/);
      expect(() => requireNodeHome({ name: "n1", ns: "gauntlet-c999-n1", dir: join(dir, "gone") })).toThrow(/namespace gauntlet-c999-n1 and directory .*gone/);
      expect(() => requireNodeHome({ name: "n1", ns: "gauntlet-c999-n1", dir })).toThrow(InfrastructureError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
