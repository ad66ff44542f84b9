/**
 * Signing and verifying the API's tokens: compact JWS (JWT), ES256, with the
 * claims of `contracts/auth.ts`.
 *
 * In AWS the private key is an asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY)
 * that never leaves KMS: the auth Lambda asks KMS to sign, and verifiers fetch
 * the public key once per cold start with GetPublicKey. Only the key's id or
 * ARN is configuration. Locally a generated P-256 key in a 0600 file stands in.
 *
 * Verifier API (authorizer, tasks-api):
 *   const verifier = createTokenVerifier({ publicKey });   // KeyObject or a lazy provider
 *   // verified tokens are remembered until their `exp` (bounded LRU; `cacheSize: 0` turns it off)
 *   const principal = await verifier.authenticate(request.headers.authorization); // throws TokenRejectedError (401)
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, randomUUID, sign, type KeyObject } from "node:crypto";
import { chmodSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { GetPublicKeyCommand, KMSClient, SignCommand } from "@aws-sdk/client-kms";
import { errors as joseErrors, jwtVerify } from "jose";
import { z } from "zod";
import {
  TOKEN_ALGORITHM,
  TOKEN_AUDIENCE,
  TOKEN_ISSUER,
  TOKEN_TTL_SECONDS,
  tokenClaimsSchema,
  type Principal,
  type TokenClaims,
} from "../../contracts/auth";
import { ApiError } from "./errors";

// ---- signing ----------------------------------------------------------------

/** Produces ES256 signatures; the private key stays wherever the implementation keeps it. */
export interface TokenSigner {
  /**
   * Signs a JWS signing input (`base64url(header).base64url(payload)` as
   * ASCII bytes) with ECDSA P-256 over SHA-256, returning the signature in
   * JOSE's form: r and s, 32 bytes each, concatenated.
   */
  sign(signingInput: Uint8Array): Promise<Uint8Array>;
}

export interface IssuedToken {
  readonly token: string;
  readonly claims: TokenClaims;
  readonly expiresAt: Date;
}

export interface IssueTokenOptions {
  readonly now: Date;
  /** @default TOKEN_TTL_SECONDS */
  readonly ttlSeconds?: number;
}

const base64url = (bytes: Uint8Array | string): string => Buffer.from(bytes).toString("base64url");

/** Signs a token for a user: `sub` is the email, `exp` is `iat` + the TTL, `jti` is random. */
export async function issueToken(signer: TokenSigner, user: Principal, options: IssueTokenOptions): Promise<IssuedToken> {
  const iat = Math.floor(options.now.getTime() / 1000);
  const claims: TokenClaims = {
    iss: TOKEN_ISSUER,
    aud: TOKEN_AUDIENCE,
    sub: user.email,
    role: user.role,
    name: user.name,
    iat,
    exp: iat + (options.ttlSeconds ?? TOKEN_TTL_SECONDS),
    jti: randomUUID(),
  };
  const signingInput = `${base64url(JSON.stringify({ alg: TOKEN_ALGORITHM, typ: "JWT" }))}.${base64url(JSON.stringify(claims))}`;
  const signature = await signer.sign(Buffer.from(signingInput, "ascii"));
  return { token: `${signingInput}.${base64url(signature)}`, claims, expiresAt: new Date(claims.exp * 1000) };
}

/** P-256 scalars are 32 bytes; JOSE wants r and s each left-padded to that width. */
const P256_SCALAR_BYTES = 32;

/**
 * Converts an ASN.1 DER ECDSA signature (`SEQUENCE { INTEGER r, INTEGER s }`,
 * what KMS returns) into JOSE's fixed-width r||s.
 */
