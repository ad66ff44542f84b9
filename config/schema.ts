import { z } from "zod";

/**
 * The shape of one environment's configuration.
 *
 * Every refinement carries its own fix in the message, so `parseEnvironment`
 * can report "field, value, fix" without a lookup table of hints.
 */

/** Retention values CloudWatch Logs accepts; anything else is rejected by the API at apply time. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export const ENVIRONMENT_NAMES = ["dev", "staging", "prod"] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

const accountId = z
  .string()
  .regex(/^\d{12}$/, "must be a 12-digit AWS account id (quote it so leading zeros survive), e.g. \"111122223333\"");

const region = z
  .string()
  .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be an AWS region code such as \"ap-northeast-2\"");

const cidrBlock = z.string().refine(isIpv4Cidr, "must be an IPv4 CIDR such as \"10.20.0.0/16\"");

const retentionDays = z
  .number()
  .refine(
    (days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days),
    `must be one of the CloudWatch Logs retention values: ${LOG_RETENTION_DAYS.join(", ")}`,
  );

const email = z.email("must be an email address such as \"oncall@example.com\"");

const instanceType = z
  .string()
  .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, "must be an EC2 instance type such as \"t4g.small\"");

const positiveInt = (what: string) => z.number().int(`${what} must be a whole number`).positive(`${what} must be at least 1`);

export const networkSchema = z.strictObject({
  /** The VPC's address range; /16 to /22 leaves room for three tiers across three AZs. */
  cidr: cidrBlock.refine(
    (cidr) => prefixLength(cidr) >= 16 && prefixLength(cidr) <= 22,
    "must have a prefix length between /16 and /22, e.g. \"10.20.0.0/16\"",
  ),
  /** `per-az` keeps egress up when one AZ fails; `single` saves cost in dev. */
  natGateways: z.enum(["per-az", "single"], "must be \"per-az\" or \"single\""),
});

export const databaseSchema = z
  .strictObject({
    engineVersion: z
      .string()
      .regex(/^\d+\.\d+$/, "must be an Aurora PostgreSQL engine version such as \"16.6\""),
    minCapacityAcu: z
      .number()
      .min(0.5, "must be at least 0.5 ACU (Serverless v2 minimum)")
      .multipleOf(0.5, "must be a multiple of 0.5 ACU"),
    maxCapacityAcu: z
      .number()
      .max(256, "must be at most 256 ACU (Serverless v2 maximum)")
      .multipleOf(0.5, "must be a multiple of 0.5 ACU"),
    /** Writer plus readers; two or more puts a reader in another AZ for fail-over. */
    instances: positiveInt("instances").max(15, "must be at most 15 (Aurora's limit)"),
    backupRetentionDays: z
      .number()
      .int()
      .min(1, "must be between 1 and 35 days (Aurora's backup window)")
      .max(35, "must be between 1 and 35 days (Aurora's backup window)"),
  })
  .refine((db) => db.maxCapacityAcu >= db.minCapacityAcu, {
    message: "maxCapacityAcu must be at least minCapacityAcu; raise maxCapacityAcu or lower minCapacityAcu",
    path: ["maxCapacityAcu"],
  });

export const computeSchema = z
  .strictObject({
    instanceType,
    minInstances: z.number().int().min(0, "must be 0 or more"),
    maxInstances: positiveInt("maxInstances"),
    taskCpu: z
      .number()
      .refine((cpu) => [256, 512, 1024, 2048, 4096].includes(cpu), "must be one of 256, 512, 1024, 2048, 4096 CPU units"),
    taskMemoryMiB: z.number().int().min(128, "must be at least 128 MiB"),
    minTasks: positiveInt("minTasks"),
    maxTasks: positiveInt("maxTasks"),
    /** Target average CPU utilisation (percent) that autoscaling holds. */
    targetCpuPercent: z.number().min(10, "must be between 10 and 90 percent").max(90, "must be between 10 and 90 percent"),
  })
  .refine((c) => c.maxInstances >= c.minInstances, {
    message: "maxInstances must be at least minInstances",
    path: ["maxInstances"],
  })
  .refine((c) => c.maxTasks >= c.minTasks, {
    message: "maxTasks must be at least minTasks",
    path: ["maxTasks"],
  });

const hostname = z
  .string()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    "must be a lower-case DNS name such as \"board.example.com\"",
  );

export const domainSchema = z.strictObject({
  /** The site's DNS name; the certificate also covers `*.<name>`. */
  name: hostname,
  /** The Route53 hosted zone that holds `name`, from the account's DNS setup (a lookup would need AWS at plan time). */
  hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,31}$/, "must be a Route53 hosted zone id such as \"Z0123456789ABCDEFGHIJ\""),
});

export const edgeSchema = z.strictObject({
  /** A custom domain with an ACM certificate; without it the CloudFront domain (and its TLS floor) is used. */
  domain: domainSchema.optional(),
  /** AWS WAF on the distribution: managed rule groups plus a per-IP rate rule. */
  waf: z.strictObject({
    enabled: z.boolean(),
    rateLimitPer5Minutes: z
      .number()
      .int("must be a whole number")
      .min(100, "must be at least 100 (AWS WAF's minimum for rate-based rules)")
      .max(2_000_000_000, "must be at most 2,000,000,000"),
  }),
  /** CloudFront price class: which edge locations serve the site. */
  priceClass: z.enum(["PriceClass_100", "PriceClass_200", "PriceClass_All"], "must be PriceClass_100, PriceClass_200 or PriceClass_All"),
});

