import { UsageError } from "../core/errors.js";
import { describeKafkaTopics } from "../drivers/kafka/describe-topics.js";
import { parseKafkaUrl } from "../drivers/kafka/settings.js";
import { checkBroker } from "../environments/start.js";
import { type PlanInput, validatePlan } from "../plans/index.js";
import { kafkaPlanFromTopics } from "../plans/importers/kafka.js";

/** `gauntlet plan import kafka --broker kafka://… --topic NAME…`: the live topics' settings as a plan (validated). */
export async function importKafkaPlan(file: string | undefined, options: { broker?: string; topic?: string[] }): Promise<PlanInput> {
  if (file !== undefined) throw new UsageError(`plan import kafka: reads a live topic, not a file ("${file}")`, "drop the file; give --broker kafka://host:port --topic NAME");
  if (!options.broker) throw new UsageError("plan import kafka: --broker is required", "e.g. --broker kafka://127.0.0.1:9092 (npx gauntlet brokers status lists the local one)");
  if (!options.topic?.length) throw new UsageError("plan import kafka: --topic is required", "name the topic(s) to import, e.g. --topic orders");
  const broker = checkBroker(options.broker);
  if (broker.scheme !== "kafka") throw new UsageError(`--broker: plan import kafka reads a kafka:// broker, not ${broker.scheme}://`, "e.g. --broker kafka://127.0.0.1:9092");
  const described = await describeKafkaTopics(parseKafkaUrl(broker.url), options.topic);
  const plan = kafkaPlanFromTopics(described, broker.redacted.replace(/\?.*$/, ""));
  validatePlan(plan, `${options.topic.join(",")} (imported)`);
  return plan;
}
