/** GitHub Actions' OIDC issuer; the provider's URL and the prefix of every condition key. */
export const GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com";
/** The host part, as IAM names the condition keys (`token.actions.githubusercontent.com:sub`). */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
/** The audience `aws-actions/configure-aws-credentials` asks GitHub to put in the token. */
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";

/** CloudFront, its certificates and WAF web ACLs live here whatever the stack's home region. */
export const CLOUDFRONT_REGION = "us-east-1";

export const CI_ACCESS_DEFAULTS = {
  /** A plan refreshes every resource; an hour is ample. */
  planSessionSeconds: 3600,
  /**
   * A first apply creates Aurora, CloudFront and NAT gateways, which can take
   * most of an hour; two hours leave room for migrations and the smoke test.
   */
  deploySessionSeconds: 7200,
  /** Suffix of the GitHub environment pull-request plans and drift checks run in (`dev-plan`). */
  planEnvironmentSuffix: "-plan",
} as const;

/**
 * Verbs of read-only IAM actions. Every action the plan role holds, except
 * the lock-file statement and the state decrypt, must start with one of
 * these (a test enforces it). API Gateway is the odd one out: its IAM
 * actions are HTTP methods, and `GET` is its only read.
 */
export const READ_ONLY_VERBS = ["Get", "List", "Describe"] as const;
export const READ_ONLY_HTTP_ACTIONS = ["apigateway:GET"] as const;

/**
 * Reads that return data rather than configuration (items, messages, secrets,
 * log events, image layers, request samples). The plan role must not hold any
 * of them on `*`; a test matches every granted action pattern against this list.
 */
export const DATA_READ_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
  "dynamodb:Scan",
  "dynamodb:GetRecords",
  "secretsmanager:GetSecretValue",
  "ssm:GetParameter",
  "ssm:GetParameters",
  "logs:GetLogEvents",
  "logs:FilterLogEvents",
  "logs:GetQueryResults",
  "sqs:ReceiveMessage",
  "ecr:BatchGetImage",
  "ecr:GetDownloadUrlForLayer",
  "wafv2:GetSampledRequests",
  "cloudtrail:LookupEvents",
  "cloudtrail:GetQueryResults",
  "lambda:InvokeFunction",
  "kms:Decrypt",
  "s3:GetObject",
  "s3:GetObjectVersion",
] as const;
