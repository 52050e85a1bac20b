package gauntlet;

import com.azure.core.util.BinaryData;
import com.azure.core.util.IterableStream;
import com.azure.messaging.servicebus.*;
import com.azure.messaging.servicebus.models.*;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.*;

/**
 * Service Bus conformance scenarios with the official Java SDK (azure-messaging-servicebus), unmodified.
 * Usage: java -cp ... gauntlet.Conformance "connection string" [scenario...]. Prints "ok scenario" per scenario; exits 1 on failure.
 */
public final class Conformance {
  static String cs;
  static final Duration WAIT = Duration.ofSeconds(5);

  static void check(boolean cond, String what) {
    if (!cond) throw new AssertionError(what);
  }

  static ServiceBusClientBuilder builder() {
    return new ServiceBusClientBuilder().connectionString(cs);
  }

  static ServiceBusSenderClient sender(String queue) {
    return builder().sender().queueName(queue).buildClient();
  }

  static ServiceBusReceiverClient receiver(String queue) {
    return builder().receiver().queueName(queue).disableAutoComplete().buildClient();
  }

  static List<ServiceBusReceivedMessage> receive(ServiceBusReceiverClient r, int n, Duration wait) {
    List<ServiceBusReceivedMessage> out = new ArrayList<>();
    for (ServiceBusReceivedMessage m : r.receiveMessages(n, wait)) out.add(m);
    return out;
  }

  static void sendReceiveComplete() {
    try (ServiceBusSenderClient s = sender("basic")) {
      s.sendMessage(new ServiceBusMessage("hello").setMessageId("m-1").setSubject("greeting"));
    }
    try (ServiceBusReceiverClient r = receiver("basic")) {
      ServiceBusReceivedMessage m = receive(r, 1, WAIT).get(0);
      check(m.getBody().toString().equals("hello") && m.getMessageId().equals("m-1") && "greeting".equals(m.getSubject()), "got " + m.getBody());
      check(m.getDeliveryCount() == 0 && m.getSequenceNumber() >= 1 && m.getLockToken() != null, "stamps");
      r.complete(m);
      check(receive(r, 1, Duration.ofSeconds(1)).isEmpty(), "completed message came back");
    }
  }

  static void applicationProperties() {
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("int", 42);
    props.put("long", 9_000_000_000L);
    props.put("short", (short) -3);
    props.put("byte", (byte) 2);
    props.put("double", 2.25);
    props.put("float", 1.5f);
    props.put("bool", true);
    props.put("str", "s");
    props.put("uuid", new UUID(1, 2));
    props.put("char", 'x');
    ServiceBusMessage msg = new ServiceBusMessage("props");
    msg.getApplicationProperties().putAll(props);
    try (ServiceBusSenderClient s = sender("basic")) {
      s.sendMessage(msg);
    }
    try (ServiceBusReceiverClient r = receiver("basic")) {
      ServiceBusReceivedMessage m = receive(r, 1, WAIT).get(0);
      for (Map.Entry<String, Object> e : props.entrySet()) {
        Object got = m.getApplicationProperties().get(e.getKey());
        check(e.getValue().equals(got), e.getKey() + ": " + got + " (" + (got == null ? "null" : got.getClass().getSimpleName()) + ") != " + e.getValue());
      }
      r.complete(m);
    }
  }

  static void batchOf100() {
    try (ServiceBusSenderClient s = sender("basic")) {
      ServiceBusMessageBatch batch = s.createMessageBatch();
      for (int i = 0; i < 100; i++) check(batch.tryAddMessage(new ServiceBusMessage("b" + i)), "batch full at " + i);
      s.sendMessages(batch);
    }
    List<String> got = new ArrayList<>();
    try (ServiceBusReceiverClient r = receiver("basic")) {
      while (got.size() < 100) {
        List<ServiceBusReceivedMessage> ms = receive(r, 100, WAIT);
        check(!ms.isEmpty(), "only " + got.size() + " of 100");
        for (ServiceBusReceivedMessage m : ms) {
          got.add(m.getBody().toString());
          r.complete(m);
        }
      }
    }
    for (int i = 0; i < 100; i++) check(got.get(i).equals("b" + i), "batch order at " + i + ": " + got.get(i));
  }

  static void abandonAndMaxDelivery() {
    try (ServiceBusSenderClient s = sender("abandon")) {
      s.sendMessage(new ServiceBusMessage("a"));
    }
    try (ServiceBusReceiverClient r = receiver("abandon")) {
      ServiceBusReceivedMessage m = receive(r, 1, WAIT).get(0);
      r.abandon(m);
      m = receive(r, 1, WAIT).get(0);
      check(m.getDeliveryCount() == 1, "delivery count " + m.getDeliveryCount());
      r.abandon(m);
    }
    try (ServiceBusReceiverClient d = builder().receiver().queueName("abandon").subQueue(SubQueue.DEAD_LETTER_QUEUE).disableAutoComplete().buildClient()) {
      ServiceBusReceivedMessage m = receive(d, 1, WAIT).get(0);
      check("MaxDeliveryCountExceeded".equals(m.getDeadLetterReason()), "reason " + m.getDeadLetterReason());
      d.complete(m);
    }
  }

