import { describe, expect, it } from "vitest";
import { Testing, TerraformStack } from "cdktf";
import { PlatformContext } from "../../modules/core/context";

function context() {
  const stack = new TerraformStack(Testing.app(), "naming");
  return PlatformContext.set(stack, { app: "taskboard", environment: "dev", accountId: "123456789012", region: "ap-northeast-2" });
}

describe("PlatformContext naming", () => {
  it("builds <app>-<environment>-<purpose>, lower-case with safe characters", () => {
    expect(context().name("Tasks API")).toBe("taskboard-dev-tasks-api");
    expect(context().name("task_events", { separator: "_" })).toBe("taskboard_dev_task_events");
  });

  it("trims to the service's limit and keeps names unique with a hash", () => {
    const a = context().name("a-very-long-purpose-that-does-not-fit-the-limit-one", { maxLength: 32 });
    const b = context().name("a-very-long-purpose-that-does-not-fit-the-limit-two", { maxLength: 32 });
    expect(a).toHaveLength(32);
    expect(b).toHaveLength(32);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^taskboard-dev-a-very-long-[0-9a-f]{6}$/);
  });

  it("leaves room for Terraform's 26-character unique suffix in prefixes", () => {
    const prefix = context().namePrefix("load-balancer-security-group-for-the-api", { maxLength: 63 });
    expect(prefix.length + 26).toBeLessThanOrEqual(63);
    expect(prefix.endsWith("-")).toBe(true);
  });

  it("builds ARNs in the stack's account and region", () => {
    expect(context().arn("logs", "log-group:x")).toBe("arn:aws:logs:ap-northeast-2:123456789012:log-group:x");
    expect(context().accountRootArn).toBe("arn:aws:iam::123456789012:root");
  });

  it("throws when a construct has no platform context above it", () => {
    const stack = new TerraformStack(Testing.app(), "bare");
    expect(() => PlatformContext.of(stack)).toThrow(/bare: no PlatformContext above this construct/);
  });
});
