import { describe, expect, it } from "vitest";
import { fixtureSummary } from "./fixture.test-helper.js";
import { toJunitXml } from "./junit.js";

interface Element {
  name: string;
  attrs: Record<string, string>;
  children: Element[];
  text: string;
}

const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;
const decode = (s: string) =>
  s.replace(ENTITY, (e) =>
    e === "&amp;" ? "&" : e === "&lt;" ? "<" : e === "&gt;" ? ">" : e === "&quot;" ? '"' : e === "&apos;" ? "'" : String.fromCodePoint(Number(e.startsWith("&#x") ? `0x${e.slice(3, -1)}` : e.slice(2, -1))),
  );

/** A minimal XML checker: balanced tags, one root, legal characters, only known entities, no raw `<` or `&` in text or attributes. */
function parseXml(xml: string): Element {
  expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
  const body = xml.replace(/^<\?xml [^?]*\?>\s*/, "");
  const tag = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w.-]+="[^"<]*")*)\s*(\/?)>/g;
  const stack: Element[] = [{ name: "#document", attrs: {}, children: [], text: "" }];
  let last = 0;
  const text = (s: string) => {
    expect(s, "raw < in text").not.toContain("<");
    expect(s.replace(ENTITY, ""), "bare & in text").not.toContain("&");
    stack[stack.length - 1]!.text += decode(s);
  };
  for (const m of body.matchAll(tag)) {
    text(body.slice(last, m.index));
    last = m.index + m[0].length;
    const [, close, name, rawAttrs, selfClose] = m;
    if (close) {
      const open = stack.pop();
      expect(open?.name, `</${name}> closes <${open?.name}>`).toBe(name);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of rawAttrs!.matchAll(/([\w.-]+)="([^"]*)"/g)) {
      expect(a[2]!.replace(ENTITY, ""), "bare & in attribute").not.toContain("&");
      expect(attrs[a[1]!], `duplicate attribute ${a[1]}`).toBeUndefined();
      attrs[a[1]!] = decode(a[2]!);
    }
    const el: Element = { name: name!, attrs, children: [], text: "" };
    stack[stack.length - 1]!.children.push(el);
    if (!selfClose) stack.push(el);
  }
  text(body.slice(last));
  expect(stack.map((e) => e.name), "unclosed elements").toEqual(["#document"]);
  expect(stack[0]!.children, "exactly one root").toHaveLength(1);
  return stack[0]!.children[0]!;
}

const all = (el: Element, name: string): Element[] => [...(el.name === name ? [el] : []), ...el.children.flatMap((c) => all(c, name))];

describe("toJunitXml", () => {
  it("is well-formed and its counts match the summary", () => {
    const summary = fixtureSummary();
    const root = parseXml(toJunitXml(summary));
    expect(root.name).toBe("testsuites");
    const suites = all(root, "testsuite");
    expect(suites.map((s) => s.attrs.name)).toEqual(summary.suites.map((s) => s.suite));
    // 3 valid checkers + 3 checkers (1 invalid, 1 n/a) + 1 n/a suite + 1 errored suite
    expect(all(root, "testcase")).toHaveLength(8);
    expect(all(root, "failure")).toHaveLength(1);
    expect(all(root, "error")).toHaveLength(1);
    expect(all(root, "skipped")).toHaveLength(2);
    expect(root.attrs).toMatchObject({ tests: "8", failures: "1", errors: "1", skipped: "2", time: "12.500", timestamp: "2025-01-02T03:04:05" });
    for (const s of suites) {
      const cases = all(s, "testcase");
      expect(s.attrs.tests).toBe(String(cases.length));
      expect(s.attrs.failures).toBe(String(all(s, "failure").length));
      for (const c of cases) expect(c.attrs.classname).toBe(s.attrs.name);
    }
    const invalid = suites[1]!;
    expect(invalid.attrs).toMatchObject({ time: "7.100", timestamp: "2025-01-02T03:04:09" });
    expect(all(invalid, "testcase").map((c) => c.attrs.name)).toEqual(["total-queue", "lock-overlap", "dlq-missing"]);
    expect(all(invalid, "property").find((p) => p.attrs.name === "seed")?.attrs.value).toBe("42");
  });

  it("lists anomaly names, counts and examples with history indexes in the failure", () => {
    const root = parseXml(toJunitXml(fixtureSummary()));
    const failure = all(root, "failure")[0]!;
    expect(failure.attrs.message).toBe("lost=5, unexpected=1");
    expect(failure.attrs.type).toBe("invalid");
    expect(failure.text).toContain("lost (5):");
    expect(failure.text).toContain("#3, #4 id m1 @ orders: m1 was acknowledged");
    expect(failure.text).toContain("… 3 more");
    expect(failure.text).toContain("replay: gauntlet replay reports/");
    const error = all(root, "error")[0]!;
    expect(error.attrs.message).toContain("ECONNREFUSED");
    expect(error.attrs.message).toContain("\n    at connect"); // line breaks survive attribute normalisation as &#10;
    expect(all(root, "skipped").map((s) => s.attrs.message)).toEqual(["no dead-letter queue configured", "not applicable: broker lacks sessions"]);
  });

  it("escapes markup characters and makes control characters visible", () => {
    const nasty = `a<b & "c" 'd' ]]> \u0000\u0007\u001b[31m \uD800 end`;
    const summary = fixtureSummary(nasty);
    summary.suites[1]!.suite = `lock<"&'>`;
    const xml = toJunitXml(summary);
    const root = parseXml(xml);
    const failure = all(root, "failure")[0]!;
    expect(failure.text).toContain(`a<b & "c" 'd' ]]> \\u0000\\u0007\\u001b[31m \\ud800 end`);
    expect(xml).toContain("a&lt;b &amp; &quot;c&quot; &apos;d&apos; ]]&gt;");
    expect(all(root, "testsuite")[1]!.attrs.name).toBe(`lock<"&'>`);
    expect(all(all(root, "testsuite")[1]!, "testcase").map((c) => c.attrs.classname)).toEqual(Array(3).fill(`lock<"&'>`));
  });
});