  static void deadLetter() {
    try (ServiceBusSenderClient s = sender("deadletter")) {
      s.sendMessage(new ServiceBusMessage("d").setMessageId("d-1"));
    }
    try (ServiceBusReceiverClient r = receiver("deadletter")) {
      ServiceBusReceivedMessage m = receive(r, 1, WAIT).get(0);
      r.deadLetter(m, new DeadLetterOptions().setDeadLetterReason("bad-input").setDeadLetterErrorDescription("field x missing"));
    }
    try (ServiceBusReceiverClient d = builder().receiver().queueName("deadletter").subQueue(SubQueue.DEAD_LETTER_QUEUE).disableAutoComplete().buildClient()) {
      ServiceBusReceivedMessage m = receive(d, 1, WAIT).get(0);
      check("d-1".equals(m.getMessageId()) && "bad-input".equals(m.getDeadLetterReason()), "dlq " + m.getDeadLetterReason());
      check("field x missing".equals(m.getDeadLetterErrorDescription()), "description");
      d.complete(m);
    }
  }

  static void lockRenew() throws InterruptedException {
    try (ServiceBusSenderClient s = sender("renew")) {
      s.sendMessage(new ServiceBusMessage("r"));
    }
    try (ServiceBusReceiverClient r = receiver("renew")) {
      ServiceBusReceivedMessage m = receive(r, 1, WAIT).get(0);
      OffsetDateTime before = m.getLockedUntil();
      Thread.sleep(200);
      OffsetDateTime after = r.renewMessageLock(m);
      check(after != null && after.isAfter(before), "renewed " + after + " <= " + before);
      r.complete(m);
    }
  }

  static void lockExpiry() throws InterruptedException {
    try (ServiceBusSenderClient s = sender("expiry")) {
      s.sendMessage(new ServiceBusMessage("e"));
    }
    // The Java receiver renews locks by itself unless told not to.
    try (ServiceBusReceiverClient r = builder().receiver().queueName("expiry").disableAutoComplete().maxAutoLockRenewDuration(Duration.ZERO).buildClient()) {
      ServiceBusReceivedMessage m = receive(r, 1, WAIT).get(0);
      Thread.sleep(1500);
      try {
        r.complete(m);
        throw new AssertionError("settling an expired lock succeeded");
      } catch (ServiceBusException e) {
        check(e.getReason() == ServiceBusFailureReason.MESSAGE_LOCK_LOST, "reason " + e.getReason());
      }
      m = receive(r, 1, WAIT).get(0);
      check(m.getDeliveryCount() == 1, "redelivered with count " + m.getDeliveryCount());
      r.complete(m);
    }
  }

  static void defer() {
    try (ServiceBusSenderClient s = sender("defer")) {
      s.sendMessage(new ServiceBusMessage("later"));
    }
    try (ServiceBusReceiverClient r = receiver("defer")) {
      ServiceBusReceivedMessage m = receive(r, 1, WAIT).get(0);
      long seq = m.getSequenceNumber();
      r.defer(m);
      ServiceBusReceivedMessage d = r.receiveDeferredMessage(seq);
      check(d != null && d.getBody().toString().equals("later") && d.getLockToken() != null, "deferred");
      r.complete(d);
    }
  }

  static void peek() {
    try (ServiceBusSenderClient s = sender("peek")) {
      s.sendMessages(List.of(new ServiceBusMessage("p0"), new ServiceBusMessage("p1"), new ServiceBusMessage("p2")));
    }
    try (ServiceBusReceiverClient r = receiver("peek")) {
      List<String> peeked = new ArrayList<>();
      for (ServiceBusReceivedMessage m : r.peekMessages(10)) peeked.add(m.getBody().toString());
      check(peeked.equals(List.of("p0", "p1", "p2")), "peek " + peeked);
      List<ServiceBusReceivedMessage> got = receive(r, 3, WAIT);
      check(got.size() == 3, "peeked messages not received");
      for (ServiceBusReceivedMessage m : got) r.complete(m);
    }
  }

