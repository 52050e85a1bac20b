/** Escaping for the XML, HTML and inline-script text the report writes. */

// XML 1.0 forbids these even as character references; lone surrogates are not characters at all.
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Replace characters XML 1.0 cannot carry with a visible `\uXXXX` so the text stays legible. */
export function visibleControls(text: string): string {
  return text.replace(FORBIDDEN, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Escape text content for XML or HTML (also legal inside double- or single-quoted attributes). */
export function escapeText(value: unknown): string {
  return visibleControls(String(value))
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** Escape an attribute value, keeping tabs and line breaks (which attribute normalisation would turn into spaces). */
export function escapeAttr(value: unknown): string {
  return escapeText(value).replace(/\t/g, "&#9;").replace(/\n/g, "&#10;").replace(/\r/g, "&#13;");
}

/** HTML text escaping; `&apos;` is HTML5, so use the numeric form for older parsers. */
export function escapeHtml(value: unknown): string {
  return escapeText(value).replace(/&apos;/g, "&#39;");
}

/**
 * JSON for a `<script type="application/json">` block: `<`, `>` and `&` become `\u003c`... so
 * `</script>` and `<!--` cannot end or confuse the element; U+2028/9 are escaped for old parsers.
 */
export function jsonForScript(value: unknown, space?: number): string {
  return (JSON.stringify(value, null, space) ?? "null")
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Make JavaScript source safe to inline in `<script>`: no `</script` or `<!--` sequences survive. */
export function inlineScript(source: string): string {
  return source.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

/** A token usable in an HTML id and a URL fragment. */
export function slug(text: string): string {
  const s = text.toLowerCase().replace(/[^a-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "");
  return s || "x";
}

/** Terminal-safe text: control characters (ESC included) and line breaks become visible `\uXXXX`. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001F\u007F-\u009F]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
