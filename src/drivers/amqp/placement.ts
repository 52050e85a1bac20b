/** What a client connection is for. */
export type ClientRole = "admin" | "producer" | "consumer";

/** One open client connection of a cluster run: its role, its place among its role's clients (0: p1 / c1), and the node (index) it reached. */
export interface PlacedClient {
  role: ClientRole;
  ordinal: number;
  node: number;
}

/**
 * Where a scenario's clients connect on a cluster of `n` nodes, Jepsen-style (each client bound to a
 * node, replayable): the admin connection (declares the queues, so classic masters and quorum
 * leaders start there) on node 0; producers from node 1 up (p1 → 1, p2 → 2, ...); consumers from
 * node 0 down (c1 → 0, c2 → n-1, ...). On 3 nodes with at most 2 consumers, node 1 serves a producer
 * and no consumer: what is published there is read elsewhere. A client whose node does not answer
 * fails over to the next node.
 */
export function placement(role: ClientRole, k: number, n: number): number {
  if (role === "admin") return 0;
  if (role === "producer") return (1 + k) % n;
  return (((n - k) % n) + n) % n;
}

/**
 * The open client connections of every driver on one cluster (shared by the environment with its
 * nemesis): which node serves which clients, so a fault can target the node publishers write through.
 */
export class ClusterClients {
  private readonly open = new Set<PlacedClient>();

  /** Record a connection; returns the function to call when it closes. */
  opened(role: ClientRole, ordinal: number, node: number): () => void {
    const client = { role, ordinal, node };
    this.open.add(client);
    return () => this.open.delete(client);
  }

  /** Open connections, in their role's order (p1 before p2, whichever connected first). */
  list(): PlacedClient[] {
    return [...this.open].sort((a, b) => a.ordinal - b.ordinal);
  }

  /**
   * The node a publisher writes through: the first producer's node among those serving no consumer
   * (what is confirmed there is not read there), else the first producer's node.
   */
  producerNode(): number | undefined {
    const producers = this.list().filter((c) => c.role === "producer");
    const consumed = new Set(this.list().filter((c) => c.role === "consumer").map((c) => c.node));
    return (producers.find((p) => !consumed.has(p.node)) ?? producers[0])?.node;
  }
}