  static void scheduleAndCancel() {
    OffsetDateTime at = OffsetDateTime.now().plusSeconds(1);
    try (ServiceBusSenderClient s = sender("schedule")) {
      Long keep = s.scheduleMessage(new ServiceBusMessage("keep"), at);
      Long drop = s.scheduleMessage(new ServiceBusMessage("drop"), at);
      check(keep != null && drop != null && !keep.equals(drop), "sequence numbers " + keep + " " + drop);
      s.cancelScheduledMessage(drop);
    }
    try (ServiceBusReceiverClient r = receiver("schedule")) {
      List<ServiceBusReceivedMessage> got = receive(r, 2, WAIT);
      check(got.size() == 1 && got.get(0).getBody().toString().equals("keep"), "got " + got.size());
      r.complete(got.get(0));
    }
  }

  static void receiveAndDelete() {
    try (ServiceBusSenderClient s = sender("deleting")) {
      s.sendMessage(new ServiceBusMessage("gone"));
    }
    try (ServiceBusReceiverClient r = builder().receiver().queueName("deleting").receiveMode(ServiceBusReceiveMode.RECEIVE_AND_DELETE).buildClient()) {
      List<ServiceBusReceivedMessage> got = receive(r, 1, WAIT);
      check(got.size() == 1 && got.get(0).getBody().toString().equals("gone"), "receive and delete");
      check(!r.peekMessages(5).iterator().hasNext(), "message still there");
    }
  }

  static void duplicateDetection() {
    try (ServiceBusSenderClient s = sender("dedup")) {
      s.sendMessage(new ServiceBusMessage("one").setMessageId("same"));
      s.sendMessage(new ServiceBusMessage("two").setMessageId("same"));
    }
    try (ServiceBusReceiverClient r = receiver("dedup")) {
      List<ServiceBusReceivedMessage> got = receive(r, 2, Duration.ofSeconds(2));
      check(got.size() == 1 && got.get(0).getBody().toString().equals("one"), "dedup " + got.size());
      r.complete(got.get(0));
    }
  }

  static void sessions() throws InterruptedException {
    try (ServiceBusSenderClient s = sender("sessions")) {
      List<ServiceBusMessage> ms = new ArrayList<>();
      for (String sid : List.of("a", "b")) for (int i = 0; i < 3; i++) ms.add(new ServiceBusMessage(sid + "-" + i).setSessionId(sid));
      s.sendMessages(ms);
    }
    ServiceBusSessionReceiverClient sessions = builder().sessionReceiver().queueName("sessions").disableAutoComplete().buildClient();
    try (ServiceBusReceiverClient r = sessions.acceptSession("b")) {
      List<ServiceBusReceivedMessage> got = receive(r, 3, WAIT);
      List<String> bodies = new ArrayList<>();
      for (ServiceBusReceivedMessage m : got) bodies.add(m.getBody().toString());
      check(bodies.equals(List.of("b-0", "b-1", "b-2")), "session order " + bodies);
      r.setSessionState("halfway".getBytes());
      check("halfway".equals(new String(r.getSessionState())), "session state");
      OffsetDateTime renewed = r.renewSessionLock();
      check(renewed != null && renewed.isAfter(OffsetDateTime.now()), "session lock renew " + renewed);
      for (ServiceBusReceivedMessage m : got) r.complete(m);
    }
    try (ServiceBusReceiverClient r = sessions.acceptNextSession()) {
      check("a".equals(r.getSessionId()), "next available " + r.getSessionId());
      for (ServiceBusReceivedMessage m : receive(r, 3, WAIT)) r.complete(m);
    }
    sessions.close();
  }

  static void topicFilters() {
    try (ServiceBusSenderClient s = builder().sender().topicName("events").buildClient()) {
      s.sendMessages(List.of(new ServiceBusMessage("invoice").setSubject("billing"), new ServiceBusMessage("hello").setSubject("other"),
          withProps("eu-big", "eu", 50), withProps("eu-small", "eu", 5), withProps("us-big", "us", 50)));
    }
    check(subscriptionBodies("all").equals(List.of("eu-big", "eu-small", "hello", "invoice", "us-big")), "fan-out to all");
    check(subscriptionBodies("billing").equals(List.of("invoice")), "correlation filter");
    List<String> sql = subscriptionBodies("eu-sql");
    check(sql.equals(List.of("eu-big")), "SQL filter region = 'eu' AND amount >= 10: " + sql);
    subscriptionBodies("dynamic");
  }

  static ServiceBusMessage withProps(String body, String region, int amount) {
    ServiceBusMessage m = new ServiceBusMessage(body);
    m.getApplicationProperties().put("region", region);
    m.getApplicationProperties().put("amount", amount);
    return m;
  }

