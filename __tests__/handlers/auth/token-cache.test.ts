import type { KeyObject } from "node:crypto";
import { describe, expect, it } from "vitest";
import { TOKEN_TTL_SECONDS, type Principal } from "../../../contracts/auth";
import {
  LocalTokenSigner,
  TokenRejectedError,
  createTokenVerifier,
  issueToken,
  type TokenRejection,
  type TokenVerifier,
  type TokenVerifierOptions,
} from "../../../handlers/lib/tokens";

const ann: Principal = { email: "ann@example.com", role: "supervisor", name: "Ann Lee" };
const bob: Principal = { email: "bob@example.com", role: "pic", name: "Bob Tan" };
const cy: Principal = { email: "cy@example.com", role: "pic", name: "Cy Ng" };
const NOW = new Date("2026-11-21T09:00:00.000Z");
const secondsLater = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

/**
 * A verifier whose key source counts its calls: the verifier asks for the key
 * once per full (signature) verification and never on a cache hit.
 */
function countingVerifier(signer: LocalTokenSigner, options: Omit<TokenVerifierOptions, "publicKey" | "clock"> = {}) {
  const state = { keyCalls: 0, now: secondsLater(10) };
  const publicKey = async (): Promise<KeyObject> => {
    state.keyCalls += 1;
    return signer.publicKey;
  };
  const verifier = createTokenVerifier({ ...options, publicKey, clock: () => state.now });
  return { verifier, state };
}

async function rejection(verifier: TokenVerifier, token: string): Promise<TokenRejection> {
  const error = await verifier.verify(token).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenRejectedError);
  return (error as TokenRejectedError).reason;
}

