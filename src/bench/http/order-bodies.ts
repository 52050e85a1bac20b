/** A distinct order per request; every `badOrdersPercent`-th one is invalid (three kinds in turn); a declined one's customer is `declined-…` (the sample service declines its payment). */
export function orderBody(n: number, bad: boolean, declined = false): string {
  if (bad) {
    const kind = n % 3;
    if (kind === 0) return "{\"customerId\": \"cust-1\", \"items\": [";
    if (kind === 1) return JSON.stringify({ customerId: `cust-${n % 997}`, items: [] });
    return JSON.stringify({ customerId: `cust-${n % 997}`, items: [{ sku: "sku-1", qty: 0, price: 1 }] });
  }
  const items = Array.from({ length: 1 + (n % 3) }, (_, i) => ({ sku: `sku-${(n * 7 + i) % 500}`, qty: 1 + ((n + i) % 4), price: ((n * 13 + i * 701) % 10_000) / 100 }));
  return JSON.stringify({ customerId: `${declined ? "declined" : "cust"}-${n % 997}`, items });
}

/** Whether request n (1-based) is one of the bad ones: spread evenly, `percent` of every 100. */
export function isBadOrder(n: number, percent: number): boolean {
  return percent > 0 && Math.floor((n * percent) / 100) !== Math.floor(((n - 1) * percent) / 100);
}

/** Whether valid request n (1-based) is a declined one: `percent` of every 100, out of phase with the bad ones. */
export function isDeclinedOrder(n: number, percent: number): boolean {
  return isBadOrder(n + 50, percent);
}
