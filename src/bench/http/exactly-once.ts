/**
 * The HTTP-ingress contract: every order answered 2xx produced exactly one OrderPlaced event,
 * and no event exists for an order answered otherwise.
 */

/** One request as the load generator saw it; `status` is absent when no response came back. */
export interface RequestOutcome {
  requestId: string;
  status?: number;
  /** The orderId in the response body (2xx, and 5xx bodies that carry one). */
  orderId?: string;
}

/** One consumed OrderPlaced event. */
export interface ConsumedEvent {
  orderId?: string;
  /** The event's correlationId: the x-request-id of the request that placed it. */
  requestId?: string;
}

export interface ExactlyOnceResult {
  ok: boolean;
  /** Orders answered 2xx. */
  accepted: number;
  /** Orders answered with another status. */
  rejected: number;
  /** Requests without a response (timeouts, connection errors, in flight when the run stopped). */
  unanswered: number;
  events: number;
  /** 2xx orders with no event (or a 2xx without an orderId). */
  missing: number;
  /** 2xx orders with more than one event. */
  duplicated: number;
  /** Events beyond the first for the duplicated orders. */
  extraEvents: number;
  /** Events for a non-2xx order, or matching no request at all. */
  unexpected: number;
  /** Events for requests that got no response: the client cannot know; reported, not a failure. */
  unansweredWithEvent: number;
  examples: { missing: string[]; duplicated: string[]; unexpected: string[] };
}

const EXAMPLES = 10;

export function checkExactlyOnce(requests: Iterable<RequestOutcome>, events: readonly ConsumedEvent[]): ExactlyOnceResult {
  const byRequest = new Map<string, RequestOutcome>();
  const accepted = new Set<string>();
  let rejected = 0;
  let unanswered = 0;
  let missing = 0;
  const examples: ExactlyOnceResult["examples"] = { missing: [], duplicated: [], unexpected: [] };
  const note = (list: string[], text: string) => list.length < EXAMPLES && list.push(text);
  for (const r of requests) {
    byRequest.set(r.requestId, r);
    if (r.status === undefined) unanswered++;
    else if (r.status >= 200 && r.status < 300) {
      if (r.orderId === undefined) {
        missing++;
        note(examples.missing, `${r.requestId}: ${r.status} without an orderId`);
      } else accepted.add(r.orderId);
    } else rejected++;
  }
  const counts = new Map<string, number>();
  let unexpected = 0;
  let unansweredWithEvent = 0;
  for (const e of events) {
    if (e.orderId !== undefined && accepted.has(e.orderId)) {
      counts.set(e.orderId, (counts.get(e.orderId) ?? 0) + 1);
      continue;
    }
    const r = e.requestId === undefined ? undefined : byRequest.get(e.requestId);
    if (r && r.status === undefined) {
      unansweredWithEvent++;
      continue;
    }
    unexpected++;
    note(examples.unexpected, r ? `${e.orderId ?? "?"} (request ${r.requestId} answered ${r.status})` : `${e.orderId ?? "?"} (matches no request)`);
  }
  let duplicated = 0;
  let extraEvents = 0;
  for (const orderId of accepted) {
    const c = counts.get(orderId) ?? 0;
    if (c === 0) {
      missing++;
      note(examples.missing, orderId);
    } else if (c > 1) {
      duplicated++;
      extraEvents += c - 1;
      note(examples.duplicated, `${orderId} ×${c}`);
    }
  }
  return {
    ok: missing === 0 && duplicated === 0 && unexpected === 0,
    accepted: accepted.size,
    rejected,
    unanswered,
    events: events.length,
    missing,
    duplicated,
    extraEvents,
    unexpected,
    unansweredWithEvent,
    examples,
  };
}
