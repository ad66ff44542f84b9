import { describe, it } from "vitest";
import type { TerraformStack } from "cdktf";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { SecurityGroup as RawSecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { SecurityGroupRule } from "@cdktf/provider-aws/lib/security-group-rule";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { DefaultSecurityGroupClosed } from "../../modules/guardrails/rules/vpc/DefaultSecurityGroupClosed";
import { NoPublicIngress } from "../../modules/guardrails/rules/vpc/NoPublicIngress";
import { VpcFlowLogs } from "../../modules/guardrails/rules/vpc/VpcFlowLogs";
import { SecurityGroup } from "../../modules/security-group";
import { describeRules } from "./cases";
import { expectNotApplicable, expectViolation } from "./support";

function vpc(stack: TerraformStack, o: { flowLogs?: string; defaultGroup?: "closed" | "open" | "unmanaged" } = {}): string {
  const network = new Vpc(stack, "vpc", { cidrBlock: "10.0.0.0/16" });
  if (o.flowLogs !== "none") {
    new FlowLog(stack, "flow-log", {
      vpcId: network.id,
      trafficType: o.flowLogs ?? "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: "arn:aws:logs:ap-northeast-2:123456789012:log-group:/vpc",
      iamRoleArn: "arn:aws:iam::123456789012:role/flow-logs",
    });
  }
  const group = o.defaultGroup ?? "closed";
  if (group !== "unmanaged") {
    new DefaultSecurityGroup(stack, "default-sg", {
      vpcId: network.id,
      ingress: group === "open" ? [{ protocol: "-1", fromPort: 0, toPort: 0, selfAttribute: true }] : [],
      egress: [],
    });
  }
  return "test/vpc";
}

/** Two platform security groups, one admitting the other: ingress by peer, never by CIDR. */
function peerIngress(stack: TerraformStack): string {
  const network = new Vpc(stack, "vpc", { cidrBlock: "10.0.0.0/16" });
  const alb = new SecurityGroup(stack, "alb", { vpcId: network.id, purpose: "alb", description: "alb" });
  const service = new SecurityGroup(stack, "service", { vpcId: network.id, purpose: "service", description: "service" });
  service.allowFrom(alb, 8080, "alb to service");
  return "test/service/ingress-1";
}

describeRules([
  { rule: VpcFlowLogs, compliant: vpc, noncompliant: (s) => vpc(s, { flowLogs: "none" }), detail: /no aws_flow_log/ },
  {
    rule: DefaultSecurityGroupClosed,
    compliant: vpc,
    noncompliant: (s) => vpc(s, { defaultGroup: "open" }),
    detail: /has ingress or egress rules/,
  },
  {
    rule: NoPublicIngress,
    compliant: peerIngress,
    noncompliant: (s) => {
      const group = new RawSecurityGroup(s, "web", { name: "web" });
      new VpcSecurityGroupIngressRule(s, "https-anywhere", { securityGroupId: group.id, cidrIpv4: "0.0.0.0/0", ipProtocol: "tcp", fromPort: 443, toPort: 443 });
      return "test/https-anywhere";
    },
    detail: /ingress from 0\.0\.0\.0\/0/,
  },
]);

describe("VPC rule details", () => {
  it("TB-VPC-1 fails flow logs that capture only rejected traffic", () => {
    expectViolation(VpcFlowLogs, (s) => vpc(s, { flowLogs: "REJECT" }), /capture only REJECT/);
  });

  it("TB-VPC-2 fails a VPC whose default group keeps AWS's rules (unmanaged)", () => {
    expectViolation(DefaultSecurityGroupClosed, (s) => vpc(s, { defaultGroup: "unmanaged" }), /is not managed/);
  });

  it("TB-VPC-3 fails open inline rules and legacy rule resources, IPv6 too, and ignores egress", () => {
    expectViolation(
      NoPublicIngress,
      (s) => (new RawSecurityGroup(s, "inline", { name: "inline", ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, ipv6CidrBlocks: ["::/0"] }] }), "test/inline"),
      /ingress from ::\/0/,
    );
    expectViolation(
      NoPublicIngress,
      (s) => (new SecurityGroupRule(s, "legacy", { type: "ingress", securityGroupId: "sg-1", protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"] }), "test/legacy"),
      /0\.0\.0\.0\/0/,
    );
    expectNotApplicable(
      NoPublicIngress,
      (s) => (new SecurityGroupRule(s, "egress", { type: "egress", securityGroupId: "sg-1", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }), "test/egress"),
    );
  });
});
