/**
 * Service Bus SQL filters (the SQL-92 subset of "Subscription Rule SQL Filter syntax"):
 * comparisons (= <> != < <= > >=), AND / OR / NOT, arithmetic (+ - * / %), [NOT] IN (...),
 * [NOT] LIKE with % and _ (and ESCAPE), IS [NOT] NULL, [NOT] EXISTS(property), constants
 * (integers, decimals, 'strings' with '' inside, TRUE, FALSE, NULL), and properties:
 * `sys.<name>` (the message's system properties: MessageId, CorrelationId, Label, To, ReplyTo,
 * SessionId, ReplyToSessionId, ContentType) or `user.<name>` / a bare name (application
 * properties), names in [brackets] where they are not plain identifiers. Keywords are
 * case-insensitive. Three-valued logic as in SQL: a missing property is NULL, a comparison
 * with NULL is unknown, and a message matches only when the whole filter is true.
 *
 * Parsing happens once, when the rule is created; a syntax error is the emulator's
 * configuration error (a 400 from the service), never a filter that silently matches.
 */
import type { Message } from "rhea";

export class SqlFilterSyntaxError extends Error {}

type Value = string | number | boolean | null;
type Node =
  | { t: "const"; v: Value }
  | { t: "prop"; scope: "sys" | "user"; name: string }
  | { t: "not"; e: Node }
  | { t: "neg"; e: Node }
  | { t: "and" | "or"; l: Node; r: Node }
  | { t: "cmp"; op: string; l: Node; r: Node }
  | { t: "arith"; op: string; l: Node; r: Node }
  | { t: "in"; e: Node; list: Node[]; not: boolean }
  | { t: "like"; e: Node; pattern: string; escape?: string; not: boolean }
  | { t: "isnull"; e: Node; not: boolean }
  | { t: "exists"; prop: Node & { t: "prop" }; not: boolean };

/** A compiled filter: true when the message matches. */
export type SqlPredicate = (m: Message) => boolean;

const SYSTEM: Record<string, keyof Message> = {
  messageid: "message_id",
  correlationid: "correlation_id",
  to: "to",
  replyto: "reply_to",
  label: "subject",
  subject: "subject",
  sessionid: "group_id",
  replytosessionid: "reply_to_group_id",
  contenttype: "content_type",
};

