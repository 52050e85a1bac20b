/**
 * amqplib's close() waits for the broker's close-ok; on a connection a fault has cut it may never
 * come and holds no handle, so bound the wait.
 */
export async function closeWithin(closing: Promise<unknown>, ms = 2_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([closing.catch(() => {}), new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}
