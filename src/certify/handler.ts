import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { UsageError, describeError } from "../core/errors.js";
import { nonJsonPath } from "./json.js";
import type { HandlerEnv, HandlerModule, Json } from "./types.js";

const REQUIRED = ["handle", "snapshot", "reset"] as const;
/** Real-time limit on one call into the handler (import, handle, reset, snapshot, restart) unless configured. */
export const DEFAULT_HANDLER_TIMEOUT_MS = 10_000;
const EXTENSIONS = [".js", ".mjs", ".cjs", ".ts", ".mts"];
/** Observes calls into the handler: called as a call starts, returns the function that marks its end. */
export type CallTracer = (call: string) => () => void;

/** How a handler is called: the time limit of each call, and who observes the calls. */
export interface HandlerOptions {
  /** Real-time limit of each call, in ms (default 10 s). */
  timeoutMs?: number;
  tracer?: CallTracer;
}

/** Imports so far in this process: each gets a URL Node's module cache has never seen, so no two loads or restarts share module state. */
let instances = 0;

/**
 * A loaded handler module. A consumer restart calls the module's `restart()` when it exports one;
 * otherwise the module is imported again under a fresh URL, so its top-level state starts over
 * as in a new process (modules it imports are not re-evaluated). Every load is a fresh instance
 * too: two LoadedHandlers of one file never share top-level state.
 */
export class LoadedHandler {
  private constructor(
    /** Path as the user gave it. */
    readonly path: string,
    readonly absolutePath: string,
    /** sha256 of the module file, hex. */
    readonly sha256: string,
    readonly env: HandlerEnv,
    /** The current instance (replaced by a re-import on restart). */
    public module: HandlerModule,
    /** Real-time limit of each call into the handler, in ms. */
    readonly timeoutMs: number,
    private readonly tracer: CallTracer | undefined,
  ) {}

  /** Import and validate a handler file; bad files throw UsageError (exit 3) naming what is wrong. */
  static async load(path: string, env: HandlerEnv, options: HandlerOptions = {}): Promise<LoadedHandler> {
    const absolutePath = resolve(path);
    let source: Buffer;
    try {
      source = await readFile(absolutePath);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UsageError(`handler ${path}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : describeError(err)}`, "pass a .js, .mjs or .ts module that exports handle, snapshot and reset");
    }
    const ext = extname(absolutePath);
    if (!EXTENSIONS.includes(ext)) throw new UsageError(`handler ${path}: unsupported file type "${ext}"`, `use one of ${EXTENSIONS.join(", ")}`);
    const sha256 = createHash("sha256").update(source).digest("hex");
    const timeoutMs = options.timeoutMs ?? DEFAULT_HANDLER_TIMEOUT_MS;
    const end = options.tracer?.("import of the module");
    try {
      const module = await settleWithin(importHandler(path, absolutePath, `?gauntlet-instance=${++instances}`), timeoutMs, () => notSettled(path, "importing the module", timeoutMs));
      return new LoadedHandler(path, absolutePath, sha256, env, module, timeoutMs, options.tracer);
    } finally {
      end?.();
    }
  }

  /** Does the module export its own restart()? */
  get hasRestart(): boolean {
    return typeof this.module.restart === "function";
  }

  /** Simulate a consumer process restart: restart(), else a fresh import of the module. */
  async restart(): Promise<void> {
    if (this.module.restart) {
      await this.call("restart", () => this.module.restart!(this.env));
      return;
    }
    const end = this.trace("re-import of the module (restart)");
    try {
      this.module = await settleWithin(importHandler(this.path, this.absolutePath, `?gauntlet-instance=${++instances}`), this.timeoutMs, () => notSettled(this.path, "re-importing the module (restart)", this.timeoutMs));
    } finally {
      end();
    }
  }

  /** Tell the tracer a call into the handler starts; returns the function that marks its end. */
  trace(call: string): () => void {
    return this.tracer ? this.tracer(call) : noop;
  }

  /** reset(): drop every effect and all state, durable and in-memory. */
  async reset(): Promise<void> {
    await this.call("reset", () => this.module.reset(this.env));
  }

  /** snapshot(), checked to be plain JSON. */
  async snapshot(): Promise<Json> {
    const value = await this.call("snapshot", () => this.module.snapshot(this.env));
    const bad = nonJsonPath(value);
    if (bad) throw new UsageError(`handler ${this.path}: snapshot() returned something that is not plain JSON at ${bad}`, "return plain objects, arrays, strings, finite numbers, booleans and null");
    return structuredClone(value) as Json;
  }

  private async call(name: string, fn: () => unknown): Promise<unknown> {
    const end = this.trace(`${name}()`);
    try {
      return await settleWithin((async () => fn())(), this.timeoutMs, () => notSettled(this.path, `${name}()`, this.timeoutMs));
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError(`handler ${this.path}: ${name}() threw: ${describeError(err)}`, `${name}() must not fail; see docs/certify.md`);
    } finally {
      end();
    }
  }
}

const noop = () => {};

/** "10 s", "1.5 s", "250 ms". */
export function formatTimeout(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}

function notSettled(path: string, what: string, ms: number): UsageError {
  return new UsageError(`handler ${path}: ${what} did not settle within ${formatTimeout(ms)}`, `every call into the handler must settle; raise the limit with --timeout if it is legitimately slow (see docs/certify.md)`);
}

/** `promise`, or the error `onTimeout` makes when it has not settled within `ms` (the timer is cleared either way). */
export async function settleWithin<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function importHandler(path: string, absolutePath: string, query: string): Promise<HandlerModule> {
  const isTs = /\.m?ts$/.test(absolutePath);
  const features = process.features as { typescript?: string | false };
  if (isTs && !features.typescript) {
    throw new UsageError(`handler ${path}: this Node (${process.version}) cannot load TypeScript modules`, "use Node >= 22.18 (type stripping), or compile the handler to .js");
  }
  let ns: Record<string, unknown>;
  try {
    ns = (await import(pathToFileURL(absolutePath).href + query)) as Record<string, unknown>;
  } catch (err) {
    const code = (err as { code?: string }).code;
    const fix = code === "ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX" ? "Node strips types only: avoid enums, namespaces and parameter properties, or compile to .js" : "fix the module so that it imports cleanly";
    throw new UsageError(`handler ${path}: cannot import it: ${describeError(err)}`, fix);
  }
  const missing = REQUIRED.filter((name) => typeof ns[name] !== "function");
  if (missing.length > 0) {
    const have = Object.keys(ns).filter((k) => k !== "default");
    throw new UsageError(
      `handler ${path}: missing export${missing.length > 1 ? "s" : ""} ${missing.map((m) => `${m}()`).join(", ")} (it exports ${have.length ? have.join(", ") : "nothing"})`,
      "a handler module exports handle(message, context), snapshot() and reset(); see docs/certify.md",
    );
  }
  for (const optional of ["restart", "arbitraryBody"]) {
    if (ns[optional] !== undefined && typeof ns[optional] !== "function") throw new UsageError(`handler ${path}: export ${optional} must be a function`, "export it as a function, or remove the export");
  }
  return ns as unknown as HandlerModule;
}
