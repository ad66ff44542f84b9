import { randomBytes } from "node:crypto";

/** Returns a new unique id each call. */
export type IdGenerator = () => string;

/**
 * UUID version 7 (RFC 9562): a millisecond timestamp, then randomness, so ids
 * sort by creation time. Time order keeps new task rows at the right edge of
 * the primary-key index, and makes the event ids of one change (which share
 * a timestamp in the `at` sort key) sort in the order they were produced.
 * Within one millisecond a 12-bit counter keeps the ids increasing.
 */
export function createUuidV7Generator(now: () => number = Date.now): IdGenerator {
  let lastMs = -1;
  let counter = 0;
  return () => {
    let ms = now();
    if (ms <= lastMs) {
      counter += 1;
      if (counter > 0xfff) {
        // 4096 ids in one millisecond: borrow the next millisecond rather than repeat.
        lastMs += 1;
        counter = 0;
      }
      ms = lastMs;
    } else {
      lastMs = ms;
      counter = 0;
    }
    const bytes = randomBytes(16);
    bytes.writeUIntBE(ms, 0, 6);
    bytes[6] = 0x70 | (counter >> 8);
    bytes[7] = counter & 0xff;
    bytes[8] = 0x80 | (bytes[8]! & 0x3f);
    const hex = bytes.toString("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` is shaped like a UUID (any version); the tasks table's key type. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
