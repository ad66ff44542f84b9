import type { EnvironmentInput } from "./schema";

/**
 * The three environments, as data. Edit values here; `loadEnvironments()`
 * validates them before any construct is created.
 *
 * The account ids are placeholders for the team's three AWS accounts: each
 * environment's provider is pinned to its own account (`allowed_account_ids`),
 * so a dev configuration can never apply to the prod account.
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
  },
];
