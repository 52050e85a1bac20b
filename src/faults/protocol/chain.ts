import { type FaultInjector, type FaultName, type FaultScope, PROTOCOL_FAULTS } from "../../core/faults.js";
import { combineInjectors, protocolFaults } from "./faults.js";
import type { ProxyProtocol } from "./proxy.js";

/** Proxies in front of a broker with the injector over them. */
export interface ProxiedFaults {
  injector: FaultInjector;
  /** Where clients connect, host:port. */
  listen: string;
  close(): Promise<void>;
}

/** Builds the toxiproxy part (network and process faults): a proxy listening at `listen` forwarding to `upstream`. */
export type ToxiproxyPart = (listen: string, upstream: string) => Promise<ProxiedFaults>;

/**
 * The proxies a fault list needs in front of a broker: toxiproxy alone for network and process
 * faults, a protocol proxy alone for protocol faults, or both chained (client → toxiproxy →
 * protocol proxy → broker) so each fault acts where it can. Clients connect at `listen`.
 */
export async function proxiesFor(options: { protocol: ProxyProtocol; names: readonly FaultName[]; listen: string; upstream: string; scope: FaultScope; toxiproxy: ToxiproxyPart }): Promise<ProxiedFaults> {
  const isProtocol = (n: FaultName) => (PROTOCOL_FAULTS as readonly string[]).includes(n);
  const wantsProtocol = options.names.some(isProtocol);
  const wantsOthers = options.names.some((n) => !isProtocol(n));
  if (!wantsProtocol) return options.toxiproxy(options.listen, options.upstream);
  const proto = await protocolFaults(options.protocol, wantsOthers ? "127.0.0.1:0" : options.listen, options.upstream, options.scope);
  if (!wantsOthers) return proto;
  try {
    const net = await options.toxiproxy(options.listen, proto.listen);
    return {
      injector: combineInjectors(net.injector, proto.injector),
      listen: net.listen,
      close: async () => {
        await net.close();
        await proto.close();
      },
    };
  } catch (err) {
    await proto.close();
    throw err;
  }
}
