import { defineConfig } from "vitest/config";

/**
 * Two projects, both run by `npm test`:
 * - unit: pure parts beside the code (src/**), no broker, no emulator, seconds;
 * - integration: the CLI, real brokers (RabbitMQ, Kafka, toxiproxy) and the Service Bus emulator
 *   driven by the real SDK (test/**, src/emulator/**).
 * `npx vitest run --project unit` runs only the fast ones.
 */
const INTEGRATION = ["test/**/*.test.ts", "src/emulator/**/*.test.ts"];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ["default", "./scripts/summary-reporter.ts"],
    projects: [
      { extends: true, test: { name: "unit", include: ["src/**/*.test.ts"], exclude: ["src/emulator/**"] } },
      { extends: true, test: { name: "integration", include: INTEGRATION } },
    ],
  },
});
