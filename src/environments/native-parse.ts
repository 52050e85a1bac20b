/** Parsing the native tools' console output. */

export interface ProducerPerfSummary {
  records: number;
  msgsPerSec: number;
  mbPerSec: number;
  avgLatencyMs: number;
  maxLatencyMs: number;
  line: string;
}

/**
 * kafka-producer-perf-test's final line:
 * `500000 records sent, 142857.1 records/sec (13.62 MB/sec), 618.63 ms avg latency, 908.00 ms max latency, 710 ms 50th, …`
 * (interim 5-second windows have the same shape; the last such line is the whole run).
 */
export function parseProducerPerformance(output: string): ProducerPerfSummary | undefined {
  const re = /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency[^\n]*/g;
  let last: RegExpExecArray | undefined;
  for (let m = re.exec(output); m; m = re.exec(output)) last = m;
  if (!last) return undefined;
  return { records: Number(last[1]), msgsPerSec: Number(last[2]), mbPerSec: Number(last[3]), avgLatencyMs: Number(last[4]), maxLatencyMs: Number(last[5]), line: last[0].trim() };
}

export interface PerfTestSummary {
  /** The tool's own "sending rate avg" over the whole run (JVM warm-up included). */
  sendingAvg: number;
  /** Per-second confirmed msgs/s samples, in order. */
  confirmedPerSecond: number[];
  /** Mean of the confirmed samples after the first second (warm-up excluded, as Gauntlet's cells), else sendingAvg. */
  msgsPerSec: number;
  how: string;
  lines: string[];
}

/**
 * RabbitMQ PerfTest's output: per-second lines
 * `id: test-…, time 2.001 s, sent: 13943 msg/s, confirmed: 13924 msg/s, nacked: 0 msg/s, …`
 * and the summary `id: test-…, sending rate avg: 13876 msg/s`.
 */
export function parsePerfTest(output: string): PerfTestSummary | undefined {
  const avg = /sending rate avg: (\d+(?:\.\d+)?) msg\/s/.exec(output);
  if (!avg) return undefined;
  const confirmed = [...output.matchAll(/time [\d.]+ s, sent: \d+(?:\.\d+)? msg\/s, confirmed: (\d+(?:\.\d+)?) msg\/s/g)].map((m) => Number(m[1]));
  const after = confirmed.slice(1);
  const sendingAvg = Number(avg[1]);
  const steady = after.length ? after.reduce((a, b) => a + b, 0) / after.length : sendingAvg;
  const lines = output.split("\n").filter((l) => /rate avg|confirm latency min/.test(l)).map((l) => l.trim());
  return {
    sendingAvg,
    confirmedPerSecond: confirmed,
    msgsPerSec: Math.round(steady * 10) / 10,
    how: after.length ? `mean confirmed msgs/s over seconds 2–${confirmed.length} (the first second is warm-up, excluded as in Gauntlet's cells)` : "the tool's sending rate avg",
    lines,
  };
}

/** kafka-producer-perf-test's steady rate: its 5-second windows after the first (the JVM's warm-up), pooled. */
export interface ProducerPerfSteady {
  /** Records ÷ seconds over the windows after the first; the whole-run average when there are fewer than two windows. */
  msgsPerSec: number;
  /** How many windows were pooled (0: the whole-run average was used). */
  windows: number;
  /** The first window's rate (the warm-up the steady rate leaves out). */
  firstWindow?: number;
}

export function producerPerfSteady(output: string): ProducerPerfSteady | undefined {
  const whole = parseProducerPerformance(output);
  if (!whole) return undefined;
  const re = /^(\d+) records sent, ([\d.]+) records\/sec \([\d.]+ MB\/sec\), [\d.]+ ms avg latency, [\d.]+ ms max latency\.$/gm;
  const windows: { records: number; rate: number }[] = [];
  for (let m = re.exec(output); m; m = re.exec(output)) windows.push({ records: Number(m[1]), rate: Number(m[2]) });
  const steady = windows.slice(1).filter((w) => w.rate > 0);
  if (steady.length === 0) return { msgsPerSec: whole.msgsPerSec, windows: 0, ...(windows[0] ? { firstWindow: windows[0].rate } : {}) };
  const records = steady.reduce((a, w) => a + w.records, 0);
  const seconds = steady.reduce((a, w) => a + w.records / w.rate, 0);
  return { msgsPerSec: Math.round((records / seconds) * 10) / 10, windows: steady.length, firstWindow: windows[0]!.rate };
}