interface Token {
  kind: "num" | "str" | "id" | "op" | "end";
  text: string;
  pos: number;
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === "'") {
      let s = "";
      i++;
      for (;;) {
        if (i >= src.length) throw new SqlFilterSyntaxError(`unterminated string starting at ${start}`);
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            s += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += src[i++];
      }
      out.push({ kind: "str", text: s, pos: start });
    } else if (c === "[") {
      const end = src.indexOf("]", i);
      if (end < 0) throw new SqlFilterSyntaxError(`unterminated [name] at ${start}`);
      out.push({ kind: "id", text: src.slice(i + 1, end), pos: start });
      i = end + 1;
    } else if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(src[i + 1] ?? ""))) {
      const m = /^[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?|^[0-9]+\.?/.exec(src.slice(i))!;
      out.push({ kind: "num", text: m[0], pos: start });
      i += m[0].length;
    } else if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(src.slice(i))!;
      out.push({ kind: "id", text: m[0], pos: start });
      i += m[0].length;
    } else {
      const two = src.slice(i, i + 2);
      if (["<>", "!=", "<=", ">="].includes(two)) {
        out.push({ kind: "op", text: two, pos: start });
        i += 2;
      } else if ("=<>+-*/%(),.".includes(c)) {
        out.push({ kind: "op", text: c, pos: start });
        i++;
      } else throw new SqlFilterSyntaxError(`unexpected character "${c}" at ${start}`);
    }
  }
  out.push({ kind: "end", text: "", pos: src.length });
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.i]!;
  }
  private next(): Token {
    return this.tokens[this.i++]!;
  }
  private keyword(word: string): boolean {
    const t = this.peek();
    if (t.kind === "id" && t.text.toUpperCase() === word && this.tokens[this.i - 1]?.text !== ".") {
      this.i++;
      return true;
    }
    return false;
  }
  private op(text: string): boolean {
    const t = this.peek();
    if (t.kind === "op" && t.text === text) {
      this.i++;
      return true;
    }
    return false;
  }
  private expect(text: string): void {
    if (!this.op(text)) throw new SqlFilterSyntaxError(`expected "${text}" at ${this.peek().pos}, found "${this.peek().text || "end"}"`);
  }

  parse(): Node {
    const e = this.or();
    if (this.peek().kind !== "end") throw new SqlFilterSyntaxError(`unexpected "${this.peek().text}" at ${this.peek().pos}`);
    return e;
  }
  private or(): Node {
    let l = this.and();
    while (this.keyword("OR")) l = { t: "or", l, r: this.and() };
    return l;
  }
  private and(): Node {
    let l = this.not();
    while (this.keyword("AND")) l = { t: "and", l, r: this.not() };
    return l;
  }
  private not(): Node {
    if (this.keyword("NOT")) return { t: "not", e: this.not() };
    return this.predicate();
  }
  private predicate(): Node {
    if (this.keyword("EXISTS")) return this.exists(false);
    const l = this.additive();
    const save = this.i;
    const not = this.keyword("NOT");
    if (this.keyword("IN")) {
      this.expect("(");
      const list = [this.additive()];
      while (this.op(",")) list.push(this.additive());
      this.expect(")");
      return { t: "in", e: l, list, not };
    }
    if (this.keyword("LIKE")) {
      const p = this.next();
      if (p.kind !== "str") throw new SqlFilterSyntaxError(`LIKE needs a 'pattern' at ${p.pos}`);
      let escape: string | undefined;
      if (this.keyword("ESCAPE")) {
        const e = this.next();
        if (e.kind !== "str" || e.text.length !== 1) throw new SqlFilterSyntaxError(`ESCAPE needs one character in quotes at ${e.pos}`);
        escape = e.text;
      }
      return { t: "like", e: l, pattern: p.text, ...(escape !== undefined ? { escape } : {}), not };
    }
    if (not) {
      if (this.keyword("EXISTS")) return this.exists(true);
      this.i = save;
      throw new SqlFilterSyntaxError(`expected IN, LIKE or EXISTS after NOT at ${this.peek().pos}`);
    }
    if (this.keyword("IS")) {
      const isNot = this.keyword("NOT");
      if (!this.keyword("NULL")) throw new SqlFilterSyntaxError(`expected NULL after IS at ${this.peek().pos}`);
      return { t: "isnull", e: l, not: isNot };
    }
    const t = this.peek();
    if (t.kind === "op" && ["=", "<>", "!=", "<", "<=", ">", ">="].includes(t.text)) {
      this.i++;
      return { t: "cmp", op: t.text === "!=" ? "<>" : t.text, l, r: this.additive() };
    }
    return l;
  }
  private exists(not: boolean): Node {
    this.expect("(");
    const p = this.primary();
    if (p.t !== "prop") throw new SqlFilterSyntaxError("EXISTS needs a property name");
    this.expect(")");
    return { t: "exists", prop: p, not };
  }
  private additive(): Node {
    let l = this.multiplicative();
    for (;;) {
      const t = this.peek();
      if (t.kind === "op" && (t.text === "+" || t.text === "-")) {
        this.i++;
        l = { t: "arith", op: t.text, l, r: this.multiplicative() };
      } else return l;
    }
  }
  private multiplicative(): Node {
    let l = this.unary();
    for (;;) {
      const t = this.peek();
      if (t.kind === "op" && (t.text === "*" || t.text === "/" || t.text === "%")) {
        this.i++;
        l = { t: "arith", op: t.text, l, r: this.unary() };
      } else return l;
    }
  }
  private unary(): Node {
    if (this.op("-")) return { t: "neg", e: this.unary() };
    if (this.op("+")) return this.unary();
    return this.primary();
  }
  private primary(): Node {
    const t = this.next();
    if (t.kind === "op" && t.text === "(") {
      const e = this.or();
      this.expect(")");
      return e;
    }
    if (t.kind === "num") return { t: "const", v: Number(t.text) };
    if (t.kind === "str") return { t: "const", v: t.text };
    if (t.kind === "id") {
      const upper = t.text.toUpperCase();
      if (upper === "TRUE") return { t: "const", v: true };
      if (upper === "FALSE") return { t: "const", v: false };
      if (upper === "NULL") return { t: "const", v: null };
      if (["AND", "OR", "NOT", "IN", "LIKE", "IS", "ESCAPE", "EXISTS"].includes(upper)) throw new SqlFilterSyntaxError(`unexpected keyword ${t.text} at ${t.pos}`);
      if (this.op(".")) {
        const name = this.next();
        if (name.kind !== "id") throw new SqlFilterSyntaxError(`expected a property name after "${t.text}." at ${name.pos}`);
        const scope = t.text.toLowerCase();
        if (scope !== "sys" && scope !== "user") throw new SqlFilterSyntaxError(`unknown scope "${t.text}" at ${t.pos} (sys or user)`);
        if (scope === "sys" && SYSTEM[name.text.toLowerCase()] === undefined) throw new SqlFilterSyntaxError(`sys.${name.text} is not a system property the emulator knows (${Object.keys(SYSTEM).join(", ")})`);
        return { t: "prop", scope, name: name.text };
      }
      return { t: "prop", scope: "user", name: t.text };
    }
    throw new SqlFilterSyntaxError(`unexpected "${t.text || "end"}" at ${t.pos}`);
  }
}