  /** The rule manager: $Default, replaced by a SQL rule; routing follows; duplicate names refused. */
  static void ruleManager() {
    try (ServiceBusRuleManagerClient rules = builder().ruleManager().topicName("events").subscriptionName("dynamic").buildClient()) {
      List<String> names = new ArrayList<>();
      for (com.azure.messaging.servicebus.administration.models.RuleProperties r : rules.listRules()) names.add(r.getName());
      check(names.equals(List.of("$Default")), "initial rules " + names);
      rules.deleteRule("$Default");
      rules.createRule("gold", new com.azure.messaging.servicebus.administration.models.CreateRuleOptions(new com.azure.messaging.servicebus.administration.models.SqlRuleFilter("tier = 'gold'")));
      names.clear();
      String expression = null;
      for (com.azure.messaging.servicebus.administration.models.RuleProperties r : rules.listRules()) {
        names.add(r.getName());
        if (r.getFilter() instanceof com.azure.messaging.servicebus.administration.models.SqlRuleFilter f) expression = f.getSqlExpression();
      }
      check(names.equals(List.of("gold")) && "tier = 'gold'".equals(expression), "rules after create " + names + " " + expression);
      try {
        rules.createRule("gold", new com.azure.messaging.servicebus.administration.models.CreateRuleOptions(new com.azure.messaging.servicebus.administration.models.SqlRuleFilter("1=1")));
        throw new AssertionError("a duplicate rule name was accepted");
      } catch (ServiceBusException e) {
        // expected: MessagingEntityAlreadyExists
      }
    }
    try (ServiceBusSenderClient s = builder().sender().topicName("events").buildClient()) {
      ServiceBusMessage gold = new ServiceBusMessage("gold");
      gold.getApplicationProperties().put("tier", "gold");
      s.sendMessages(List.of(gold, new ServiceBusMessage("plain")));
    }
    List<String> got = subscriptionBodies("dynamic");
    check(got.equals(List.of("gold")), "dynamic subscription got " + got);
    subscriptionBodies("all");
  }

  static List<String> subscriptionBodies(String sub) {
    try (ServiceBusReceiverClient r = builder().receiver().topicName("events").subscriptionName(sub).disableAutoComplete().buildClient()) {
      List<String> out = new ArrayList<>();
      for (ServiceBusReceivedMessage m : receive(r, 10, Duration.ofSeconds(2))) {
        out.add(m.getBody().toString());
        r.complete(m);
      }
      Collections.sort(out);
      return out;
    }
  }

  static void wrongKey() {
    String bad = cs.replace("SharedAccessKey=", "SharedAccessKey=wrong");
    try (ServiceBusSenderClient s = new ServiceBusClientBuilder().connectionString(bad)
        .retryOptions(new com.azure.core.amqp.AmqpRetryOptions().setMaxRetries(0).setTryTimeout(Duration.ofSeconds(10)))
        .sender().queueName("basic").buildClient()) {
      s.sendMessage(new ServiceBusMessage("x"));
      throw new AssertionError("a wrong key was accepted");
    } catch (ServiceBusException e) {
      check(e.getReason() == ServiceBusFailureReason.UNAUTHORIZED, "reason " + e.getReason());
    }
  }

  interface Scenario {
    void run() throws Exception;
  }

  public static void main(String[] args) {
    cs = args[0];
    Set<String> only = new HashSet<>(Arrays.asList(args).subList(1, args.length));
    Map<String, Scenario> scenarios = new LinkedHashMap<>();
    scenarios.put("send_receive_complete", Conformance::sendReceiveComplete);
    scenarios.put("application_properties", Conformance::applicationProperties);
    scenarios.put("batch_of_100", Conformance::batchOf100);
    scenarios.put("abandon_and_max_delivery", Conformance::abandonAndMaxDelivery);
    scenarios.put("dead_letter", Conformance::deadLetter);
    scenarios.put("lock_renew", Conformance::lockRenew);
    scenarios.put("lock_expiry", Conformance::lockExpiry);
    scenarios.put("defer", Conformance::defer);
    scenarios.put("peek", Conformance::peek);
    scenarios.put("schedule_and_cancel", Conformance::scheduleAndCancel);
    scenarios.put("receive_and_delete", Conformance::receiveAndDelete);
    scenarios.put("duplicate_detection", Conformance::duplicateDetection);
    scenarios.put("sessions", Conformance::sessions);
    scenarios.put("topic_filters", Conformance::topicFilters);
    scenarios.put("wrong_key", Conformance::wrongKey);
    scenarios.put("rule_manager", Conformance::ruleManager);
    scenarios.put("administration", () -> Administration.run(cs, builder()));
    for (Map.Entry<String, Scenario> e : scenarios.entrySet()) {
      if (!only.isEmpty() && !only.contains(e.getKey())) continue;
      long t = System.nanoTime();
      try {
        e.getValue().run();
      } catch (Throwable err) {
        System.out.println("FAIL " + e.getKey() + ": " + err);
        System.out.flush();
        System.exit(1);
      }
      System.out.printf("ok %s %.2fs%n", e.getKey(), (System.nanoTime() - t) / 1e9);
      System.out.flush();
    }
    System.exit(0);
  }
}