describe("createTokenVerifier: verified-token cache", () => {
  const signer = LocalTokenSigner.generate();

  it("accepts a token it verified before without checking the signature again", async () => {
    const { verifier, state } = countingVerifier(signer);
    const { token } = await issueToken(signer, ann, { now: NOW });
    await expect(verifier.verify(token)).resolves.toEqual(ann);
    await expect(verifier.authenticate(`Bearer ${token}`)).resolves.toEqual(ann);
    await expect(verifier.verify(token)).resolves.toEqual(ann);
    expect(state.keyCalls).toBe(1);
  });

  it("verifies every time with cacheSize 0", async () => {
    const { verifier, state } = countingVerifier(signer, { cacheSize: 0 });
    const { token } = await issueToken(signer, ann, { now: NOW });
    await verifier.verify(token);
    await verifier.verify(token);
    expect(state.keyCalls).toBe(2);
  });

  it("hands out a copy, so a caller changing its principal cannot change the cached one", async () => {
    const { verifier } = countingVerifier(signer);
    const { token } = await issueToken(signer, ann, { now: NOW });
    const first = await verifier.verify(token);
    Object.assign(first, { role: "pic" });
    await expect(verifier.verify(token)).resolves.toEqual(ann);
  });

  it("never serves a token past its exp: the cached entry is dropped and the token refused as before", async () => {
    const { verifier, state } = countingVerifier(signer);
    const { token } = await issueToken(signer, ann, { now: NOW });
    await verifier.verify(token);
    expect(state.keyCalls).toBe(1);

    // At exp the cache no longer answers; the full check still allows its 5 s of clock tolerance, as before.
    state.now = secondsLater(TOKEN_TTL_SECONDS);
    await expect(verifier.verify(token)).resolves.toEqual(ann);
    expect(state.keyCalls).toBe(2);
    // ... and a token accepted only thanks to the tolerance is not remembered.
    await verifier.verify(token);
    expect(state.keyCalls).toBe(3);

    state.now = secondsLater(TOKEN_TTL_SECONDS + 10);
    expect(await rejection(verifier, token)).toBe("expired");
    expect(await rejection(verifier, token)).toBe("expired");
    expect(state.keyCalls).toBe(5);
  });

  it("does not serve a token before its iat either (a clock set back refuses it as a full check would)", async () => {
    const { verifier, state } = countingVerifier(signer);
    const { token } = await issueToken(signer, ann, { now: NOW });
    await verifier.verify(token);
    state.now = secondsLater(-60);
    expect(await rejection(verifier, token)).toBe("bad_claims");
    expect(state.keyCalls).toBe(2);
  });

  it("evicts the least recently used token at the bound", async () => {
    const { verifier, state } = countingVerifier(signer, { cacheSize: 2 });
    const [a, b, c] = await Promise.all([ann, bob, cy].map(async (user) => (await issueToken(signer, user, { now: NOW })).token));
    await verifier.verify(a!);
    await verifier.verify(b!);
    expect(state.keyCalls).toBe(2);
    await expect(verifier.verify(a!)).resolves.toEqual(ann); // hit: a is now the most recently used
    expect(state.keyCalls).toBe(2);
    await expect(verifier.verify(c!)).resolves.toEqual(cy); // third entry: evicts b, the oldest
    expect(state.keyCalls).toBe(3);
    await expect(verifier.verify(a!)).resolves.toEqual(ann);
    await expect(verifier.verify(c!)).resolves.toEqual(cy);
    expect(state.keyCalls).toBe(3);
    await expect(verifier.verify(b!)).resolves.toEqual(bob); // evicted: verified in full again
    expect(state.keyCalls).toBe(4);
  });

  it("does not serve a tampered token from the cache: a different string is verified in full and refused", async () => {
    const { verifier, state } = countingVerifier(signer);
    const { token } = await issueToken(signer, bob, { now: NOW });
    await expect(verifier.verify(token)).resolves.toEqual(bob);

    const [header, payload, signature] = token.split(".");
    const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
    const promoted = Buffer.from(JSON.stringify({ ...claims, role: "supervisor" })).toString("base64url");
    const tampered = `${header}.${promoted}.${signature}`;
    expect(await rejection(verifier, tampered)).toBe("bad_signature");
    expect(state.keyCalls).toBe(2);
    // The genuine token is still served from the cache.
    await expect(verifier.verify(token)).resolves.toEqual(bob);
    expect(state.keyCalls).toBe(2);
  });

  it("never caches a failure: a refused token is checked in full every time", async () => {
    const { verifier, state } = countingVerifier(signer);
    const other = LocalTokenSigner.generate();
    const { token: foreign } = await issueToken(other, ann, { now: NOW });
    expect(await rejection(verifier, foreign)).toBe("bad_signature");
    expect(await rejection(verifier, foreign)).toBe("bad_signature");
    expect(state.keyCalls).toBe(2);

    // Refused while its iat was in the future, accepted once the clock has caught up.
    const { token: early } = await issueToken(signer, ann, { now: secondsLater(600) });
    expect(await rejection(verifier, early)).toBe("bad_claims");
    state.now = secondsLater(601);
    await expect(verifier.verify(early)).resolves.toEqual(ann);
  });

  it("does not cache a key outage: the next request fetches the key again and succeeds", async () => {
    let keyCalls = 0;
    const verifier = createTokenVerifier({
      clock: () => secondsLater(10),
      publicKey: async () => {
        keyCalls += 1;
        if (keyCalls === 1) throw new Error("KMS unavailable");
        return signer.publicKey;
      },
    });
    const { token } = await issueToken(signer, ann, { now: NOW });
    await expect(verifier.verify(token)).rejects.toThrow("KMS unavailable");
    await expect(verifier.verify(token)).resolves.toEqual(ann);
    await expect(verifier.verify(token)).resolves.toEqual(ann);
    expect(keyCalls).toBe(2);
  });

  it("refuses a cache size that is not a whole number >= 0", () => {
    expect(() => createTokenVerifier({ publicKey: signer.publicKey, cacheSize: -1 })).toThrow(/cacheSize/);
    expect(() => createTokenVerifier({ publicKey: signer.publicKey, cacheSize: 1.5 })).toThrow(/cacheSize/);
  });
});
