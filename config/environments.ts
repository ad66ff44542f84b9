import type { EnvironmentInput } from "./schema";

/** The GitHub repository that delivers every environment (placeholder: replace with the real `<owner>/<name>`). */
const CI_REPOSITORY = "example-org/taskboard";

/** Why dev may drop deletion protection: the reason every such dev waiver carries. */
const DEV_IS_DISPOSABLE =
  "dev is destroyed and recreated at will (deletionProtection: false) and holds only test data; staging and prod keep protection on";

/**
 * The three environments, as data. Edit values here; `loadEnvironments()`
 * validates them before any construct is created.
 *
 * The account ids are placeholders for the team's three AWS accounts: each
 * environment's provider is pinned to its own account (`allowed_account_ids`),
 * so a dev configuration can never apply to the prod account.
 *
 * `ci.repository` is a placeholder slug too: set it to the repository that
 * holds this code before bootstrapping, since the CI roles trust only it.
 */
export const environments: readonly EnvironmentInput[] = [
  {
    name: "dev",
    accountId: "111111111111",
    availabilityZones: ["ap-northeast-2a", "ap-northeast-2c"],
    costCentre: "taskboard-dev",
    network: { cidr: "10.10.0.0/16", natGateways: "single" },
    database: { engineVersion: "16.6", minCapacityAcu: 0.5, maxCapacityAcu: 2, instances: 1, backupRetentionDays: 1 },
    compute: {
      instanceType: "t4g.small",
      minInstances: 1,
      maxInstances: 2,
      taskCpu: 256,
      taskMemoryMiB: 512,
      minTasks: 1,
      maxTasks: 2,
      targetCpuPercent: 70,
    },
    deletionProtection: false,
    logRetentionDays: 7,
    alarmEmails: ["taskboard-dev-alarms@example.com"],
    billingAlarmUsd: 150,
    edge: { waf: { enabled: false, rateLimitPer5Minutes: 2000 }, priceClass: "PriceClass_100" },
    api: { throttlingBurstLimit: 50, throttlingRateLimit: 25, corsAllowedOrigins: [] },
    mailFrom: "taskboard-dev@example.com",
    auditLogExpiryDays: 90,
    ci: { repository: CI_REPOSITORY },
    // Prod-level compliance rules dev sets aside by design (modules/guardrails; `npm run check` lists them).
    waivers: [
      {
        rule: "TB-CF-2",
        resource: "dev/site/distribution",
        reason:
          "dev has no domain (edge.domain unset), so it is served on its *.cloudfront.net name, whose certificate cannot refuse TLS 1.0/1.1 viewers; it holds only test data",
      },
      {
        rule: "TB-CF-5",
        resource: "dev/site/distribution",
        reason:
          "WAF is off in dev (edge.waf.enabled: false) to save the web ACL and rule group charges; it holds only test data and API Gateway still throttles every route",
      },
      ...["users", "task-events", "login-attempts", "notifications-sent"].map((table) => ({
        rule: "TB-DDB-3",
        resource: `dev/tables/${table}/table`,
        reason: `${DEV_IS_DISPOSABLE}; point-in-time recovery stays on`,
      })),
      { rule: "TB-RDS-5", resource: "dev/database/cluster", reason: DEV_IS_DISPOSABLE },
      {
        rule: "TB-RDS-4",
        resource: "dev/database/cluster",
        reason: "dev keeps one day of automated backups (database.backupRetentionDays: 1): its data is test data that migrations and the seed recreate",
      },
      { rule: "TB-ALB-4", resource: "dev/load-balancer/load-balancer", reason: DEV_IS_DISPOSABLE },
      {
        rule: "TB-ALB-5",
        resource: "dev/load-balancer/listener",
        reason:
          "dev has no domain (edge.domain unset), so no public certificate can be issued for the ALB and API Gateway reaches it over HTTP inside the VPC; only the VPC link's group may connect and dev holds only test data",
      },
    ],
  },
  {
    name: "staging",
    accountId: "222222222222",
    availabilityZones: ["ap-northeast-2a", "ap-northeast-2c"],
    costCentre: "taskboard-staging",
    network: { cidr: "10.20.0.0/16", natGateways: "single" },
    database: { engineVersion: "16.6", minCapacityAcu: 0.5, maxCapacityAcu: 4, instances: 2, backupRetentionDays: 7 },
    compute: {
      instanceType: "t4g.medium",
      minInstances: 2,
      maxInstances: 4,
      taskCpu: 512,
      taskMemoryMiB: 1024,
      minTasks: 2,
      maxTasks: 4,
      targetCpuPercent: 60,
    },
    deletionProtection: true,
    logRetentionDays: 30,
    alarmEmails: ["taskboard-staging-alarms@example.com"],
    billingAlarmUsd: 400,
    edge: {
      domain: { name: "staging.board.example.com", hostedZoneId: "Z0STAGINGZONE00000001" },
      waf: { enabled: true, rateLimitPer5Minutes: 2000 },
      priceClass: "PriceClass_200",
    },
    api: { throttlingBurstLimit: 100, throttlingRateLimit: 50, corsAllowedOrigins: [] },
    mailFrom: "no-reply@staging.board.example.com",
    auditLogExpiryDays: 365,
    ci: { repository: CI_REPOSITORY },
  },
  {
    name: "prod",
    accountId: "333333333333",
    availabilityZones: ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"],
    costCentre: "taskboard-prod",
    network: { cidr: "10.30.0.0/16", natGateways: "per-az" },
    database: { engineVersion: "16.6", minCapacityAcu: 1, maxCapacityAcu: 16, instances: 2, backupRetentionDays: 35 },
    compute: {
      instanceType: "m7g.large",
      minInstances: 3,
      maxInstances: 9,
      taskCpu: 1024,
      taskMemoryMiB: 2048,
      minTasks: 3,
      maxTasks: 12,
      targetCpuPercent: 55,
    },
    deletionProtection: true,
    logRetentionDays: 365,
    alarmEmails: ["taskboard-oncall@example.com"],
    billingAlarmUsd: 2500,
    edge: {
      domain: { name: "board.example.com", hostedZoneId: "Z0PRODUCTIONZONE00001" },
      waf: { enabled: true, rateLimitPer5Minutes: 2000 },
      priceClass: "PriceClass_200",
    },
    api: { throttlingBurstLimit: 500, throttlingRateLimit: 200, corsAllowedOrigins: [] },
    mailFrom: "no-reply@board.example.com",
    auditLogExpiryDays: 2555,
    ci: { repository: CI_REPOSITORY },
  },
];
