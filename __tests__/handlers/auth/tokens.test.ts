import { createPublicKey, generateKeyPairSync, sign, verify } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SignJWT, decodeProtectedHeader } from "jose";
import { TOKEN_AUDIENCE, TOKEN_ISSUER, TOKEN_TTL_SECONDS, tokenClaimsSchema, type Principal } from "../../../contracts/auth";
import {
  KmsTokenSigner,
  LocalTokenSigner,
  TokenRejectedError,
  bearerToken,
  createTokenSigner,
  createTokenVerifier,
  createTokenVerifierFor,
  derToJoseSignature,
  issueToken,
  kmsPublicKey,
  loadOrCreateLocalKey,
  tokenKeySourceFromEnv,
  type TokenRejection,
  type TokenVerifier,
} from "../../../handlers/lib/tokens";
import { startKmsEndpoint, type KmsEndpoint } from "../../support/kms-endpoint";

const ann: Principal = { email: "ann@example.com", role: "supervisor", name: "Ann Lee" };
const NOW = new Date("2026-11-21T09:00:00.000Z");
const at = (date: Date) => () => date;
const secondsLater = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

async function rejection(verifier: TokenVerifier, token: string): Promise<TokenRejection> {
  const error = await verifier.verify(token).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenRejectedError);
  const rejected = error as TokenRejectedError;
  expect(rejected.status).toBe(401);
  expect(rejected.body.error.code).toBe("unauthorized");
  return rejected.reason;
}

describe("derToJoseSignature", () => {
  it("turns every DER signature node:crypto makes into the r||s that verifies as IEEE P1363", () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const lengths = new Set<number>();
    // 300 signatures cover r/s with a leading 0x00 pad (33 bytes) and short ones (31 bytes).
    for (let i = 0; i < 300; i += 1) {
      const message = Buffer.from(`message ${i}`);
      const der = sign("sha256", message, { key: privateKey, dsaEncoding: "der" });
      lengths.add(der.length);
      const jose = derToJoseSignature(der);
      expect(jose).toHaveLength(64);
      expect(verify("sha256", message, { key: publicKey, dsaEncoding: "ieee-p1363" }, jose)).toBe(true);
    }
    expect(lengths.size).toBeGreaterThan(1);
  });

  it("throws on input that is not a DER ECDSA signature", () => {
    expect(() => derToJoseSignature(new Uint8Array(64))).toThrow(/expected SEQUENCE/);
    expect(() => derToJoseSignature(Uint8Array.from([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01]))).toThrow(/SEQUENCE length/);
    expect(() => derToJoseSignature(Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x01]))).toThrow(/expected INTEGER/);
  });
});