function property(p: { scope: "sys" | "user"; name: string }, m: Message): Value | undefined {
  if (p.scope === "sys") {
    const v = m[SYSTEM[p.name.toLowerCase()]!];
    return v === undefined || v === null ? undefined : (v as Value);
  }
  const props = (m.application_properties ?? {}) as Record<string, unknown>;
  const v = p.name in props ? props[p.name] : props[Object.keys(props).find((k) => k.toLowerCase() === p.name.toLowerCase()) ?? ""];
  if (v === undefined) return undefined;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Date) return v.getTime();
  return v as Value;
}

/** SQL's three values: true, false, and unknown (null). */
type Truth = boolean | null;

function compare(op: string, a: Value, b: Value): Truth {
  if (a === null || b === null) return null;
  if (typeof a !== typeof b) return op === "<>" ? true : false; // different types are never equal, never ordered
  switch (op) {
    case "=":
      return a === b;
    case "<>":
      return a !== b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    default:
      return a >= b;
  }
}

function likeRegex(pattern: string, escape: string | undefined): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (escape !== undefined && c === escape && i + 1 < pattern.length) re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    else if (c === "%") re += ".*";
    else if (c === "_") re += ".";
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`, "s");
}

function value(n: Node, m: Message): Value {
  switch (n.t) {
    case "const":
      return n.v;
    case "prop":
      return property(n, m) ?? null;
    case "neg": {
      const v = value(n.e, m);
      return typeof v === "number" ? -v : null;
    }
    case "arith": {
      const a = value(n.l, m);
      const b = value(n.r, m);
      if (n.op === "+" && typeof a === "string" && typeof b === "string") return a + b;
      if (typeof a !== "number" || typeof b !== "number") return null;
      if ((n.op === "/" || n.op === "%") && b === 0) return null;
      return n.op === "+" ? a + b : n.op === "-" ? a - b : n.op === "*" ? a * b : n.op === "/" ? a / b : a % b;
    }
    default:
      return truth(n, m);
  }
}

function truth(n: Node, m: Message): Truth {
  switch (n.t) {
    case "and": {
      const a = truth(n.l, m);
      if (a === false) return false;
      const b = truth(n.r, m);
      return b === false ? false : a === null || b === null ? null : true;
    }
    case "or": {
      const a = truth(n.l, m);
      if (a === true) return true;
      const b = truth(n.r, m);
      return b === true ? true : a === null || b === null ? null : false;
    }
    case "not": {
      const a = truth(n.e, m);
      return a === null ? null : !a;
    }
    case "cmp":
      return compare(n.op, value(n.l, m), value(n.r, m));
    case "in": {
      const v = value(n.e, m);
      if (v === null) return null;
      const found = n.list.some((x) => compare("=", v, value(x, m)) === true);
      return n.not ? !found : found;
    }
    case "like": {
      const v = value(n.e, m);
      if (v === null) return null;
      if (typeof v !== "string") return false;
      const hit = likeRegex(n.pattern, n.escape).test(v);
      return n.not ? !hit : hit;
    }
    case "isnull": {
      const isNull = value(n.e, m) === null;
      return n.not ? !isNull : isNull;
    }
    case "exists": {
      const has = property(n.prop, m) !== undefined;
      return n.not ? !has : has;
    }
    default: {
      const v = value(n, m);
      return typeof v === "boolean" ? v : null;
    }
  }
}

/** Compile a SQL filter expression; throws SqlFilterSyntaxError naming what is wrong and where. */
export function compileSqlFilter(expression: string): SqlPredicate {
  const ast = new Parser(tokenize(expression)).parse();
  return (m) => truth(ast, m) === true;
}
