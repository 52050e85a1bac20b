/**
 * Partitions as Jepsen names them, planned over node indexes 0..n-1: which nodes each node stops
 * hearing from (its "grudge"). Pure; the cluster injector turns a grudge into blackhole routes.
 */
export type PartitionKind = "partition-node" | "partition-leader" | "partition-producer-node" | "partition-halves" | "partition-bridge";

export interface PartitionPlan {
  /** Groups of nodes that still hear each other (a bridge node appears in both). */
  sides: number[][];
  /** For each node, the nodes whose traffic it drops. */
  grudge: Map<number, Set<number>>;
}

/** Drop all traffic between two groups (both directions), keeping each group whole. */
function cut(n: number, a: readonly number[], b: readonly number[]): Map<number, Set<number>> {
  const grudge = new Map<number, Set<number>>();
  for (let i = 0; i < n; i++) grudge.set(i, new Set());
  for (const x of a) for (const y of b) if (x !== y) {
    grudge.get(x)!.add(y);
    grudge.get(y)!.add(x);
  }
  return grudge;
}

/**
 * Plan a partition of `n` nodes. `pick` chooses deterministically (node index or rotation, taken
 * modulo n, so a shrunk schedule picks node 0); `target` is the index partition-leader and
 * partition-producer-node isolate (the leader, the node a producer publishes through).
 * - partition-node / partition-leader / partition-producer-node: one node alone, the rest together.
 * - partition-halves: a minority of floor(n/2) consecutive nodes (from `pick`) against the majority.
 * - partition-bridge: two halves that cannot hear each other, and one node (`pick`) that hears both.
 */
export function planPartition(kind: PartitionKind, n: number, pick: number, target?: number): PartitionPlan {
  if (n < 2) throw new Error(`a partition needs at least 2 nodes, the cluster has ${n}`);
  const k = ((pick % n) + n) % n;
  const rotated = Array.from({ length: n }, (_, i) => (k + i) % n);
  switch (kind) {
    case "partition-node":
    case "partition-leader":
    case "partition-producer-node": {
      const alone = kind === "partition-node" ? k : (target ?? k);
      const rest = rotated.filter((i) => i !== alone);
      return { sides: [[alone], rest], grudge: cut(n, [alone], rest) };
    }
    case "partition-halves": {
      const minority = rotated.slice(0, Math.floor(n / 2));
      const majority = rotated.slice(Math.floor(n / 2));
      return { sides: [minority, majority], grudge: cut(n, minority, majority) };
    }
    case "partition-bridge": {
      if (n < 3) throw new Error("a bridge partition needs at least 3 nodes");
      const [bridge, ...rest] = rotated as [number, ...number[]];
      const left = rest.slice(0, Math.ceil(rest.length / 2));
      const right = rest.slice(Math.ceil(rest.length / 2));
      return { sides: [[bridge, ...left], [bridge, ...right]], grudge: cut(n, left, right) };
    }
  }
}

/** Is `name` one of the partition faults? */
export function isPartitionKind(name: string): name is PartitionKind {
  return name === "partition-node" || name === "partition-leader" || name === "partition-producer-node" || name === "partition-halves" || name === "partition-bridge";
}