export function derToJoseSignature(der: Uint8Array, scalarBytes: number = P256_SCALAR_BYTES): Uint8Array {
  let offset = 0;
  const fail = (why: string): never => {
    throw new Error(`not a DER ECDSA signature: ${why}`);
  };
  const readLength = (): number => {
    const first = der[offset++] ?? fail("truncated length");
    if (first < 0x80) return first;
    const octets = first & 0x7f;
    if (octets === 0 || octets > 2) fail("unsupported length form");
    let length = 0;
    for (let i = 0; i < octets; i += 1) length = (length << 8) | (der[offset++] ?? fail("truncated length"));
    return length;
  };
  const readInteger = (): Uint8Array => {
    if (der[offset++] !== 0x02) fail("expected INTEGER");
    const length = readLength();
    let value = der.subarray(offset, offset + length);
    if (value.length !== length) fail("truncated INTEGER");
    offset += length;
    // DER prepends 0x00 when the top bit is set (to stay positive); JOSE does not.
    while (value.length > scalarBytes && value[0] === 0) value = value.subarray(1);
    if (value.length > scalarBytes) fail("INTEGER wider than the curve");
    return value;
  };
  if (der[offset++] !== 0x30) fail("expected SEQUENCE");
  const sequenceLength = readLength();
  if (offset + sequenceLength !== der.length) fail("SEQUENCE length does not match");
  const r = readInteger();
  const s = readInteger();
  if (offset !== der.length) fail("trailing bytes");
  const jose = new Uint8Array(scalarBytes * 2);
  jose.set(r, scalarBytes - r.length);
  jose.set(s, scalarBytes * 2 - s.length);
  return jose;
}

/** KMS hashes a RAW message itself but accepts at most 4096 bytes of it. */
const KMS_RAW_MESSAGE_MAX_BYTES = 4096;

export interface KmsTokenSignerProps {
  readonly client: KMSClient;
  /** Key id, key ARN, alias name or alias ARN of an ECC_NIST_P256 SIGN_VERIFY key. */
  readonly keyId: string;
}

/** Signs with an asymmetric KMS key: the private key never leaves KMS. Needs `kms:Sign` on the key. */
export class KmsTokenSigner implements TokenSigner {
  constructor(private readonly props: KmsTokenSignerProps) {}

  async sign(signingInput: Uint8Array): Promise<Uint8Array> {
    if (signingInput.byteLength > KMS_RAW_MESSAGE_MAX_BYTES) {
      throw new Error(`token signing input is ${signingInput.byteLength} bytes; KMS signs RAW messages of at most ${KMS_RAW_MESSAGE_MAX_BYTES}`);
    }
    const { Signature } = await this.props.client.send(
      new SignCommand({ KeyId: this.props.keyId, Message: signingInput, MessageType: "RAW", SigningAlgorithm: "ECDSA_SHA_256" }),
    );
    if (Signature === undefined) throw new Error("KMS Sign returned no signature");
    return derToJoseSignature(Signature);
  }
}

/** Signs with a P-256 private key held in memory: for the local stack and tests only. */
export class LocalTokenSigner implements TokenSigner {
  /** The public half, for a verifier in the same process. */
  readonly publicKey: KeyObject;

  private constructor(private readonly privateKey: KeyObject) {
    this.publicKey = createPublicKey(privateKey);
  }

  /** A fresh key that lives as long as the process (tokens die with it). */
  static generate(): LocalTokenSigner {
    return new LocalTokenSigner(generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey);
  }

  /** The key in `path`, created (mode 0600) on first use so tokens survive a restart. */
  static fromKeyFile(path: string): LocalTokenSigner {
    return new LocalTokenSigner(loadOrCreateLocalKey(path));
  }

  async sign(signingInput: Uint8Array): Promise<Uint8Array> {
    return sign("sha256", signingInput, { key: this.privateKey, dsaEncoding: "ieee-p1363" });
  }
}

function assertP256(key: KeyObject, where: string): void {
  if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
    throw new Error(`${where} is not an ECDSA P-256 key (ES256 needs one)`);
  }
}

/**
 * Reads the local signing key (PKCS#8 PEM), or creates it. Creation writes a
 * temporary file and hard-links it into place, so two processes starting at
 * once (the auth Lambda and the authorizer) end up with the same key.
 */