describe("issueToken + createTokenVerifier (local key)", () => {
  const signer = LocalTokenSigner.generate();
  const verifier = createTokenVerifier({ publicKey: signer.publicKey, clock: at(secondsLater(10)) });

  it("issues an ES256 JWT with the contract's claims and a one-hour expiry that the verifier accepts", async () => {
    const issued = await issueToken(signer, ann, { now: NOW });
    const claims = tokenClaimsSchema.parse(JSON.parse(Buffer.from(issued.token.split(".")[1] ?? "", "base64url").toString()));
    expect(claims).toMatchObject({ iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, sub: ann.email, role: "supervisor", name: "Ann Lee" });
    expect(claims.iat).toBe(NOW.getTime() / 1000);
    expect(claims.exp - claims.iat).toBe(TOKEN_TTL_SECONDS);
    expect(issued.expiresAt.toISOString()).toBe("2026-11-21T10:00:00.000Z");
    expect(decodeProtectedHeader(issued.token)).toEqual({ alg: "ES256", typ: "JWT" });
    await expect(verifier.verify(issued.token)).resolves.toEqual(ann);
  });

  it("gives every token a distinct jti", async () => {
    const [a, b] = await Promise.all([issueToken(signer, ann, { now: NOW }), issueToken(signer, ann, { now: NOW })]);
    expect(a.claims.jti).not.toBe(b.claims.jti);
  });

  it("refuses an expired token, with a few seconds of tolerance for clock skew", async () => {
    const { token } = await issueToken(signer, ann, { now: NOW });
    await expect(createTokenVerifier({ publicKey: signer.publicKey, clock: at(secondsLater(TOKEN_TTL_SECONDS + 3)) }).verify(token)).resolves.toEqual(ann);
    expect(await rejection(createTokenVerifier({ publicKey: signer.publicKey, clock: at(secondsLater(TOKEN_TTL_SECONDS + 60)) }), token)).toBe("expired");
  });

  it("refuses a token issued in the future", async () => {
    const { token } = await issueToken(signer, ann, { now: secondsLater(600) });
    expect(await rejection(verifier, token)).toBe("bad_claims");
  });

  it("refuses a tampered payload (role raised) and a tampered signature", async () => {
    const { token } = await issueToken(signer, { ...ann, role: "pic" }, { now: NOW });
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const raised = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), role: "supervisor" })).toString("base64url");
    expect(await rejection(verifier, `${header}.${raised}.${signature}`)).toBe("bad_signature");
    const flipped = Buffer.from(signature, "base64url");
    flipped[10] = (flipped[10] ?? 0) ^ 0xff;
    expect(await rejection(verifier, `${header}.${payload}.${flipped.toString("base64url")}`)).toBe("bad_signature");
  });

  it("refuses a token signed by another key", async () => {
    const { token } = await issueToken(LocalTokenSigner.generate(), ann, { now: NOW });
    expect(await rejection(verifier, token)).toBe("bad_signature");
  });

  it("refuses a wrong audience, a wrong issuer and claims outside the contract", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const strict = createTokenVerifier({ publicKey, clock: at(secondsLater(1)) });
    const base = (claims: Record<string, unknown>) =>
      new SignJWT({ role: "pic", name: "P", ...claims }).setProtectedHeader({ alg: "ES256", typ: "JWT" }).setSubject("p@example.com").setJti("j1").setIssuedAt(NOW).setExpirationTime(secondsLater(600));
    const good = await base({}).setIssuer(TOKEN_ISSUER).setAudience(TOKEN_AUDIENCE).sign(privateKey);
    await expect(strict.verify(good)).resolves.toEqual({ email: "p@example.com", role: "pic", name: "P" });
    expect(await rejection(strict, await base({}).setIssuer(TOKEN_ISSUER).setAudience("another-api").sign(privateKey))).toBe("bad_claims");
    expect(await rejection(strict, await base({}).setIssuer("someone-else").setAudience(TOKEN_AUDIENCE).sign(privateKey))).toBe("bad_claims");
    expect(await rejection(strict, await base({ role: "admin" }).setIssuer(TOKEN_ISSUER).setAudience(TOKEN_AUDIENCE).sign(privateKey))).toBe("bad_claims");
    const longLived = await base({}).setIssuer(TOKEN_ISSUER).setAudience(TOKEN_AUDIENCE).setExpirationTime(secondsLater(TOKEN_TTL_SECONDS * 24)).sign(privateKey);
    expect(await rejection(strict, longLived)).toBe("bad_claims");
  });

  it("refuses other algorithms: HS256 keyed with the public key, and alg none", async () => {
    const pem = signer.publicKey.export({ type: "spki", format: "pem" });
    const hs = await new SignJWT({ role: "supervisor", name: "x" })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setSubject("x@example.com")
      .setJti("j")
      .setIssuedAt(NOW)
      .setExpirationTime(secondsLater(600))
      .sign(Buffer.from(pem));
    expect(await rejection(verifier, hs)).toBe("malformed");
    const [, payload] = hs.split(".");
    const none = `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${payload}.`;
    expect(await rejection(verifier, none)).toBe("malformed");
  });

  it("authenticate reads a Bearer header and refuses a missing or malformed one", async () => {
    const { token } = await issueToken(signer, ann, { now: NOW });
    await expect(verifier.authenticate(`Bearer ${token}`)).resolves.toEqual(ann);
    await expect(verifier.authenticate(`bearer ${token}`)).resolves.toEqual(ann);
    await expect(verifier.authenticate(undefined)).rejects.toMatchObject({ reason: "missing", status: 401 });
    await expect(verifier.authenticate("")).rejects.toMatchObject({ reason: "missing" });
    await expect(verifier.authenticate(`Basic ${token}`)).rejects.toMatchObject({ reason: "malformed" });
    await expect(verifier.authenticate(token)).rejects.toMatchObject({ reason: "malformed" });
    expect(bearerToken("Bearer a.b.c")).toBe("a.b.c");
    expect(bearerToken("Bearer a.b")).toBeUndefined();
  });
});

