package gauntlet;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.exception.ResourceExistsException;
import com.azure.core.exception.ResourceNotFoundException;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.messaging.servicebus.*;
import com.azure.messaging.servicebus.administration.*;
import com.azure.messaging.servicebus.administration.models.*;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.*;

/**
 * The administration client (ATOM over HTTP): entities created, read, updated, listed and deleted at
 * run time, then used over AMQP. The Java builder keeps only the host of the connection string's
 * Endpoint (the port is dropped) and always says https, so no unmodified program reaches an
 * emulator on another port; one public-API policy sends its requests to http://host:port instead.
 */
final class Administration {
  private Administration() {}

  static ServiceBusAdministrationClient client(String cs) throws Exception {
    String endpoint = cs.replaceAll("(?i).*Endpoint=([^;]+).*", "$1");
    URI sb = new URI(endpoint);
    HttpPipelinePolicy toEmulator = (ctx, next) -> {
      try {
        URL u = ctx.getHttpRequest().getUrl();
        ctx.getHttpRequest().setUrl(new URL("http", sb.getHost(), sb.getPort(), u.getFile()));
      } catch (java.net.MalformedURLException e) {
        throw new IllegalStateException(e);
      }
      return next.process();
    };
    return new ServiceBusAdministrationClientBuilder().connectionString(cs).addPolicy(toEmulator).buildClient();
  }

  static void check(boolean cond, String what) {
    if (!cond) throw new AssertionError(what);
  }

  static void run(String cs, ServiceBusClientBuilder builder) throws Exception {
    ServiceBusAdministrationClient admin = client(cs);
    QueueProperties q = admin.createQueue("java-admin-q", new CreateQueueOptions().setLockDuration(Duration.ofSeconds(30)).setMaxDeliveryCount(4));
    check(q.getLockDuration().equals(Duration.ofSeconds(30)) && q.getMaxDeliveryCount() == 4, "created " + q.getName());
    try {
      admin.createQueue("java-admin-q");
      throw new AssertionError("409 expected");
    } catch (ResourceExistsException expected) {
    }
    q.setMaxDeliveryCount(6);
    admin.updateQueue(q);
    check(admin.getQueue("java-admin-q").getMaxDeliveryCount() == 6, "updated max delivery count");
    List<String> names = new ArrayList<>();
    admin.listQueues().forEach(x -> names.add(x.getName()));
    check(names.contains("java-admin-q"), "listed " + names);
    try (ServiceBusSenderClient s = builder.sender().queueName("java-admin-q").buildClient()) {
      s.sendMessage(new ServiceBusMessage("made at run time"));
    }
    check(admin.getQueueRuntimeProperties("java-admin-q").getActiveMessageCount() == 1, "runtime count");
    try (ServiceBusReceiverClient r = builder.receiver().queueName("java-admin-q").disableAutoComplete().buildClient()) {
      List<ServiceBusReceivedMessage> got = new ArrayList<>();
      r.receiveMessages(1, Duration.ofSeconds(5)).forEach(got::add);
      check(got.size() == 1 && got.get(0).getBody().toString().equals("made at run time"), "received " + got.size());
      r.complete(got.get(0));
    }

    admin.createTopic("java-admin-t");
    admin.createSubscription("java-admin-t", "eu");
    admin.deleteRule("java-admin-t", "eu", "$Default");
    // Java's createRule takes (topic, rule, subscription).
    admin.createRule("java-admin-t", "region", "eu", new CreateRuleOptions().setFilter(new SqlRuleFilter("region = 'eu'")));
    admin.createRule("java-admin-t", "vip", "eu", new CreateRuleOptions().setFilter(new CorrelationRuleFilter().setCorrelationId("vip")));
    List<String> rules = new ArrayList<>();
    admin.listRules("java-admin-t", "eu").forEach(x -> rules.add(x.getName()));
    Collections.sort(rules);
    check(rules.equals(List.of("region", "vip")), "rules " + rules);
    RuleFilter filter = admin.getRule("java-admin-t", "eu", "region").getFilter();
    check(filter instanceof SqlRuleFilter && ((SqlRuleFilter) filter).getSqlExpression().equals("region = 'eu'"), "sql rule read back");
    try (ServiceBusSenderClient s = builder.sender().topicName("java-admin-t").buildClient()) {
      ServiceBusMessage eu = new ServiceBusMessage("eu");
      eu.getApplicationProperties().put("region", "eu");
      ServiceBusMessage us = new ServiceBusMessage("us");
      us.getApplicationProperties().put("region", "us");
      s.sendMessages(List.of(eu, us, new ServiceBusMessage("vip").setCorrelationId("vip")));
    }
    List<String> bodies = new ArrayList<>();
    try (ServiceBusReceiverClient r = builder.receiver().topicName("java-admin-t").subscriptionName("eu").receiveMode(ServiceBusReceiveMode.RECEIVE_AND_DELETE).buildClient()) {
      r.receiveMessages(10, Duration.ofSeconds(2)).forEach(m -> bodies.add(m.getBody().toString()));
    }
    Collections.sort(bodies);
    check(bodies.equals(List.of("eu", "vip")), "routed by rules created at run time: " + bodies);

    try {
      admin.createQueue("java-bad", new CreateQueueOptions().setLockDuration(Duration.ofMinutes(10)));
      throw new AssertionError("400 expected");
    } catch (HttpResponseException e) {
      check(e.getResponse().getStatusCode() == 400, "bad definition: " + e.getResponse().getStatusCode());
    }
    admin.deleteTopic("java-admin-t");
    admin.deleteQueue("java-admin-q");
    check(!admin.getQueueExists("java-admin-q"), "deleted queue still exists");
    try {
      admin.deleteQueue("java-admin-q");
      throw new AssertionError("404 expected");
    } catch (ResourceNotFoundException expected) {
    }
  }
}
