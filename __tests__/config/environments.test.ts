import { describe, expect, it } from "vitest";
import { ConfigError, loadEnvironments, parseEnvironment, parseEnvironments } from "../../config";
import { environments } from "../../config/environments";

const dev = environments.find((e) => e.name === "dev")!;

function problemsOf(input: unknown): string[] {
  try {
    parseEnvironment(input, "env");
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error("expected the configuration to be rejected");
}

describe("environment configuration", () => {
  it("parses dev, staging and prod, defaulting the region to Seoul", () => {
    const parsed = loadEnvironments({});
    expect(parsed.map((e) => e.name)).toEqual(["dev", "staging", "prod"]);
    expect(parsed.every((e) => e.region === "ap-northeast-2")).toBe(true);
  });

  it("gives each environment its own account", () => {
    const accounts = loadEnvironments({}).map((e) => e.accountId);
    expect(new Set(accounts).size).toBe(accounts.length);
  });

  it("makes prod the hardened one: per-AZ NAT, deletion protection, long retention, three AZs", () => {
    const prod = loadEnvironments({}).find((e) => e.name === "prod")!;
    expect(prod.network.natGateways).toBe("per-az");
    expect(prod.deletionProtection).toBe(true);
    expect(prod.logRetentionDays).toBeGreaterThanOrEqual(365);
    expect(prod.availabilityZones).toHaveLength(3);
    expect(prod.database.backupRetentionDays).toBe(35);
  });

  it("narrows the set with TASKBOARD_ENVIRONMENTS", () => {
    expect(loadEnvironments({ TASKBOARD_ENVIRONMENTS: "prod, dev" }).map((e) => e.name)).toEqual(["dev", "prod"]);
  });

  it("throws when TASKBOARD_ENVIRONMENTS names an unknown environment", () => {
    expect(() => loadEnvironments({ TASKBOARD_ENVIRONMENTS: "dev,qa" })).toThrow(
      /TASKBOARD_ENVIRONMENTS: "qa" names no configured environment\. Fix: use a comma list of dev, staging, prod/,
    );
  });

  it("throws when the account id is not 12 digits, naming field, value and fix", () => {
    expect(problemsOf({ ...dev, accountId: "12345" })).toEqual([
      'env.accountId = "12345": must be a 12-digit AWS account id (quote it so leading zeros survive), e.g. "111122223333"',
    ]);
  });

  it("throws when the CIDR has host bits set", () => {
    expect(problemsOf({ ...dev, network: { ...dev.network, cidr: "10.10.0.1/16" } })).toEqual([
      'env.network.cidr = "10.10.0.1/16": must be an IPv4 CIDR such as "10.20.0.0/16"',
    ]);
  });

  it("throws when the CIDR is too small for three tiers", () => {
    expect(problemsOf({ ...dev, network: { ...dev.network, cidr: "10.10.0.0/24" } })[0]).toMatch(
      /^env\.network\.cidr = "10\.10\.0\.0\/24": must have a prefix length between \/16 and \/22/,
    );
  });

  it("throws when an availability zone is not in the region", () => {
    expect(problemsOf({ ...dev, availabilityZones: ["ap-northeast-2a", "us-east-1a"] })).toEqual([
      'env.availabilityZones.1 = "us-east-1a": must be an availability zone of ap-northeast-2, e.g. "ap-northeast-2a"',
    ]);
  });

  it("throws when fewer than two availability zones are listed", () => {
    expect(problemsOf({ ...dev, availabilityZones: ["ap-northeast-2a"] })[0]).toMatch(/must list at least 2 availability zones/);
  });

  it("throws when an availability zone is listed twice", () => {
    expect(problemsOf({ ...dev, availabilityZones: ["ap-northeast-2a", "ap-northeast-2a"] })[0]).toMatch(
      /must not list an availability zone twice/,
    );
  });

  it("throws when the log retention is not a CloudWatch value", () => {
    expect(problemsOf({ ...dev, logRetentionDays: 10 })[0]).toMatch(
      /^env\.logRetentionDays = 10: must be one of the CloudWatch Logs retention values: 1, 3, 5, 7, 14/,
    );
  });

  it("throws when the NAT choice is unknown", () => {
    expect(problemsOf({ ...dev, network: { ...dev.network, natGateways: "none" } })).toEqual([
      'env.network.natGateways = "none": must be "per-az" or "single"',
    ]);
  });

  it("throws when database capacity is inverted", () => {
    expect(problemsOf({ ...dev, database: { ...dev.database, minCapacityAcu: 4, maxCapacityAcu: 2 } })[0]).toMatch(
      /^env\.database\.maxCapacityAcu = 2: maxCapacityAcu must be at least minCapacityAcu/,
    );
  });

  it("throws when database capacity is not a half-ACU step", () => {
    expect(problemsOf({ ...dev, database: { ...dev.database, minCapacityAcu: 0.7 } })[0]).toMatch(
      /^env\.database\.minCapacityAcu = 0\.7: must be a multiple of 0\.5 ACU/,
    );
  });

  it("throws when backup retention is outside Aurora's window", () => {
    expect(problemsOf({ ...dev, database: { ...dev.database, backupRetentionDays: 40 } })[0]).toMatch(
      /^env\.database\.backupRetentionDays = 40: must be between 1 and 35 days/,
    );
  });

  it("throws when task bounds are inverted", () => {
    expect(problemsOf({ ...dev, compute: { ...dev.compute, minTasks: 3, maxTasks: 2 } })[0]).toMatch(
      /^env\.compute\.maxTasks = 2: maxTasks must be at least minTasks/,
    );
  });

  it("throws when the task CPU is not a Fargate/ECS size", () => {
    expect(problemsOf({ ...dev, compute: { ...dev.compute, taskCpu: 300 } })[0]).toMatch(
      /^env\.compute\.taskCpu = 300: must be one of 256, 512, 1024, 2048, 4096 CPU units/,
    );
  });

  it("throws when the instance type is malformed", () => {
    expect(problemsOf({ ...dev, compute: { ...dev.compute, instanceType: "small" } })[0]).toMatch(
      /^env\.compute\.instanceType = "small": must be an EC2 instance type/,
    );
  });

  it("throws when an alarm email is malformed", () => {
    expect(problemsOf({ ...dev, alarmEmails: ["oncall"] })[0]).toMatch(/^env\.alarmEmails\.0 = "oncall": must be an email address/);
  });

  it("throws when a required field is missing, saying to add it", () => {
    const { costCentre: _omitted, ...withoutCostCentre } = dev;
    expect(problemsOf(withoutCostCentre)).toEqual(["env.costCentre is missing; add it (expected string)"]);
  });

  it("throws on an unknown field, so a typo is never silently ignored", () => {
    expect(problemsOf({ ...dev, deletionProtecton: true })).toEqual([
      "env: unknown field(s) deletionProtecton; remove them or check their spelling",
    ]);
  });

  it("reports every problem at once, not only the first", () => {
    expect(problemsOf({ ...dev, accountId: "x", logRetentionDays: 2 })).toHaveLength(2);
  });

  it("keeps dev cheap and prod hardened at the edge: WAF and a custom domain only where it pays", () => {
    const [devEnv, , prodEnv] = loadEnvironments({});
    expect(devEnv!.edge.waf.enabled).toBe(false);
    expect(devEnv!.edge.domain).toBeUndefined();
    expect(prodEnv!.edge.waf.enabled).toBe(true);
    expect(prodEnv!.edge.domain?.name).toBe("board.example.com");
    expect(prodEnv!.api.corsAllowedOrigins).toEqual([]);
  });

  it("throws when a CORS origin is a wildcard", () => {
    expect(problemsOf({ ...dev, api: { ...dev.api, corsAllowedOrigins: ["https://*.example.com"] } })[0]).toMatch(
      /^env\.api\.corsAllowedOrigins\.0 = "https:\/\/\*\.example\.com": must be an exact https:\/\/ origin without a path/,
    );
  });

  it("throws when a CORS origin is plain http or carries a path", () => {
    expect(problemsOf({ ...dev, api: { ...dev.api, corsAllowedOrigins: ["http://example.com", "https://example.com/app"] } })).toHaveLength(2);
  });

  it("throws when the API burst limit is below its rate", () => {
    expect(problemsOf({ ...dev, api: { ...dev.api, throttlingBurstLimit: 5, throttlingRateLimit: 10 } })[0]).toMatch(
      /^env\.api\.throttlingBurstLimit = 5: throttlingBurstLimit must be at least throttlingRateLimit/,
    );
  });

  it("throws when the WAF rate limit is below AWS's minimum", () => {
    expect(problemsOf({ ...dev, edge: { ...dev.edge, waf: { enabled: true, rateLimitPer5Minutes: 50 } } })[0]).toMatch(
      /^env\.edge\.waf\.rateLimitPer5Minutes = 50: must be at least 100/,
    );
  });

  it("throws when a domain or hosted zone id is malformed", () => {
    const problems = problemsOf({ ...dev, edge: { ...dev.edge, domain: { name: "Board.Example", hostedZoneId: "zone" } } });
    expect(problems.map((p) => p.split(" ")[0])).toEqual(
      expect.arrayContaining(["env.edge.domain.name", "env.edge.domain.hostedZoneId"]),
    );
  });

  it("throws when the sender is not at the site's domain", () => {
    const withDomain = { ...dev, edge: { ...dev.edge, domain: { name: "board.example.com", hostedZoneId: "Z0123" } } };
    expect(problemsOf({ ...withDomain, mailFrom: "no-reply@other.example.com" })).toEqual([
      'env.mailFrom = "no-reply@other.example.com": must be an address at the site\'s domain, e.g. "no-reply@board.example.com", so SES can send from the verified domain',
    ]);
  });

  it("throws when audit logs would be kept under 90 days", () => {
    expect(problemsOf({ ...dev, auditLogExpiryDays: 30 })[0]).toMatch(/^env\.auditLogExpiryDays = 30: must be at least 90 days/);
  });

  it("names the GitHub repository that may plan and deploy each environment", () => {
    for (const env of loadEnvironments({})) expect(env.ci.repository).toMatch(/^[^/]+\/[^/]+$/);
  });

  it("throws when the CI repository is not an owner/name slug", () => {
    expect(problemsOf({ ...dev, ci: { repository: "https://github.com/example-org/taskboard" } })).toEqual([
      'env.ci.repository = "https://github.com/example-org/taskboard": must be a GitHub repository slug "<owner>/<name>", e.g. "example-org/taskboard"',
    ]);
  });

  it("throws when two environments share a name", () => {
    expect(() => parseEnvironments([dev, dev])).toThrow(
      /environments\[1\]\.name: "dev" is already used by environments\[0\]\. Fix: give each environment its own name\./,
    );
  });
});
