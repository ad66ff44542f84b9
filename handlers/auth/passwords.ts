/**
 * Password hashing with scrypt (memory-hard, in node:crypto) and a random
 * per-user salt. The parameters travel with each hash, so raising the cost
 * later leaves existing hashes verifiable.
 *
 * Stored form: `scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>`.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

export interface ScryptCost {
  /** CPU/memory cost, a power of two. Memory used is 128 * N * r bytes. */
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/**
 * 32 MiB (128 * N * r) and ~120 ms per hash on one full core. OWASP's
 * equivalent at this memory is p=3; p=1 keeps a login near 200 ms on a Lambda
 * with 1 GiB (~0.6 vCPU). Raising it later needs no migration (see above).
 */
export const DEFAULT_SCRYPT_COST: ScryptCost = { N: 2 ** 15, r: 8, p: 1 };

/**
 * Upper bounds for parameters read back from storage: a tampered or corrupt
 * hash must not turn a login into a memory or CPU bomb.
 */
const MAX_COST: ScryptCost = { N: 2 ** 20, r: 16, p: 4 };

const SALT_BYTES = 16;
const HASH_BYTES = 32;
const SCHEME = "scrypt";

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** True when `password` matches `stored`; false for a mismatch or a hash this code cannot read. */
  verify(password: string, stored: string): Promise<boolean>;
  /**
   * A hash of a random password with the current cost: verifying against it
   * when the account does not exist makes that answer take as long as a real one.
   */
  dummyHash(): Promise<string>;
}

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const options: ScryptOptions = { N: cost.N, r: cost.r, p: cost.p, maxmem: 256 * cost.N * cost.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFC"), salt, HASH_BYTES, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

interface ParsedHash {
  readonly cost: ScryptCost;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

function parseHash(stored: string): ParsedHash | undefined {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== SCHEME) return undefined;
  const [N, r, p] = parts.slice(1, 4).map((value) => (/^\d{1,8}$/.test(value ?? "") ? Number(value) : Number.NaN));
  if (N === undefined || r === undefined || p === undefined) return undefined;
  const isPowerOfTwo = Number.isInteger(Math.log2(N));
  if (!isPowerOfTwo || N < 2 || N > MAX_COST.N || !(r >= 1 && r <= MAX_COST.r) || !(p >= 1 && p <= MAX_COST.p)) return undefined;
  const salt = Buffer.from(parts[4] ?? "", "base64");
  const hash = Buffer.from(parts[5] ?? "", "base64");
  if (salt.length < SALT_BYTES || hash.length !== HASH_BYTES) return undefined;
  return { cost: { N, r, p }, salt, hash };
}

/** A scrypt hasher; `cost` is lowered only by tests that hash many passwords. */
export function createPasswordHasher(cost: ScryptCost = DEFAULT_SCRYPT_COST): PasswordHasher {
  const hash = async (password: string): Promise<string> => {
    const salt = randomBytes(SALT_BYTES);
    const derived = await derive(password, salt, cost);
    return [SCHEME, cost.N, cost.r, cost.p, salt.toString("base64"), derived.toString("base64")].join("$");
  };
  let dummy: Promise<string> | undefined;
  return {
    hash,
    verify: async (password, stored) => {
      const parsed = parseHash(stored);
      if (parsed === undefined) return false;
      const derived = await derive(password, parsed.salt, parsed.cost);
      return timingSafeEqual(derived, parsed.hash);
    },
    dummyHash: () => (dummy ??= hash(randomBytes(32).toString("base64"))),
  };
}
