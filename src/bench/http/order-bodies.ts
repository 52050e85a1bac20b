/** A distinct order per request; every `badOrdersPercent`-th one is invalid (three kinds in turn). */
export function orderBody(n: number, bad: boolean): string {
  if (bad) {
    const kind = n % 3;
    if (kind === 0) return "{\"customerId\": \"cust-1\", \"items\": [";
    if (kind === 1) return JSON.stringify({ customerId: `cust-${n % 997}`, items: [] });
    return JSON.stringify({ customerId: `cust-${n % 997}`, items: [{ sku: "sku-1", qty: 0, price: 1 }] });
  }
  const items = Array.from({ length: 1 + (n % 3) }, (_, i) => ({ sku: `sku-${(n * 7 + i) % 500}`, qty: 1 + ((n + i) % 4), price: ((n * 13 + i * 701) % 10_000) / 100 }));
  return JSON.stringify({ customerId: `cust-${n % 997}`, items });
}

/** Whether request n (1-based) is one of the bad ones: spread evenly, `percent` of every 100. */
export function isBadOrder(n: number, percent: number): boolean {
  return percent > 0 && Math.floor((n * percent) / 100) !== Math.floor(((n - 1) * percent) / 100);
}
