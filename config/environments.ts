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
  },
];
