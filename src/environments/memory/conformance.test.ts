import { describe, expect, it } from "vitest";
import { startMemoryEnvironment } from "./environment.js";
import { CONFORMANCE_CHECKS, runConformance } from "../../drivers/conformance/index.js";

const env = (url: string) => startMemoryEnvironment(url, new URL(url));

describe("conformance kit on the memory broker", () => {
  it("passes every check on the correct broker, none skipped", async () => {
    const results = await runConformance(env("memory://"), CONFORMANCE_CHECKS);
    expect(results.filter((r) => r.status !== "pass")).toEqual([]);
    expect(results).toHaveLength(CONFORMANCE_CHECKS.length);
  });

  it.each([
    ["lose-acked", "send-receive-complete"],
    ["skip-dlq", "max-delivery-count"],
    ["accept-after-lock-loss", "lock-expiry-redelivers"],
    ["duplicate-delivery", "send-receive-complete"],
  ])("fails a check on memory://?defects=%s (check %s)", async (defect, check) => {
    const results = await runConformance(env(`memory://?defects=${defect}&defect-rate=1`), CONFORMANCE_CHECKS);
    expect(results.find((r) => r.name === check)?.status).toBe("fail");
  });

  it("reports a check whose capability the driver lacks as n/a, not as passed", async () => {
    const base = env("memory://");
    const limited = {
      ...base,
      async connect(o: { seed: number; runId: string }) {
        const d = await base.connect(o);
        return Object.assign(Object.create(Object.getPrototypeOf(d)), d, { capabilities: new Set(["peek-lock"]) });
      },
    };
    const results = await runConformance(limited, CONFORMANCE_CHECKS);
    expect(results.find((r) => r.name === "topic-fan-out")).toMatchObject({ status: "n/a", detail: expect.stringContaining("topics") });
    expect(results.find((r) => r.name === "send-receive-complete")?.status).toBe("pass");
  });
});
