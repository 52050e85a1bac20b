import { describe, expect, it } from "vitest";
import { ClusterClients, placement } from "./placement.js";

describe("client placement on a cluster", () => {
  it("puts the admin on node 0, producers from node 1 up, consumers from node 0 down", () => {
    expect(placement("admin", 5, 3)).toBe(0);
    expect([0, 1, 2].map((k) => placement("producer", k, 3))).toEqual([1, 2, 0]);
    expect([0, 1].map((k) => placement("consumer", k, 3))).toEqual([0, 2]);
  });

  it("names the first producer's node that serves no consumer, in role order, and forgets closed connections", () => {
    const clients = new ClusterClients();
    clients.opened("consumer", 0, 0);
    clients.opened("producer", 1, 2);
    const closeP1 = clients.opened("producer", 0, 0);
    expect(clients.producerNode()).toBe(2);
    closeP1();
    clients.opened("consumer", 1, 2);
    expect(clients.producerNode()).toBe(2);
    expect(new ClusterClients().producerNode()).toBeUndefined();
  });
});