describe("LocalTokenSigner.fromKeyFile", () => {
  const dir = mkdtempSync(join(tmpdir(), "token-key-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("creates the key file on first use with mode 0600, and a restart signs with the same key", async () => {
    const path = join(dir, "nested", "token-key.pem");
    const first = LocalTokenSigner.fromKeyFile(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, "utf8")).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const { token } = await issueToken(first, ann, { now: NOW });
    const afterRestart = createTokenVerifierFor({ kind: "local", keyFile: path }, { clock: at(secondsLater(5)) });
    await expect(afterRestart.verify(token)).resolves.toEqual(ann);
    expect(LocalTokenSigner.fromKeyFile(path).publicKey.export({ format: "jwk" })).toEqual(first.publicKey.export({ format: "jwk" }));
  });

  it("gives concurrent first users the same key", () => {
    const path = join(dir, "race.pem");
    const keys = Array.from({ length: 5 }, () => createPublicKey(loadOrCreateLocalKey(path)).export({ format: "jwk" }));
    expect(new Set(keys.map((k) => JSON.stringify(k))).size).toBe(1);
  });

  it("refuses a key file other users can read", () => {
    const path = join(dir, "open.pem");
    writeFileSync(path, generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }));
    chmodSync(path, 0o644);
    expect(() => LocalTokenSigner.fromKeyFile(path)).toThrow(`chmod 600 ${path}`);
  });

  it("refuses a key that is not P-256", () => {
    const path = join(dir, "p384.pem");
    writeFileSync(path, generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
    expect(() => LocalTokenSigner.fromKeyFile(path)).toThrow(/not an ECDSA P-256 key/);
  });
});

