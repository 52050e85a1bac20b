/**
 * The few RabbitMQ management HTTP calls a cluster needs: which nodes a node sees running and
 * partitioned, a quorum queue's leader and members, and setting a policy. Every Gauntlet cluster
 * node runs the management plugin on its own address (guest login, loopback_users = none).
 */
export interface NodeView {
  name: string;
  running: boolean;
  /** Nodes this node has seen on the other side of a partition (empty until one heals). */
  partitions: string[];
}

export interface QueueView {
  name: string;
  type: string;
  /** Quorum queues: the leader; classic: the node of the master. */
  node?: string;
  leader?: string;
  members?: string[];
  online?: string[];
  /** Classic mirrored: nodes holding a synchronised mirror. */
  syncMirrors?: string[];
  messages?: number;
}

const AUTH = `Basic ${Buffer.from("guest:guest").toString("base64")}`;

/** A client for one node's management API (http://address:15672). */
export function managementApi(base: string, timeoutMs = 3_000) {
  const call = async (path: string, init: RequestInit = {}): Promise<Response> => {
    const res = await fetch(`${base}/api${path}`, { ...init, headers: { authorization: AUTH, "content-type": "application/json", ...init.headers }, signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok && res.status !== 404) throw new Error(`management ${path}: HTTP ${res.status}`);
    return res;
  };
  return {
    async nodes(): Promise<NodeView[]> {
      const body = (await (await call("/nodes?columns=name,running,partitions")).json()) as { name: string; running: boolean; partitions?: string[] }[];
      return body.map((n) => ({ name: n.name, running: n.running, partitions: n.partitions ?? [] }));
    },
    async runningNodes(): Promise<string[]> {
      return (await this.nodes()).filter((n) => n.running).map((n) => n.name);
    },
    async queues(): Promise<QueueView[]> {
      const body = (await (await call("/queues/%2F")).json()) as Record<string, unknown>[];
      return body.map((q) => ({
        name: String(q.name),
        type: String(q.type ?? "classic"),
        ...(q.node ? { node: String(q.node) } : {}),
        ...(q.leader ? { leader: String(q.leader) } : {}),
        ...(Array.isArray(q.members) ? { members: q.members.map(String) } : {}),
        ...(Array.isArray(q.online) ? { online: q.online.map(String) } : {}),
        ...(Array.isArray(q.synchronised_slave_nodes) ? { syncMirrors: q.synchronised_slave_nodes.map(String) } : {}),
        ...(typeof q.messages === "number" ? { messages: q.messages } : {}),
      }));
    },
    async setPolicy(name: string, body: Record<string, unknown>): Promise<void> {
      await call(`/policies/%2F/${encodeURIComponent(name)}`, { method: "PUT", body: JSON.stringify(body) });
    },
  };
}

export type ManagementApi = ReturnType<typeof managementApi>;
