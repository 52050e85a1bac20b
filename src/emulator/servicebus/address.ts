/**
 * Link addresses as the SDKs send them: a bare entity path (`orders`, JS, .NET), or a full URI
 * (`amqps://host:port/orders`, `sb://host/orders/$management`: Python, some Java paths). The
 * service resolves all of them to the same entity; so does the emulator.
 */

/** `amqps://host:5671/Orders/$management` → `Orders/$management`; `/orders` → `orders`; `$cbs` stays. */
export function normalizeAddress(address: string): string {
  let path = address;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(address);
  if (scheme) {
    path = address.slice(scheme[0].length);
    const q = path.search(/[?#]/);
    if (q >= 0) path = path.slice(0, q);
    try {
      path = decodeURIComponent(path);
    } catch {
      // keep it as written
    }
  }
  return path.replace(/^\/+|\/+$/g, "");
}
