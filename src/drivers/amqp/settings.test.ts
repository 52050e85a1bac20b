import { describe, expect, it } from "vitest";
import { parseAmqpUrl } from "./settings.js";

describe("amqp:// ?management= (where plans read queue settings back)", () => {
  it("defaults to the broker's host on 15672 with the URL's login and vhost", () => {
    expect(parseAmqpUrl(new URL("amqp://app:s%40cret@rabbit.internal:5672/orders%2Fprod")).management).toEqual({ url: "http://rabbit.internal:15672", user: "app", password: "s@cret", vhost: "orders/prod" });
    expect(parseAmqpUrl(new URL("amqp://127.0.0.1:5672")).management).toEqual({ url: "http://127.0.0.1:15672", user: "guest", password: "guest", vhost: "/" });
  });

  it("takes an explicit http(s) URL or off, never credentials, and keeps it out of amqplib's URL", () => {
    const s = parseAmqpUrl(new URL("amqp://u:p@h:5672?management=https://mgmt.internal:443/rabbit/"));
    expect(s.management).toMatchObject({ url: "https://mgmt.internal/rabbit", user: "u", password: "p" });
    expect(s.url).not.toMatch(/management/);
    expect(parseAmqpUrl(new URL("amqp://h?management=off")).management).toBeUndefined();
    expect(() => parseAmqpUrl(new URL("amqp://h?management=http://u:secret@h:15672"))).toThrow(/management takes no user or password/);
    expect(() => parseAmqpUrl(new URL("amqp://h?management=ftp://h"))).toThrow(/http:\/\/ or https:\/\//);
  });

  it("logs in with the password from password-env", () => {
    process.env.GAUNTLET_TEST_RABBIT_PW = "from-env";
    expect(parseAmqpUrl(new URL("amqp://app@h?password-env=GAUNTLET_TEST_RABBIT_PW")).management).toMatchObject({ user: "app", password: "from-env" });
    delete process.env.GAUNTLET_TEST_RABBIT_PW;
  });
});
