import { describe, expect, it } from "vitest";
import { LockLostError } from "../../core/errors.js";
import { MemoryBroker } from "./broker.js";
import type { Defect } from "./defects.js";
import { SeededRandom } from "./random.js";
import { VirtualClock } from "./virtual-clock.js";

function broker(defects: Defect[] = [], entities = [{ kind: "queue" as const, name: "q", lockDurationMs: 100, maxDeliveryCount: 2 }]) {
  const clock = new VirtualClock();
  const b = new MemoryBroker({ clock, random: new SeededRandom(1), defects: new Set(defects), defectRate: 1 });
  b.provision(entities);
  return { b, clock };
}

describe("MemoryBroker", () => {
  it("locks a delivery for the lock duration and redelivers after expiry with a higher count", async () => {
    const { b, clock } = broker();
    b.send("q", [{ id: "a" }]);
    const [d1] = b.receive("q", "c1", 1, "peek-lock");
    expect(d1).toMatchObject({ id: "a", deliveryCount: 1, lockedUntil: 100_000_000 });
    expect(b.receive("q", "c2", 1, "peek-lock")).toEqual([]);
    await clock.sleep(100);
    const [d2] = b.receive("q", "c2", 1, "peek-lock");
    expect(d2).toMatchObject({ id: "a", deliveryCount: 2, redelivered: true });
    expect(() => b.settle("q", d1!.lockToken!, "complete")).toThrow(LockLostError);
  });

  it("dead-letters with MaxDeliveryCountExceeded once the count reaches the maximum", () => {
    const { b } = broker();
    b.send("q", [{ id: "a" }]);
    for (let i = 0; i < 2; i++) {
      const [d] = b.receive("q", "c1", 1, "peek-lock");
      b.settle("q", d!.lockToken!, "abandon");
    }
    expect(b.receive("q", "c1", 1, "peek-lock")).toEqual([]);
    expect(b.drain("q", true).deliveries).toMatchObject([{ id: "a", dlq: true, deadLetterReason: "MaxDeliveryCountExceeded" }]);
  });

  it("holds a key for one consumer until its message is settled (ordered keys)", () => {
    const { b } = broker([], [{ kind: "queue", name: "q", lockDurationMs: 100, orderedKeys: true } as never]);
    b.send("q", [{ id: "a1", key: "A" }, { id: "a2", key: "A" }, { id: "b1", key: "B" }]);
    const [first] = b.receive("q", "c1", 1, "peek-lock");
    expect(first!.id).toBe("a1");
    expect(b.receive("q", "c2", 5, "peek-lock").map((d) => d.id)).toEqual(["b1"]);
    b.settle("q", first!.lockToken!, "complete");
    expect(b.receive("q", "c2", 5, "peek-lock").map((d) => d.id)).toEqual(["a2"]);
  });

  it("fans a topic message out to every subscription and drops a duplicate id inside the window", () => {
    const { b } = broker([], [
      { kind: "topic", name: "t", subscriptions: [{ name: "x" }, { name: "y" }] } as never,
      { kind: "queue", name: "d", duplicateDetectionMs: 1_000 } as never,
    ]);
    b.send("t", [{ id: "m" }]);
    b.send("d", [{ id: "m" }]);
    b.send("d", [{ id: "m" }]);
    expect(b.drain("t/x", false).deliveries.map((d) => d.id)).toEqual(["m"]);
    expect(b.drain("t/y", false).deliveries.map((d) => d.id)).toEqual(["m"]);
    expect(b.drain("d", false).deliveries).toHaveLength(1);
  });

  it.each<[Defect, (b: MemoryBroker) => unknown, unknown]>([
    ["lose-acked", (b) => (b.send("q", [{ id: "a" }]), b.drain("q", false).deliveries.length), 0],
    ["duplicate-delivery", (b) => {
      b.send("q", [{ id: "a" }]);
      const [d] = b.receive("q", "c", 1, "peek-lock");
      b.settle("q", d!.lockToken!, "complete");
      return b.receive("q", "c", 1, "peek-lock").map((x) => x.id);
    }, ["a"]],
    ["early-redelivery", (b) => {
      b.send("q", [{ id: "a" }]);
      b.receive("q", "c1", 1, "peek-lock");
      return b.receive("q", "c2", 1, "peek-lock").map((x) => x.id);
    }, ["a"]],
  ])("defect %s changes what the broker does", (defect, act, expected) => {
    const { b } = broker([defect]);
    expect(act(b)).toEqual(expected);
    const { b: correct } = broker();
    expect(act(correct)).not.toEqual(expected);
  });
});
