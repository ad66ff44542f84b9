/**
 * From AWS SDK v3 operations to IAM actions: a small, explicit table.
 *
 * The SDK names each service by its Smithy shape id (`DynamoDB_20120810`),
 * which is what a bundle carries; IAM names it by a prefix (`dynamodb`).
 * An operation's action is `<prefix>:<Operation>` unless a row below says
 * otherwise. A service or operation missing here fails the check with its
 * shape id, so a handler that starts using a new client gets a row, reviewed,
 * rather than a guess.
 */

/** IAM prefix of each service shape id a handler's bundle may contain. */
export const IAM_PREFIX_BY_SERVICE: Readonly<Record<string, string>> = {
  DynamoDB_20120810: "dynamodb",
  TrentService: "kms",
  // SES API v2 authorizes under the `ses` prefix: SESv2 SendEmail needs `ses:SendEmail`.
  SimpleEmailService_v2: "ses",
};

/**
 * Clients every SDK client bundles for its default credential chain
 * (`@aws-sdk/credential-provider-node`: web identity, SSO, `aws login`).
 * Their commands ship in every bundle, but on Lambda the chain stops at the
 * environment's credentials and on ECS at the container credentials endpoint;
 * and when they do run they authenticate with a token, not the role's policy.
 * So they are never actions the role needs.
 */
export const SDK_CREDENTIAL_SERVICES: Readonly<Record<string, string>> = {
  AWSSecurityTokenServiceV20110615: "STS (AssumeRole, AssumeRoleWithWebIdentity for the web-identity and profile providers)",
  SWBPortalService: "IAM Identity Center portal (SSO GetRoleCredentials)",
  AWSSSOOIDCService: "IAM Identity Center OIDC (SSO token refresh)",
  Signin: "AWS sign-in (`aws login` credentials)",
  AWSCognitoIdentityService: "Cognito identity pools (browser credential provider)",
};

/**
 * Operations a client runs by itself, not because the handler asked.
 * Key: `<service shape id>.<Operation>`.
 */
export const SDK_INTERNAL_OPERATIONS: Readonly<Record<string, string>> = {
  "DynamoDB_20120810.DescribeEndpoints":
    "bundled with every DynamoDBClient for endpoint discovery, which runs only with `endpointDiscoveryEnabled: true`; no handler sets it",
};

/**
 * Operations whose IAM action is not `<prefix>:<Operation>`. `undefined`
 * means the action depends on the request (PartiQL statements, transactions
 * authorize each item's own action): a handler calling one fails the check
 * until it gets a reviewed, explicit mapping here.
 */
export const OPERATION_ACTIONS: Readonly<Record<string, readonly string[] | undefined>> = {
  // TransactGetItems authorizes as GetItem on each table read.
  "DynamoDB_20120810.TransactGetItems": ["dynamodb:GetItem"],
  "DynamoDB_20120810.TransactWriteItems": undefined,
  "DynamoDB_20120810.ExecuteStatement": undefined,
  "DynamoDB_20120810.BatchExecuteStatement": undefined,
  "DynamoDB_20120810.ExecuteTransaction": undefined,
};

export type ActionMapping =
  | { readonly kind: "actions"; readonly actions: readonly string[] }
  | { readonly kind: "credential-client"; readonly reason: string }
  | { readonly kind: "sdk-internal"; readonly reason: string }
  | { readonly kind: "unmapped"; readonly problem: string };

/** The IAM actions an SDK operation needs, or why it needs none, or why the table cannot say. */
export function iamActionsFor(service: string, operation: string): ActionMapping {
  const credential = SDK_CREDENTIAL_SERVICES[service];
  if (credential) return { kind: "credential-client", reason: `SDK credential chain: ${credential}` };
  const key = `${service}.${operation}`;
  const internal = SDK_INTERNAL_OPERATIONS[key];
  if (internal) return { kind: "sdk-internal", reason: internal };
  const prefix = IAM_PREFIX_BY_SERVICE[service];
  if (!prefix) {
    return {
      kind: "unmapped",
      problem: `service shape "${service}" (operation ${operation}) has no IAM prefix; add it to IAM_PREFIX_BY_SERVICE in scripts/proofs/iam-mapping.ts`,
    };
  }
  if (key in OPERATION_ACTIONS) {
    const actions = OPERATION_ACTIONS[key];
    if (!actions) {
      return {
        kind: "unmapped",
        problem: `${prefix} ${operation} authorizes per statement or item, not as one action; map it explicitly in OPERATION_ACTIONS (scripts/proofs/iam-mapping.ts)`,
      };
    }
    return { kind: "actions", actions };
  }
  return { kind: "actions", actions: [`${prefix}:${operation}`] };
}

/** Whether an IAM action pattern (`kms:GenerateDataKey*`, `s3:*`, `*`) matches an action; IAM compares case-insensitively. */
export function actionMatches(pattern: string, action: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern.toLowerCase() === action.toLowerCase();
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
  return regex.test(action);
}
