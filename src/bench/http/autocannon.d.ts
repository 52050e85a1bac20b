/** The part of autocannon 9's programmatic API that `gauntlet bench http` uses (the package ships no types). */
declare module "autocannon" {
  import type { EventEmitter } from "node:events";

  namespace autocannon {
    interface RequestParams {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
    }
    interface Request extends RequestParams {
      /** Called right before each request is written; return the request to send (or a falsy value to restart the list). */
      setupRequest?: (req: RequestParams, context: Record<string, unknown>) => RequestParams | null | undefined;
      /** Called with each complete response; header names as the server sent them. */
      onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string | string[]>) => void;
    }
    interface Options {
      url: string;
      connections?: number;
      pipelining?: number;
      /** Seconds. */
      duration?: number;
      /** Seconds. */
      timeout?: number;
      method?: string;
      headers?: Record<string, string>;
      requests?: Request[];
      overallRate?: number;
      connectionRate?: number;
      ignoreCoordinatedOmission?: boolean;
      skipAggregateResult?: boolean;
      excludeErrorStats?: boolean;
      sampleInt?: number;
    }
    /** A histogram as autocannon reports it (latency in ms; requests and throughput per sample). */
    interface Histogram {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      total?: number;
      totalCount?: number;
      sent?: number;
      p0_001: number;
      p0_01: number;
      p0_1: number;
      p1: number;
      p2_5: number;
      p10: number;
      p25: number;
      p50: number;
      p75: number;
      p90: number;
      p97_5: number;
      p99: number;
      p99_9: number;
      p99_99: number;
      p99_999: number;
    }
    interface Result {
      url: string;
      connections: number;
      pipelining: number;
      duration: number;
      samples: number;
      start: Date;
      finish: Date;
      errors: number;
      timeouts: number;
      mismatches: number;
      non2xx: number;
      resets: number;
      "1xx": number;
      "2xx": number;
      "3xx": number;
      "4xx": number;
      "5xx": number;
      statusCodeStats: Record<string, { count: number }>;
      latency: Histogram;
      requests: Histogram;
      throughput: Histogram;
    }
    /** With skipAggregateResult: histograms still encoded (compressed base64). */
    interface RawResult {
      latencies: string;
      requests: string;
      throughput: string;
      totalCompletedRequests: number;
      totalRequests: number;
      totalBytes: number;
      samples: number;
      errors: number;
      timeouts: number;
      mismatches: number;
      non2xx: number;
      statusCodeStats: Record<string, { count: number }>;
      resets: number;
      duration: number;
      start: Date;
      finish: Date;
    }
    interface Instance extends EventEmitter, PromiseLike<Result | RawResult> {
      stop(): void;
    }
    function aggregateResult(results: RawResult[], opts?: Partial<Options>): Result;
  }
  function autocannon(opts: autocannon.Options): autocannon.Instance;
  export = autocannon;
}
