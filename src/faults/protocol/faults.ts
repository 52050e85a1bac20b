import { UsageError } from "../../core/errors.js";
import { FAULTS, type FaultInjector, type FaultName, type FaultProtocol, type FaultScope, type FaultStep, protocolFaultsOf, protocolStepProblem } from "../../core/faults.js";
import { REPLY_TEXT, channelClose, connectionBlocked, connectionUnblocked } from "./amqp-answers.js";
import { KAFKA_ERRORS, commitErrorResponse, heartbeatErrorResponse, produceErrorResponse, produceResponseWithError } from "./kafka-answers.js";
import { type ProxyProtocol, type StartedProtocolProxy, startProtocolProxy } from "./proxy.js";
import { ArmedRule, type RuleSpec } from "./rules.js";

const CONFIRMS = ["basic.ack", "basic.nack"];

/** Kafka protocol faults on frames only consumers send or receive: consumers go behind the proxy too. */
export const KAFKA_CONSUMER_FAULTS: readonly FaultName[] = ["lost-commit-response", "coordinator-loading", "rebalance-in-progress"];

/** The rule a protocol fault step puts in force (params over the fault table's defaults). */
export function ruleFor(step: FaultStep): RuleSpec {
  const p: Record<string, number> = { ...FAULTS[step.name].defaults, ...step.params };
  const base = { name: step.name, nth: p.nth ?? 1, ...(p.tag !== undefined ? { tag: p.tag } : {}) };
  switch (step.name) {
    case "lost-confirm":
      return { ...base, dir: "to-client", kinds: CONFIRMS, action: { do: "drop-close" } };
    case "delayed-confirm":
      return { ...base, dir: "to-client", kinds: CONFIRMS, action: { do: "delay", ms: p.delay ?? 200 } };
    case "lost-consumer-ack":
      return { ...base, dir: "to-broker", kinds: ["basic.ack"], action: { do: "drop-close" } };
    case "connection-blocked":
      return { ...base, dir: "to-broker", kinds: ["basic.publish"], action: { do: "hold", ms: p.delay ?? 2000, notice: connectionBlocked("low on memory (injected by gauntlet)"), resume: connectionUnblocked() } };
    case "channel-close": {
      const code = p.code ?? 541;
      return { ...base, dir: "to-broker", kinds: ["basic.publish"], action: { do: "close-channel", close: (channel) => channelClose(channel, code, REPLY_TEXT[code] ?? `${code}`, [60, 40]) } };
    }
    case "rebalance-in-progress":
      return { ...base, count: p.count ?? 1, dir: "to-broker", kinds: ["Heartbeat"], action: { do: "answer", reply: (f) => heartbeatErrorResponse(f.raw, KAFKA_ERRORS.REBALANCE_IN_PROGRESS) } };
    case "lost-produce-response":
      return { ...base, dir: "to-client", kinds: ["Produce"], action: { do: "drop-close" } };
    case "lost-commit-response":
      return { ...base, dir: "to-client", kinds: ["OffsetCommit"], action: { do: "drop-close" } };
    case "coordinator-loading":
      return { ...base, count: p.count ?? 1, dir: "to-broker", kinds: ["OffsetCommit"], action: { do: "answer", reply: (f) => commitErrorResponse(f.raw, KAFKA_ERRORS.COORDINATOR_LOAD_IN_PROGRESS) } };
    case "not-leader":
      return { ...base, count: p.count ?? 1, dir: "to-broker", kinds: ["Produce"], action: { do: "answer", reply: (f) => produceErrorResponse(f.raw, KAFKA_ERRORS.NOT_LEADER_OR_FOLLOWER) } };
    case "produce-timed-out":
      return { ...base, dir: "to-client", kinds: ["Produce"], action: { do: "answer", reply: (f) => produceResponseWithError(f.raw, f.apiVersion ?? -1, KAFKA_ERRORS.REQUEST_TIMED_OUT) } };
    default:
      throw new UsageError(`${step.name} is not a protocol fault`, `protocol faults: ${[...protocolFaultsOf("amqp-0-9-1"), ...protocolFaultsOf("kafka")].join(", ")}`);
  }
}

