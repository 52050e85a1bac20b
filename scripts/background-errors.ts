/**
 * Errors that escape a client library outside any awaited call (a promise nobody awaits, a timer
 * callback) would end a bench with Node's "UnhandledPromiseRejection … reason #<c>" and lose
 * every figure measured so far. While a trap is set they are collected instead, described
 * without dumping the object (it may hold connection options), and the bench reports them on the
 * suite that raised them.
 */
export interface BackgroundErrors {
  /** The errors collected since the last call, described, then forgotten. */
  take(): string[];
  /** Remove the listeners. */
  dispose(): void;
}

/** `text` without credentials: `//user:password@` in URLs, SharedAccessKey / SharedAccessKeyName values. */
export function scrub(text: string): string {
  return text.replace(/(\/\/)[^@\s/]*@/g, "$1***@").replace(/(SharedAccessKey(?:Name)?=)[^;\s"']*/gi, "$1***");
}

/** A short description: class, then whichever of message / code / condition / description it has. */
export function describeBackground(reason: unknown): string {
  if (reason === null || typeof reason !== "object") return String(reason);
  const r = reason as Record<string, unknown>;
  const name = (reason as object).constructor?.name || "object";
  const parts = ["message", "code", "condition", "description"].flatMap((k) => (typeof r[k] === "string" || typeof r[k] === "number" ? [`${k}=${JSON.stringify(r[k])}`] : []));
  const cause = r.error ?? r.cause;
  const inner = cause && cause !== reason && typeof cause === "object" ? ` (cause: ${describeBackground(cause)})` : "";
  return scrub(`${name}${parts.length ? ` ${parts.join(" ")}` : ""}${inner}`).slice(0, 500);
}

/** Collect unhandled rejections and uncaught exceptions until dispose(). */
export function trapBackgroundErrors(): BackgroundErrors {
  let seen: string[] = [];
  const onRejection = (reason: unknown) => seen.push(`unhandled promise rejection: ${describeBackground(reason)}`);
  const onException = (err: unknown) => seen.push(`uncaught exception: ${describeBackground(err)}`);
  process.on("unhandledRejection", onRejection);
  process.on("uncaughtException", onException);
  return {
    take() {
      const out = seen;
      seen = [];
      return out;
    },
    dispose() {
      process.off("unhandledRejection", onRejection);
      process.off("uncaughtException", onException);
    },
  };
}
