/**
 * Cleanup on Ctrl-C / SIGTERM: stop what this command started (brokers, proxies, temp dirs),
 * then exit 130 / 143. Returns a function that removes the handler once cleanup is no longer due.
 */
export function onShutdown(cleanup: (signal: NodeJS.Signals) => Promise<void>): () => void {
  const handler = (signal: NodeJS.Signals) => {
    process.stderr.write(`\ngauntlet: ${signal} received, stopping what Gauntlet started...\n`);
    cleanup(signal)
      .catch((err) => process.stderr.write(`gauntlet: cleanup failed: ${(err as Error).message}\n`))
      .finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.once("SIGINT", handler);
  process.once("SIGTERM", handler);
  return () => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  };
}