export function loadOrCreateLocalKey(path: string): KeyObject {
  try {
    return readLocalKey(path);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const pem = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" });
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  writeFileSync(temporary, pem, { mode: 0o600, flag: "wx" });
  chmodSync(temporary, 0o600); // the umask may have narrowed it further, never widened; make it exact
  try {
    linkSync(temporary, path);
  } catch (error) {
    if (!(error instanceof Error && "code" in error && error.code === "EEXIST")) throw error;
  } finally {
    unlinkSync(temporary);
  }
  return readLocalKey(path);
}

function readLocalKey(path: string): KeyObject {
  const pem = readFileSync(path, "utf8");
  if ((statSync(path).mode & 0o077) !== 0) {
    throw new Error(`local token key ${path} is readable by other users; run: chmod 600 ${path}`);
  }
  const key = createPrivateKey(pem);
  assertP256(key, `local token key ${path}`);
  return key;
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && "code" in error && error.code === "ENOENT";
}

// ---- public keys --------------------------------------------------------------

/** The verification key, or a function that fetches it (called until it first succeeds, then cached). */
export type PublicKeySource = KeyObject | (() => Promise<KeyObject>);

export interface KmsPublicKeyProps {
  readonly client: KMSClient;
  readonly keyId: string;
}

/**
 * Fetches the KMS key's public half once and caches it for the life of the
 * process (one GetPublicKey per cold start). A failed fetch is not cached, so
 * the next request retries. Needs `kms:GetPublicKey` on the key.
 */
export function kmsPublicKey(props: KmsPublicKeyProps): () => Promise<KeyObject> {
  let cached: Promise<KeyObject> | undefined;
  const fetchKey = async (): Promise<KeyObject> => {
    const response = await props.client.send(new GetPublicKeyCommand({ KeyId: props.keyId }));
    if (response.KeySpec !== "ECC_NIST_P256" || response.KeyUsage !== "SIGN_VERIFY") {
      throw new Error(
        `KMS key ${props.keyId} is ${response.KeySpec ?? "?"}/${response.KeyUsage ?? "?"}; tokens need an ECC_NIST_P256 key with key usage SIGN_VERIFY`,
      );
    }
    if (response.PublicKey === undefined) throw new Error(`KMS GetPublicKey returned no key for ${props.keyId}`);
    const key = createPublicKey({ key: Buffer.from(response.PublicKey), format: "der", type: "spki" });
    assertP256(key, `KMS key ${props.keyId}`);
    return key;
  };
  return () => {
    cached ??= fetchKey().catch((error: unknown) => {
      cached = undefined;
      throw error;
    });
    return cached;
  };
}

/** The public half of the local key file (created if it does not exist yet, see {@link loadOrCreateLocalKey}). */
export function localPublicKey(path: string): KeyObject {
  return createPublicKey(loadOrCreateLocalKey(path));
}

// ---- verification -------------------------------------------------------------

/** Why a token was refused; for logs and tests. The client only ever sees one 401. */
export type TokenRejection = "missing" | "malformed" | "expired" | "bad_signature" | "bad_claims";

/** A 401 for a token that is missing or not acceptable. */
export class TokenRejectedError extends ApiError {
  constructor(readonly reason: TokenRejection) {
    super("unauthorized", "sign in again: the token is missing, invalid or expired", undefined, { "WWW-Authenticate": 'Bearer error="invalid_token"' });
    this.name = "TokenRejectedError";
  }
}

export interface TokenVerifier {
  /** The principal a token names; throws {@link TokenRejectedError} for any unacceptable token. */
  verify(token: string): Promise<Principal>;
  /** Same, from an `Authorization: Bearer <token>` header value. */
  authenticate(authorizationHeader: string | undefined): Promise<Principal>;
}

export interface TokenVerifierOptions {
  readonly publicKey: PublicKeySource;
  /** @default - the system clock */
  readonly clock?: () => Date;
  /** Allowed skew between the signer's and the verifier's clocks. @default 5 */
  readonly clockToleranceSeconds?: number;
  /**
   * How many verified tokens to remember (least recently used evicted first), so
   * a session's repeat requests skip the ECDSA check; 0 verifies every time.
   * @default DEFAULT_VERIFIED_TOKEN_CACHE_SIZE
   */
  readonly cacheSize?: number;
}

/** About 200 bytes per entry; enough for every active session of one service instance. */
export const DEFAULT_VERIFIED_TOKEN_CACHE_SIZE = 1_000;

interface VerifiedToken {
  readonly principal: Principal;
  /** The window in which a full verification would accept the token again, in epoch ms. */
  readonly validFromMs: number;
  readonly validUntilMs: number;
}

/**
 * Tokens that verified, keyed by the SHA-256 of the token string (the raw
 * bearer credential is never kept as a key), in a bounded LRU.
 *
 * Security: a token is a bearer credential with a one-hour TTL and no
 * revocation, so remembering that it verified grants nothing a full check
 * would not. An entry never outlives the token's `exp` (checked against the
 * clock on every hit, the verifier's clock tolerance not applied), a different
 * string (a tampered token) has a different hash and is verified in full, and
 * a refusal is never remembered.
 */
class VerifiedTokenCache {
  private readonly entries = new Map<string, VerifiedToken>();

  constructor(private readonly capacity: number) {}

  static keyOf(token: string): string {
    return createHash("sha256").update(token).digest("base64url");
  }

  /** The entry if it is still within its window at `nowMs`; an entry outside it is dropped. */
  get(key: string, nowMs: number): VerifiedToken | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (nowMs < entry.validFromMs || nowMs >= entry.validUntilMs) return undefined;
    this.entries.set(key, entry); // re-insert: a Map iterates oldest first, so this marks it most recently used
    return entry;
  }

  set(key: string, entry: VerifiedToken): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
  }
}