describe("KmsTokenSigner against a KMS-protocol endpoint", () => {
  let kms: KmsEndpoint;
  beforeAll(async () => {
    kms = await startKmsEndpoint();
  });
  afterAll(async () => kms.stop());

  it("signs through KMS Sign (RAW, ECDSA_SHA_256) and the token verifies with the key from GetPublicKey", async () => {
    const signer = new KmsTokenSigner({ client: kms.client, keyId: kms.key.arn });
    const issued = await issueToken(signer, ann, { now: NOW });

    const [signRequest] = kms.requestsFor("Sign");
    expect(signRequest?.body).toEqual({
      KeyId: kms.key.arn,
      Message: Buffer.from(issued.token.split(".").slice(0, 2).join("."), "ascii").toString("base64"),
      MessageType: "RAW",
      SigningAlgorithm: "ECDSA_SHA_256",
    });
    expect(signRequest?.headers["content-type"]).toBe("application/x-amz-json-1.1");
    // The SDK signed the request with SigV4 for the kms service, as it would for AWS.
    expect(signRequest?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=test\/\d{8}\/ap-northeast-2\/kms\/aws4_request/);
    expect(Buffer.from(issued.token.split(".")[2] ?? "", "base64url")).toHaveLength(64);

    const verifier = createTokenVerifier({ publicKey: kmsPublicKey({ client: kms.client, keyId: kms.key.keyId }), clock: at(secondsLater(1)) });
    await expect(verifier.verify(issued.token)).resolves.toEqual(ann);
    expect(kms.requestsFor("GetPublicKey").at(-1)?.body).toEqual({ KeyId: kms.key.keyId });
  });

  it("fetches the public key once per verifier (once per cold start), however many tokens it checks", async () => {
    const signer = new KmsTokenSigner({ client: kms.client, keyId: kms.key.keyId });
    const before = kms.requestsFor("GetPublicKey").length;
    const verifier = createTokenVerifierFor({ kind: "kms", keyId: kms.key.keyId }, { kmsClient: kms.client, clock: at(secondsLater(1)) });
    const tokens = await Promise.all([1, 2, 3].map(() => issueToken(signer, ann, { now: NOW })));
    await Promise.all(tokens.map((t) => verifier.verify(t.token)));
    await verifier.verify(tokens[0]?.token ?? "");
    expect(kms.requestsFor("GetPublicKey").length - before).toBe(1);
  });

  it("does not cache a failed GetPublicKey: the next request retries, and the outage is not reported as a bad token", async () => {
    const key = kms.createKey();
    const { token } = await issueToken(new KmsTokenSigner({ client: kms.client, keyId: key.arn }), ann, { now: NOW });
    key.enabled = false;
    const verifier = createTokenVerifier({ publicKey: kmsPublicKey({ client: kms.client, keyId: key.arn }), clock: at(secondsLater(1)) });
    const outage = await verifier.verify(token).catch((e: unknown) => e);
    expect(outage).not.toBeInstanceOf(TokenRejectedError);
    expect(outage).toMatchObject({ name: "DisabledException" });
    key.enabled = true;
    await expect(verifier.verify(token)).resolves.toEqual(ann);
  });

  it("refuses a KMS key that is not ECC_NIST_P256 / SIGN_VERIFY, saying what it needs", async () => {
    const rsa = kms.createKey({ keySpec: "RSA_2048" });
    await expect(kmsPublicKey({ client: kms.client, keyId: rsa.keyId })()).rejects.toThrow(/RSA_2048\/SIGN_VERIFY; tokens need an ECC_NIST_P256 key with key usage SIGN_VERIFY/);
  });

  it("accepts an alias as the key id", async () => {
    kms.createKey({ alias: "alias/taskboard-test-tokens" });
    const signer = createTokenSigner({ kind: "kms", keyId: "alias/taskboard-test-tokens" }, kms.client);
    const { token } = await issueToken(signer, ann, { now: NOW });
    const verifier = createTokenVerifierFor({ kind: "kms", keyId: "alias/taskboard-test-tokens" }, { kmsClient: kms.client, clock: at(secondsLater(1)) });
    await expect(verifier.verify(token)).resolves.toEqual(ann);
  });

  it("a token signed by a different KMS key is refused", async () => {
    const other = kms.createKey();
    const { token } = await issueToken(new KmsTokenSigner({ client: kms.client, keyId: other.keyId }), ann, { now: NOW });
    const verifier = createTokenVerifier({ publicKey: kmsPublicKey({ client: kms.client, keyId: kms.key.keyId }), clock: at(secondsLater(1)) });
    expect(await rejection(verifier, token)).toBe("bad_signature");
  });
});

describe("tokenKeySourceFromEnv", () => {
  it("reads a KMS key id, or a local key file", () => {
    expect(tokenKeySourceFromEnv({ TOKEN_SIGNING_KEY_ID: "alias/tokens" })).toEqual({ kind: "kms", keyId: "alias/tokens" });
    expect(tokenKeySourceFromEnv({ TOKEN_SIGNING_KEY_ID: "k", KMS_ENDPOINT: "http://127.0.0.1:1" })).toEqual({ kind: "kms", keyId: "k", endpoint: "http://127.0.0.1:1" });
    expect(tokenKeySourceFromEnv({ LOCAL_TOKEN_KEY_FILE: "/tmp/k.pem" })).toEqual({ kind: "local", keyFile: "/tmp/k.pem" });
  });

  it("throws naming both variables when neither or both are set", () => {
    expect(() => tokenKeySourceFromEnv({})).toThrow(/exactly one of TOKEN_SIGNING_KEY_ID .* or LOCAL_TOKEN_KEY_FILE/);
    expect(() => tokenKeySourceFromEnv({ TOKEN_SIGNING_KEY_ID: "k", LOCAL_TOKEN_KEY_FILE: "/f" })).toThrow(/exactly one of TOKEN_SIGNING_KEY_ID/);
  });

  it("throws naming KMS_ENDPOINT when it is not a URL", () => {
    expect(() => tokenKeySourceFromEnv({ TOKEN_SIGNING_KEY_ID: "k", KMS_ENDPOINT: "localhost" })).toThrow(/KMS_ENDPOINT must be a URL/);
  });
});
