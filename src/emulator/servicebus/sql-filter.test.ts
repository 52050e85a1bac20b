import type { Message } from "rhea";
import { describe, expect, it } from "vitest";
import { SqlFilterSyntaxError, compileSqlFilter } from "./sql-filter.js";

const msg = (props: Record<string, unknown> = {}, sys: Partial<Message> = {}): Message => ({ application_properties: props, ...sys }) as Message;
const matches = (sql: string, m: Message) => compileSqlFilter(sql)(m);

describe("Service Bus SQL filters", () => {
  it("compares application properties, bare or as user.<name>, with numbers, strings and booleans", () => {
    const m = msg({ color: "red", amount: 150, vip: true });
    expect(matches("color = 'red'", m)).toBe(true);
    expect(matches("user.color = 'red'", m)).toBe(true);
    expect(matches("color <> 'red'", m)).toBe(false);
    expect(matches("color != 'blue'", m)).toBe(true);
    expect(matches("amount > 100 AND amount <= 150", m)).toBe(true);
    expect(matches("amount >= 151", m)).toBe(false);
    expect(matches("vip = TRUE", m)).toBe(true);
    expect(matches("amount * 2 - 100 = 200", m)).toBe(true);
    expect(matches("amount % 7 = 3", m)).toBe(true);
    expect(matches("-amount < 0", m)).toBe(true);
  });

  it("reads system properties through sys., case-insensitively", () => {
    const m = msg({}, { subject: "billing", correlation_id: "c-1", message_id: "m-9", group_id: "s-1", content_type: "application/json" });
    expect(matches("sys.Label = 'billing'", m)).toBe(true);
    expect(matches("SYS.label = 'billing'", m)).toBe(true);
    expect(matches("sys.CorrelationId = 'c-1' AND sys.MessageId = 'm-9'", m)).toBe(true);
    expect(matches("sys.SessionId = 's-1' AND sys.ContentType LIKE '%json'", m)).toBe(true);
    expect(matches("sys.To = 'x'", m)).toBe(false);
  });

  it("LIKE with % and _, ESCAPE; IN and NOT IN", () => {
    const m = msg({ name: "order_42", region: "eu" });
    expect(matches("name LIKE 'order%'", m)).toBe(true);
    expect(matches("name LIKE 'order__2'", m)).toBe(true);
    expect(matches("name LIKE 'order!_%' ESCAPE '!'", m)).toBe(true);
    expect(matches("name LIKE 'orderX%' ESCAPE 'X'", m)).toBe(false);
    expect(matches("name NOT LIKE 'inv%'", m)).toBe(true);
    expect(matches("region IN ('us', 'eu')", m)).toBe(true);
    expect(matches("region NOT IN ('us', 'eu')", m)).toBe(false);
  });

  it("uses three-valued logic: a missing property is NULL, comparisons with it are unknown (no match), NOT unknown is unknown", () => {
    const m = msg({ color: "red" });
    expect(matches("missing = 1", m)).toBe(false);
    expect(matches("NOT (missing = 1)", m)).toBe(false);
    expect(matches("missing = 1 OR color = 'red'", m)).toBe(true);
    expect(matches("missing = 1 AND color = 'red'", m)).toBe(false);
    expect(matches("missing IS NULL", m)).toBe(true);
    expect(matches("color IS NOT NULL", m)).toBe(true);
    expect(matches("EXISTS(color) AND NOT EXISTS(missing)", m)).toBe(true);
    expect(matches("missing IN (1, 2)", m)).toBe(false);
  });

  it("never equates values of different types (a string '5' is not the number 5)", () => {
    expect(matches("n = 5", msg({ n: "5" }))).toBe(false);
    expect(matches("n <> 5", msg({ n: "5" }))).toBe(true);
    expect(matches("n = 5", msg({ n: 5 }))).toBe(true);
  });

  it("keeps quoted quotes, [bracketed] names and keyword case", () => {
    expect(matches("[first name] = 'O''Brien' and Amount IS NULL", msg({ "first name": "O'Brien" }))).toBe(true);
    expect(matches("x = 1 or x = 2", msg({ x: 2 }))).toBe(true);
    expect(matches("x = 1 Or x = 3", msg({ x: 2 }))).toBe(false);
  });

  it("refuses what does not parse, naming where", () => {
    for (const bad of ["color = ", "color = 'red", "(a = 1", "a = 1 AND", "sys.Nope = 1", "other.x = 1", "a LIKE 5", "a NOT = 1", "a = 1 b"]) {
      expect(() => compileSqlFilter(bad), bad).toThrow(SqlFilterSyntaxError);
    }
  });
});