/** The token in `Bearer <token>` (scheme case-insensitive), or undefined. */
export function bearerToken(authorizationHeader: string | undefined): string | undefined {
  const match = /^Bearer[ ]+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)[ ]*$/i.exec(authorizationHeader ?? "");
  return match?.[1];
}

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const clock = options.clock ?? (() => new Date());
  const clockTolerance = options.clockToleranceSeconds ?? 5;
  const keySource = options.publicKey;
  const publicKey = typeof keySource === "function" ? keySource : async () => keySource;
  const cacheSize = options.cacheSize ?? DEFAULT_VERIFIED_TOKEN_CACHE_SIZE;
  if (!Number.isInteger(cacheSize) || cacheSize < 0) throw new Error(`cacheSize must be a whole number >= 0 (0 disables the cache), not ${cacheSize}`);
  const cache = cacheSize === 0 ? undefined : new VerifiedTokenCache(cacheSize);

  const verifySignatureAndClaims = async (token: string, now: Date): Promise<TokenClaims> => {
    // Outside the try: a key that cannot be fetched is an outage (500), not a bad token.
    const key = await publicKey();
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, key, {
        algorithms: [TOKEN_ALGORITHM],
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        requiredClaims: ["sub", "exp", "iat", "jti"],
        // Also refuses an `iat` in the future.
        maxTokenAge: TOKEN_TTL_SECONDS + clockTolerance,
        clockTolerance,
        currentDate: now,
        typ: "JWT",
      }));
    } catch (error) {
      throw new TokenRejectedError(rejectionFor(error));
    }
    const claims = tokenClaimsSchema.safeParse(payload);
    // A validly signed token must still not outlive the policy (defends against a mis-issued long TTL).
    if (!claims.success || claims.data.exp - claims.data.iat > TOKEN_TTL_SECONDS) throw new TokenRejectedError("bad_claims");
    return claims.data;
  };

  const verify = async (token: string): Promise<Principal> => {
    const now = clock();
    const cacheKey = cache === undefined ? undefined : VerifiedTokenCache.keyOf(token);
    const cached = cacheKey === undefined ? undefined : cache?.get(cacheKey, now.getTime());
    if (cached !== undefined) return { ...cached.principal };

    const claims = await verifySignatureAndClaims(token, now);
    const principal: Principal = { email: claims.sub, role: claims.role, name: claims.name };
    const entry: VerifiedToken = {
      principal,
      // The same window a full check enforces (`iat` not in the future), except that it ends at `exp` sharp.
      validFromMs: (claims.iat - clockTolerance) * 1000,
      validUntilMs: claims.exp * 1000,
    };
    // A token accepted only thanks to the clock tolerance is not remembered.
    if (cacheKey !== undefined && now.getTime() < entry.validUntilMs) cache?.set(cacheKey, entry);
    return { ...principal };
  };

  return {
    verify,
    authenticate: async (authorizationHeader) => {
      const token = bearerToken(authorizationHeader);
      if (token === undefined) throw new TokenRejectedError(authorizationHeader === undefined || authorizationHeader === "" ? "missing" : "malformed");
      return verify(token);
    },
  };
}