export const apiSchema = z
  .strictObject({
    throttlingBurstLimit: positiveInt("throttlingBurstLimit"),
    throttlingRateLimit: z.number().positive("must be above 0 requests per second"),
    /** Origins allowed by CORS. Empty: none, since the site calls the API same-origin through CloudFront. */
    corsAllowedOrigins: z.array(
      z
        .string()
        .regex(/^https:\/\/[a-z0-9.-]+(:\d+)?$/, "must be an exact https:// origin without a path, e.g. \"https://admin.example.com\" (no wildcards)"),
    ),
  })
  .refine((api) => api.throttlingBurstLimit >= api.throttlingRateLimit, {
    message: "throttlingBurstLimit must be at least throttlingRateLimit",
    path: ["throttlingBurstLimit"],
  });

/** A GitHub repository slug: the `sub` of its OIDC tokens names it (`repo:<owner>/<name>:...`). */
const githubRepository = z
  .string()
  .regex(
    /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/,
    "must be a GitHub repository slug \"<owner>/<name>\", e.g. \"example-org/taskboard\"",
  );

export const ciSchema = z.strictObject({
  /** The repository whose workflows may assume this environment's plan and deploy roles (GitHub OIDC). */
  repository: githubRepository,
});

/**
 * A compliance rule set aside for one resource, with the reason
 * (modules/guardrails). Only `prod`-level rules, only outside prod; the pack
 * rejects an unknown rule, a waiver that matches no failing resource, and one
 * without a reason.
 */
export const waiverSchema = z.strictObject({
  /** The rule's id, e.g. "TB-ALB-4". */
  rule: z.string().regex(/^TB-[A-Z0-9]+-\d+$/, "must be a guardrail rule id such as \"TB-ALB-4\" (modules/guardrails/README.md)"),
  /** The resource's construct path as the violation prints it, e.g. "dev/load-balancer/load-balancer" (or its logical id). */
  resource: z.string().min(1, "must name the resource by its construct path, e.g. \"dev/load-balancer/load-balancer\""),
  /** Why the rule does not apply here; `npm run check` prints it. */
  reason: z.string().trim().min(1, "must say why the rule is waived here; a waiver without a reason is not accepted"),
});

export const environmentSchema = z
  .strictObject({
    name: z.enum(ENVIRONMENT_NAMES, `must be one of ${ENVIRONMENT_NAMES.join(", ")}`),
    accountId,
    region: region.default("ap-northeast-2"),
    /** Two or three AZ names of `region`; written here because a data source lookup would need AWS at plan time. */
    availabilityZones: z
      .array(z.string())
      .min(2, "must list at least 2 availability zones, e.g. [\"ap-northeast-2a\", \"ap-northeast-2c\"]")
      .max(3, "must list at most 3 availability zones")
      .refine((zones) => new Set(zones).size === zones.length, "must not list an availability zone twice"),
    costCentre: z.string().min(1, "must name the cost centre billed for this environment, e.g. \"platform\""),
    network: networkSchema,
    database: databaseSchema,
    compute: computeSchema,
    /** Protects stateful resources (tables, database, load balancer) from `terraform destroy`. */
    deletionProtection: z.boolean(),
    logRetentionDays: retentionDays,
    alarmEmails: z.array(email).min(1, "must list at least one address that receives alarms"),
    /** Estimated monthly charges (USD) above which the billing alarm fires. */
    billingAlarmUsd: z.number().positive("must be a positive amount in USD"),
    edge: edgeSchema,
    api: apiSchema,
    /** Sender of notification emails; must be on `edge.domain` when a domain is set. */
    mailFrom: email,
    /** Days CloudTrail logs are kept in the audit bucket. */
    auditLogExpiryDays: z.number().int().min(90, "must be at least 90 days (audit evidence)").max(3650, "must be at most 3650 days"),
    /** Continuous delivery: who may plan and deploy this environment from GitHub Actions. */
    ci: ciSchema,
    /** Compliance pack waivers for this environment (`prod`-level rules only, never in prod). @default - none */
    waivers: z.array(waiverSchema).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.name === "prod" && (env.waivers?.length ?? 0) > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["waivers"],
        message: "must be empty in prod: the compliance pack's prod-level rules hold there without exception; fix the resources instead",
      });
    }
    const domain = env.edge.domain?.name;
    if (domain && !env.mailFrom.endsWith(`@${domain}`)) {
      ctx.addIssue({
        code: "custom",
        path: ["mailFrom"],
        message: `must be an address at the site's domain, e.g. "no-reply@${domain}", so SES can send from the verified domain`,
      });
    }
    env.availabilityZones.forEach((zone, index) => {
      if (!new RegExp(`^${env.region}[a-z]$`).test(zone)) {
        ctx.addIssue({
          code: "custom",
          path: ["availabilityZones", index],
          message: `must be an availability zone of ${env.region}, e.g. "${env.region}a"`,
        });
      }
    });
  });

export type EnvironmentInput = z.input<typeof environmentSchema>;
export type EnvironmentConfig = z.output<typeof environmentSchema>;
export type NetworkConfig = EnvironmentConfig["network"];
export type DatabaseConfig = EnvironmentConfig["database"];
export type ComputeConfig = EnvironmentConfig["compute"];
export type EdgeConfig = EnvironmentConfig["edge"];
export type ApiConfig = EnvironmentConfig["api"];
export type CiConfig = EnvironmentConfig["ci"];
export type WaiverConfig = z.output<typeof waiverSchema>;

function isIpv4Cidr(value: string): boolean {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!match) return false;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((octet) => octet > 255) || prefix > 32) return false;
  // The address must be the network address: no host bits set.
  const address = octets.reduce((acc, octet) => acc * 256 + octet, 0);
  const hostBits = 2 ** (32 - prefix);
  return address % hostBits === 0;
}

function prefixLength(cidr: string): number {
  return Number(cidr.split("/")[1]);
}
