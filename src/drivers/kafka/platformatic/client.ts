import type { ClientOptions, KafkaClient } from "../client.js";
import type { KafkaSettings } from "../settings.js";
import { PlatformaticAdmin } from "./admin.js";
import { PlatformaticGroupConsumer } from "./consumer.js";
import { openPlatformaticSender } from "./producer.js";

/** `kafka://…?client=platformatic`: the driver's mapping on @platformatic/kafka. */
export async function connectPlatformatic(settings: KafkaSettings, options: ClientOptions = {}): Promise<KafkaClient> {
  const admin = await PlatformaticAdmin.connect(settings, options);
  return {
    createTopics: (topics, partitions, topicOptions) => admin.createTopics(topics, partitions, topicOptions),
    topicEnds: (topic) => admin.topicEnds(topic),
    committed: (group, topic) => admin.committed(group, topic),
    startGroupAt: (group, topic, offsets) => admin.startGroupAt(group, topic, offsets),
    sender: (partitionsOf) => openPlatformaticSender(settings, options, partitionsOf),
    member: (group, topic, entity, emit) => PlatformaticGroupConsumer.start(settings, group, topic, entity, options, emit),
    deleteGroups: (groups) => admin.deleteGroups(groups),
    deleteTopics: (topics) => admin.deleteTopics(topics),
    close: () => admin.close(),
  };
}
