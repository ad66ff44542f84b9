import * as crypto from "node:crypto";
import { scryptSync } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { DEFAULT_SCRYPT_COST, createPasswordHasher } from "../../../handlers/auth/passwords";

// scrypt itself, watched: a stored hash the hasher must refuse is refused
// without deriving anything (counted, not timed, so a busy machine cannot fail it).
vi.mock("node:crypto", async (importOriginal) => {
  const original = await importOriginal<typeof import("node:crypto")>();
  return { ...original, scrypt: vi.fn(original.scrypt) };
});

describe("scrypt password hashing", () => {
  const hasher = createPasswordHasher();

  it("stores scrypt$N$r$p$salt$hash with the production cost and a 16-byte salt", async () => {
    const stored = await hasher.hash("correct horse battery");
    const [scheme, N, r, p, salt, hash] = stored.split("$");
    expect([scheme, Number(N), Number(r), Number(p)]).toEqual(["scrypt", DEFAULT_SCRYPT_COST.N, DEFAULT_SCRYPT_COST.r, DEFAULT_SCRYPT_COST.p]);
    expect(Buffer.from(salt ?? "", "base64")).toHaveLength(16);
    // The hash is what scrypt itself derives from that salt: no home-made construction.
    const expected = scryptSync("correct horse battery", Buffer.from(salt ?? "", "base64"), 32, { ...DEFAULT_SCRYPT_COST, maxmem: 64 * 1024 * 1024 });
    expect(hash).toBe(expected.toString("base64"));
  });

  it("salts: equal passwords get different hashes, and each verifies", async () => {
    const [a, b] = await Promise.all([hasher.hash("same password!"), hasher.hash("same password!")]);
    expect(a).not.toBe(b);
    expect(await hasher.verify("same password!", a)).toBe(true);
    expect(await hasher.verify("same password!", b)).toBe(true);
  });

  it("rejects a wrong password, including one that differs only in case or a trailing space", async () => {
    const stored = await hasher.hash("Tr0ub4dor&3");
    expect(await hasher.verify("tr0ub4dor&3", stored)).toBe(false);
    expect(await hasher.verify("Tr0ub4dor&3 ", stored)).toBe(false);
    expect(await hasher.verify("", stored)).toBe(false);
  });

  it("verifies a hash made with other parameters, because they travel with the hash", async () => {
    const cheap = await createPasswordHasher({ N: 2 ** 10, r: 8, p: 1 }).hash("old password 1");
    expect(cheap.startsWith("scrypt$1024$8$1$")).toBe(true);
    expect(await hasher.verify("old password 1", cheap)).toBe(true);
  });

  it("treats the same text in composed and decomposed Unicode as one password", async () => {
    const stored = await hasher.hash("caf\u00e9 au lait!");
    expect(await hasher.verify("cafe\u0301 au lait!", stored)).toBe(true);
  });

  it("answers false without running scrypt for stored hashes it cannot or must not compute", async () => {
    vi.mocked(crypto.scrypt).mockClear();
    for (const stored of [
      "",
      "plain-text-password",
      "bcrypt$2b$10$abc",
      "scrypt$32768$8$1$c2FsdA==$aGFzaA==", // salt and hash too short
      `scrypt$${2 ** 30}$8$1$${Buffer.alloc(16).toString("base64")}$${Buffer.alloc(32).toString("base64")}`, // a memory bomb
      `scrypt$1000$8$1$${Buffer.alloc(16).toString("base64")}$${Buffer.alloc(32).toString("base64")}`, // N not a power of two
      `scrypt$32768$8$99$${Buffer.alloc(16).toString("base64")}$${Buffer.alloc(32).toString("base64")}`,
    ]) {
      expect(await hasher.verify("anything at all", stored)).toBe(false);
    }
    expect(crypto.scrypt).not.toHaveBeenCalled();
  });

  it("has a dummy hash at the production cost, computed once", async () => {
    const dummy = await hasher.dummyHash();
    expect(dummy.startsWith(`scrypt$${DEFAULT_SCRYPT_COST.N}$${DEFAULT_SCRYPT_COST.r}$${DEFAULT_SCRYPT_COST.p}$`)).toBe(true);
    expect(await hasher.dummyHash()).toBe(dummy);
    expect(await hasher.verify("", dummy)).toBe(false);
  });
});
