import { describe, expect, it } from "vitest";
import { formatClientsTable } from "./bench-clients-command.js";

const row = (client: string, cell: string, msgsPerSec: number, flags: string[] = []) => ({ client, version: "1", cell, mode: "batched", size: 100, n: 100, msgsPerSec, publishP99Ms: 1, flags });

describe("bench clients table", () => {
  it("puts each client's msgs/s side by side with its ratio to the first, and marks flagged cells", () => {
    const text = formatClientsTable([row("kafkajs", "batched/100/100", 50_000, ["behind-schedule"]), row("platformatic", "batched/100/100", 125_000)]);
    const line = text.split("\n").find((l) => l.startsWith("batched/100/100"))!;
    expect(line).toMatch(/50,000\*\s+125,000\s+2\.50$/);
    expect(text.split("\n")[0]).toMatch(/kafkajs msgs\/s\s+platformatic msgs\/s\s+platformatic÷kafkajs/);
  });
});