function rejectionFor(error: unknown): TokenRejection {
  if (error instanceof joseErrors.JWTExpired) return "expired";
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return "bad_signature";
  if (error instanceof joseErrors.JWTClaimValidationFailed) return "bad_claims";
  return "malformed";
}

// ---- configuration --------------------------------------------------------------

/** Where the token key lives: KMS in AWS, a local file on a developer's machine. */
export type TokenKeySource =
  | { readonly kind: "kms"; readonly keyId: string; readonly endpoint?: string }
  | { readonly kind: "local"; readonly keyFile: string };

const tokenKeyEnvSchema = z.object({
  TOKEN_SIGNING_KEY_ID: z.string().trim().min(1, "must not be empty").optional(),
  LOCAL_TOKEN_KEY_FILE: z.string().trim().min(1, "must not be empty").optional(),
  KMS_ENDPOINT: z.url("must be a URL such as http://127.0.0.1:4599").optional(),
});

/**
 * Reads the key configuration: exactly one of `TOKEN_SIGNING_KEY_ID` (a KMS
 * key id/ARN/alias) or `LOCAL_TOKEN_KEY_FILE` (a path); `KMS_ENDPOINT`
 * optionally overrides the KMS endpoint. Throws naming the variable and the fix.
 */
export function tokenKeySourceFromEnv(env: Readonly<Record<string, string | undefined>>): TokenKeySource {
  const parsed = tokenKeyEnvSchema.safeParse({
    TOKEN_SIGNING_KEY_ID: env.TOKEN_SIGNING_KEY_ID || undefined,
    LOCAL_TOKEN_KEY_FILE: env.LOCAL_TOKEN_KEY_FILE || undefined,
    KMS_ENDPOINT: env.KMS_ENDPOINT || undefined,
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`).join("; ");
    throw new Error(`invalid token key configuration: ${problems}`);
  }
  const { TOKEN_SIGNING_KEY_ID: keyId, LOCAL_TOKEN_KEY_FILE: keyFile, KMS_ENDPOINT: endpoint } = parsed.data;
  if ((keyId === undefined) === (keyFile === undefined)) {
    throw new Error(
      "set exactly one of TOKEN_SIGNING_KEY_ID (the KMS signing key's id or ARN, in AWS) or LOCAL_TOKEN_KEY_FILE (a key file path, locally)",
    );
  }
  if (keyId !== undefined) return endpoint === undefined ? { kind: "kms", keyId } : { kind: "kms", keyId, endpoint };
  return { kind: "local", keyFile: keyFile ?? "" };
}

/** A KMS client for the key source; region and credentials come from the SDK's usual chain (`AWS_REGION`, the role). */
function kmsClientFor(source: Extract<TokenKeySource, { kind: "kms" }>): KMSClient {
  return new KMSClient(source.endpoint === undefined ? {} : { endpoint: source.endpoint });
}

export function createTokenSigner(source: TokenKeySource, kmsClient?: KMSClient): TokenSigner {
  return source.kind === "kms"
    ? new KmsTokenSigner({ client: kmsClient ?? kmsClientFor(source), keyId: source.keyId })
    : LocalTokenSigner.fromKeyFile(source.keyFile);
}

/** The verifier for a key source: KMS's public key fetched on first use, or the local file's. */
export function createTokenVerifierFor(
  source: TokenKeySource,
  options: Omit<TokenVerifierOptions, "publicKey"> & { readonly kmsClient?: KMSClient } = {},
): TokenVerifier {
  const { kmsClient, ...verifierOptions } = options;
  let localKey: KeyObject | undefined;
  const publicKey =
    source.kind === "kms"
      ? kmsPublicKey({ client: kmsClient ?? kmsClientFor(source), keyId: source.keyId })
      : async () => (localKey ??= localPublicKey(source.keyFile));
  return createTokenVerifier({ ...verifierOptions, publicKey });
}
