import { describe, expect, it } from "vitest";
import { Testing } from "cdktf";
import { Route } from "@cdktf/provider-aws/lib/route";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { loadEnvironments } from "../../config";
import { SecurityGroup } from "../../modules/security-group";
import { checkReachability, type ReachabilityFinding } from "../../scripts/proofs/reachability";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { jsonStack } from "./fixture-stack";

const dev = loadEnvironments({}).find((config) => config.name === "dev")!;

/** The real dev environment, broken by `breakIt` with the same modules and resources a careless change would use. */
function brokenDev(breakIt: (env: EnvironmentStack) => void): ReachabilityFinding[] {
  const env = new EnvironmentStack(Testing.app(), "dev", dev);
  breakIt(env);
  return [...checkReachability(jsonStack(env, "dev")).findings];
}

describe("network reachability, proven on broken environments", () => {
  it("fails an ingress from 0.0.0.0/0", () => {
    const findings = brokenDev((env) => {
      new VpcSecurityGroupIngressRule(env, "open-alb", {
        securityGroupId: env.loadBalancer.securityGroup.securityGroupId,
        cidrIpv4: "0.0.0.0/0",
        fromPort: 80,
        toPort: 80,
        ipProtocol: "tcp",
      });
    });
    expect(findings).toEqual([
      {
        rule: "internet-ingress",
        message:
          "open-alb: load-balancer/security-group admits 0.0.0.0/0 :80/tcp: the internet reaches only CloudFront and API Gateway; " +
          "remove the rule and admit a security group with allowFrom",
      },
    ]);
  });

  it("fails an extra path into Aurora from a second security group", () => {
    const findings = brokenDev((env) => env.database.allowFrom(env.cluster, "container instances to Aurora"));
    expect(findings).toEqual([
      {
        rule: "unexpected-ingress",
        message:
          "database/security-group/ingress-2: database/security-group (Aurora) admits cluster/instance-sg :5432/tcp; " +
          "Aurora may be reached only from the service (tasks-api/tasks-sg): remove this path",
      },
    ]);
  });

  it("fails a bastion security group let into Aurora", () => {
    const findings = brokenDev((env) => {
      const bastion = new SecurityGroup(env, "bastion", { vpcId: env.network.vpcId, purpose: "bastion", description: "break-glass bastion" });
      env.database.allowFrom(bastion, "bastion to Aurora");
    });
    expect(findings.map((finding) => finding.message)).toEqual([
      expect.stringContaining("database/security-group (Aurora) admits bastion :5432/tcp; Aurora may be reached only from the service"),
    ]);
  });

  it("fails a route out of an isolated subnet", () => {
    const findings = brokenDev((env) => {
      new Route(env, "isolated-escape", {
        routeTableId: env.network.isolatedRouteTableIds[0]!,
        destinationCidrBlock: "0.0.0.0/0",
        natGatewayId: env.network.natGatewayIds[0]!,
      });
    });
    expect(findings).toEqual([
      {
        rule: "routing",
        message: expect.stringMatching(
          /^network\/isolated-[a-z0-9-]+-subnet is isolated but its route table network\/isolated-[a-z0-9-]+-route-table routes 0\.0\.0\.0\/0 to network\/nat-[a-z0-9-]+; isolated subnets have no route out: remove the route$/,
        ),
      },
    ]);
  });

  it("fails the ALB admitting anything but the VPC link", () => {
    const findings = brokenDev((env) => env.loadBalancer.allowFrom(env.tasksApi, "service calls itself through the ALB"));
    expect(findings).toEqual([
      expect.objectContaining({
        rule: "unexpected-ingress",
        message: expect.stringContaining("load-balancer/security-group (the ALB) admits tasks-api/tasks-sg :80/tcp; the ALB may be reached only from the VPC link (api/vpc-link-security-group)"),
      }),
    ]);
  });

  it("fails a security group that should admit nothing", () => {
    const findings = brokenDev((env) => env.cluster.securityGroup.allowFrom(env.loadBalancer, 22, "ssh from the ALB"));
    expect(findings).toEqual([
      expect.objectContaining({
        rule: "unexpected-ingress",
        message: expect.stringContaining("cluster/instance-sg admits load-balancer/security-group :22/tcp, but cluster/instance-sg (EC2 instances cluster/launch-template) should admit nothing"),
      }),
    ]);
  });

  it("fails an interface endpoint admitting anything but our compute, or on a port other than 443", () => {
    const findings = brokenDev((env) => {
      const endpoint = env.network.addInterfaceEndpoint("secretsmanager");
      endpoint.admit(
        env.loadBalancer,
        { sid: "AlbReadsSecrets", principal: env.tasksApi.taskRole, actions: ["secretsmanager:GetSecretValue"], resources: ["*"] },
        "the ALB has no business with an AWS API",
      );
      endpoint.securityGroup.allowFrom(env.tasksApi, 8443, "not the port an AWS API answers on");
    });
    expect(findings.map((finding) => finding.message)).toEqual([
      expect.stringContaining(
        "network/secretsmanager-interface-endpoint/security-group (an interface endpoint) admits load-balancer/security-group :443/tcp; " +
          "an interface endpoint may be reached only from our compute (",
      ),
      expect.stringContaining(
        "network/secretsmanager-interface-endpoint/security-group admits tasks-api/tasks-sg :8443/tcp, but an interface endpoint serves only port 443",
      ),
    ]);
  });
});

