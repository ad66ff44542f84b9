/**
 * What a verified token says about its bearer. The auth Lambda signs these
 * claims; the authorizer and the tasks-api verify them and pass `Principal` on.
 */
import { z } from "zod";
import { ROLES } from "./api";

/** `iss` and `aud` of every token; a token for another audience is refused. */
export const TOKEN_ISSUER = "taskboard-auth";
export const TOKEN_AUDIENCE = "taskboard-api";
/** Short-lived by design: there is no refresh token, the user signs in again. */
export const TOKEN_TTL_SECONDS = 60 * 60;
/** JWS algorithm: ECDSA P-256, which KMS can sign with an asymmetric key that never leaves KMS. */
export const TOKEN_ALGORITHM = "ES256";

export const tokenClaimsSchema = z.object({
  sub: z.email(),
  role: z.enum(ROLES),
  name: z.string(),
  iss: z.literal(TOKEN_ISSUER),
  aud: z.literal(TOKEN_AUDIENCE),
  iat: z.number().int(),
  exp: z.number().int(),
  jti: z.string().min(1),
});
export type TokenClaims = z.infer<typeof tokenClaimsSchema>;

/** The signed-in user as the backends see it. */
export interface Principal {
  readonly email: string;
  readonly role: (typeof ROLES)[number];
  readonly name: string;
}

/**
 * Context keys the API Gateway authorizer returns; API Gateway passes them to
 * integrations as `$context.authorizer.<key>` (HTTP API Lambda authorizer, simple responses).
 */
export const AUTHORIZER_CONTEXT_KEYS = { email: "email", role: "role", name: "name" } as const;
