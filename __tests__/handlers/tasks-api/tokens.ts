import { KeyObject, randomUUID } from "node:crypto";
import { generateKeyPair, SignJWT, type CryptoKey } from "jose";
import { TOKEN_ALGORITHM, TOKEN_AUDIENCE, TOKEN_ISSUER, TOKEN_TTL_SECONDS, type Principal } from "../../../contracts/auth";
import { createTokenVerifier } from "../../../handlers/lib/tokens";
import type { Authenticate } from "../../../handlers/tasks-api/http/app";

export interface SignOptions {
  readonly issuer?: string;
  readonly audience?: string;
  /** Seconds from now; negative for an expired token. */
  readonly expiresInSeconds?: number;
  /** Sign with a key the verifier does not trust. */
  readonly foreignKey?: boolean;
}

export interface TestTokens {
  sign(principal: Principal, options?: SignOptions): Promise<string>;
  /** `Authorization` header value for `principal`. */
  bearer(principal: Principal, options?: SignOptions): Promise<string>;
  /** The production verifier, trusting this helper's key. */
  readonly authenticate: Authenticate;
}

/** A fresh ES256 key pair per test file: tokens signed and verified for real, no mocks. */
export async function createTestTokens(): Promise<TestTokens> {
  const trusted = await generateKeyPair(TOKEN_ALGORITHM);
  let foreign: { privateKey: CryptoKey } | undefined;

  const sign = async (principal: Principal, options: SignOptions = {}) => {
    const now = Math.floor(Date.now() / 1000);
    foreign ??= options.foreignKey ? await generateKeyPair(TOKEN_ALGORITHM) : undefined;
    const key = options.foreignKey && foreign ? foreign.privateKey : trusted.privateKey;
    return new SignJWT({ role: principal.role, name: principal.name })
      .setProtectedHeader({ alg: TOKEN_ALGORITHM, typ: "JWT" })
      .setSubject(principal.email)
      .setIssuer(options.issuer ?? TOKEN_ISSUER)
      .setAudience(options.audience ?? TOKEN_AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + (options.expiresInSeconds ?? TOKEN_TTL_SECONDS))
      .setJti(randomUUID())
      .sign(key);
  };

  // The service's real verifier (handlers/lib/tokens.ts), trusting this file's key.
  const verifier = createTokenVerifier({ publicKey: KeyObject.from(trusted.publicKey) });
  const authenticate: Authenticate = (header) => verifier.authenticate(header);

  return { sign, bearer: async (principal, options) => `Bearer ${await sign(principal, options)}`, authenticate };
}