/** Fail (exit 3) naming the fault and the valid ones when a step cannot act on this protocol or never matches. */
export function checkProtocolStep(protocol: FaultProtocol, step: FaultStep): void {
  const valid = protocolFaultsOf(protocol);
  if (!valid.includes(step.name)) throw new UsageError(`fault ${step.name}: the ${protocol} protocol has no such frame`, `protocol faults on ${protocol}: ${valid.join(", ")}`);
  const problem = protocolStepProblem(step);
  if (problem) throw new UsageError(`fault ${problem}`, `protocol faults on ${protocol}: ${valid.join(", ")}; see docs/faults.md`);
}

/**
 * A protocol proxy in front of a broker and an injector over it: a window arms its fault's rule,
 * its end (or healAll) disarms it and records whether the trigger matched; close() stops the proxy.
 */
export async function protocolFaults(
  protocol: ProxyProtocol,
  listen: string,
  upstream: string,
  scope: FaultScope,
): Promise<{ injector: FaultInjector; proxy: StartedProtocolProxy; listen: string; close(): Promise<void> }> {
  const proxy = await startProtocolProxy({ protocol, listen, upstream });
  const injector: FaultInjector = {
    available: protocolFaultsOf(protocol),
    scope,
    async start(step) {
      checkProtocolStep(protocol, step);
      const rule = proxy.arm(ruleFor(step));
      return { stop: async () => (proxy.disarm(rule), rule.report()) };
    },
    async healAll() {
      proxy.disarmAll();
    },
    close: () => proxy.stop(),
  };
  return { injector, proxy, listen: proxy.listen, close: () => proxy.stop() };
}

/**
 * Protocol proxies in front of every node of a cluster (one per upstream, listening on loopback,
 * at `at[i]` when given — a port the node advertises — else any free port) and one injector over
 * them: a window's rule is shared, so `nth` counts the frames of every node together, as it
 * counts every connection of one proxy. Clients connect at `listens`.
 */
export async function clusterProtocolFaults(
  protocol: ProxyProtocol,
  upstreams: readonly string[],
  scope: FaultScope,
  at?: readonly string[],
): Promise<{ injector: FaultInjector; listens: string[]; close(): Promise<void> }> {
  const proxies: StartedProtocolProxy[] = [];
  const close = async () => void (await Promise.allSettled(proxies.map((p) => p.stop())));
  try {
    for (const [i, upstream] of upstreams.entries()) proxies.push(await startProtocolProxy({ protocol, listen: at?.[i] ?? "127.0.0.1:0", upstream }));
  } catch (err) {
    await close();
    throw err;
  }
  const injector: FaultInjector = {
    available: protocolFaultsOf(protocol),
    scope,
    async start(step) {
      checkProtocolStep(protocol, step);
      const rule = new ArmedRule(ruleFor(step));
      for (const p of proxies) p.add(rule);
      return {
        stop: async () => {
          for (const p of proxies) p.disarm(rule);
          return rule.report();
        },
      };
    },
    async healAll() {
      for (const p of proxies) p.disarmAll();
    },
    close,
  };
  return { injector, listens: proxies.map((p) => p.listen), close };
}

/** One injector over two (network and protocol faults through chained proxies): each step goes to the one offering it. */
export function combineInjectors(first: FaultInjector, second: FaultInjector): FaultInjector {
  const owner = (name: FaultName) => (second.available.includes(name) && !first.available.includes(name) ? second : first);
  return {
    available: [...new Set([...first.available, ...second.available])],
    scope: first.scope,
    start: (step) => owner(step.name).start(step),
    async healAll() {
      await Promise.all([first.healAll(), second.healAll()]);
    },
    async close() {
      await Promise.allSettled([first.close(), second.close()]);
    },
  };
}
