import { describe, expect, it } from "vitest";
import { SecurityGroup } from "../../modules/security-group";
import { synth, testStack } from "../support/synth";

describe("SecurityGroup", () => {
  it("starts with no inline rules, so both directions are closed", () => {
    const stack = testStack();
    new SecurityGroup(stack, "sg", { vpcId: "vpc-1", purpose: "svc", description: "service" });
    const group = synth(stack).resource("aws_security_group");
    expect(group).not.toHaveProperty("ingress");
    expect(group).not.toHaveProperty("egress");
    expect(group).toMatchObject({ revoke_rules_on_delete: true, vpc_id: "vpc-1" });
  });

  it("opens one port from one peer with matching ingress and egress rules", () => {
    const stack = testStack();
    const alb = new SecurityGroup(stack, "alb", { vpcId: "vpc-1", purpose: "alb", description: "alb" });
    const service = new SecurityGroup(stack, "service", { vpcId: "vpc-1", purpose: "svc", description: "service" });
    service.allowFrom(alb, 8080, "ALB to service");
    const out = synth(stack);
    const ingress = out.resource("aws_vpc_security_group_ingress_rule");
    const egress = out.resource("aws_vpc_security_group_egress_rule");
    expect(ingress).toMatchObject({
      from_port: 8080,
      to_port: 8080,
      ip_protocol: "tcp",
      security_group_id: expect.stringContaining("aws_security_group.service_group"),
      referenced_security_group_id: expect.stringContaining("aws_security_group.alb_group"),
    });
    expect(egress).toMatchObject({
      from_port: 8080,
      security_group_id: expect.stringContaining("aws_security_group.alb_group"),
      referenced_security_group_id: expect.stringContaining("aws_security_group.service_group"),
    });
  });

  it("throws when a port is out of range", () => {
    const stack = testStack();
    const group = new SecurityGroup(stack, "sg", { vpcId: "vpc-1", purpose: "svc", description: "service" });
    expect(() => group.allowEgressToCidr("0.0.0.0/0", 70000, "bad")).toThrow(/port must be a whole number from 1 to 65535, got 70000/);
  });
});
