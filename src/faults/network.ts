import { type Proxy, type Toxic, Toxiproxy } from "toxiproxy-node-client";
import type { ActiveFault, FaultInjector, FaultName, FaultScope, FaultStep } from "../core/faults.js";
import { NETWORK_FAULTS } from "../core/faults.js";
import { toxicFor } from "./toxics.js";

export interface ProxySpec {
  name: string;
  /** host:port; port 0 = any free port. */
  listen: string;
  upstream: string;
  /** Whose traffic goes through it; a step with a narrower scope hits only proxies of that scope. */
  scope?: FaultScope;
}

/** Proxies created in front of a broker, and an injector that breaks them all at once. */
export interface NetworkFaults {
  injector: FaultInjector;
  /** Real listen addresses, by proxy name. */
  listen: Record<string, string>;
}

/**
 * Create toxiproxy proxies and return an injector over them: network faults become toxics on
 * every proxy (or the proxy disabled, for `cut`); healAll removes them and re-enables; close
 * deletes the proxies. `extra` adds process faults the environment can offer too.
 */
export async function networkFaults(apiUrl: string, proxies: ProxySpec[], scope: FaultScope, extra?: Partial<Pick<FaultInjector, "available" | "start">>): Promise<NetworkFaults> {
  const api = new Toxiproxy(apiUrl);
  const created: Proxy[] = [];
  const scopes = new Map<Proxy, FaultScope>();
  // Process faults in force, so healAll (a run's end, Ctrl-C) brings a killed or paused broker back.
  const processFaults = new Set<ActiveFault>();
  for (const p of proxies) {
    const existing = await api.get(p.name).catch(() => undefined);
    if (existing) await existing.remove();
    const proxy = await api.createProxy({ name: p.name, listen: p.listen, upstream: p.upstream, enabled: true });
    created.push(proxy);
    scopes.set(proxy, p.scope ?? "all");
  }
  const hit = (step: FaultStep): Proxy[] => {
    const targets = !step.scope || step.scope === "all" ? created : created.filter((p) => scopes.get(p) === step.scope);
    if (targets.length === 0) throw new Error(`no proxy here carries only ${step.scope}' traffic`);
    return targets;
  };
  const listen = Object.fromEntries(created.map((p) => [p.name, p.listen]));
  let counter = 0;
  const injector: FaultInjector = {
    available: [...NETWORK_FAULTS, ...(extra?.available ?? [])],
    scope,
    async start(step: FaultStep): Promise<ActiveFault> {
      if (!(NETWORK_FAULTS as readonly FaultName[]).includes(step.name)) {
        if (!extra?.start) throw new Error(`fault ${step.name} is not available here`);
        const fault = await extra.start(step);
        processFaults.add(fault);
        return { stop: async () => (processFaults.delete(fault) ? fault.stop() : undefined) };
      }
      const targets = hit(step);
      if (step.name === "cut") {
        for (const p of targets) await p.update({ listen: p.listen, upstream: p.upstream, enabled: false });
        return { stop: async () => void (await Promise.all(targets.map((p) => p.update({ listen: p.listen, upstream: p.upstream, enabled: true })))) };
      }
      const body = toxicFor(step, String(++counter));
      if (!body) throw new Error(`no toxic for fault ${step.name}`);
      const toxics: Toxic<unknown>[] = [];
      for (const p of targets) toxics.push(await p.addToxic(body as never));
      return { stop: async () => void (await Promise.all(toxics.map((t) => t.remove().catch(() => {})))) };
    },
    async healAll() {
      for (const fault of [...processFaults]) {
        processFaults.delete(fault);
        await fault.stop().catch(() => {});
      }
      for (const p of created) {
        // Ask the server, not the client's cached Proxy: toxics added by anyone are removed.
        const toxics = (await (await fetch(`${apiUrl}/proxies/${p.name}/toxics`)).json()) as { name: string }[];
        for (const t of toxics) await fetch(`${apiUrl}/proxies/${p.name}/toxics/${t.name}`, { method: "DELETE" });
        await p.update({ listen: p.listen, upstream: p.upstream, enabled: true });
      }
    },
    async close() {
      for (const p of created) await p.remove().catch(() => {});
    },
  };
  return { injector, listen };
}
