import { describe, expect, it } from "vitest";
import { TerraformOutput } from "cdktf";
import { Network, type NatGatewayPlacement, type NetworkProps } from "../../modules/network";
import { ServiceRole } from "../../modules/iam-role";
import { SecurityGroup } from "../../modules/security-group";
import { TEST_ACCOUNT, TEST_REGION, synth, testStack, type Synthesized } from "../support/synth";

const THREE_AZS = [`${TEST_REGION}a`, `${TEST_REGION}b`, `${TEST_REGION}c`];
const TWO_AZS = [`${TEST_REGION}a`, `${TEST_REGION}c`];

function props(overrides: Partial<NetworkProps> = {}): NetworkProps {
  return {
    cidr: "10.30.0.0/16",
    availabilityZones: THREE_AZS,
    natGateways: "per-az",
    flowLogRetentionDays: 90,
    ...overrides,
  };
}

function build(overrides: Partial<NetworkProps> = {}) {
  const stack = testStack();
  const network = new Network(stack, "network", props(overrides));
  return { stack, network, out: synth(stack) };
}

/** Terraform reference to a resource attribute, as it appears in the synthesized JSON. */
function ref(type: string, logicalId: string, attribute = "id"): string {
  return `\${${type}.${logicalId}.${attribute}}`;
}

/** Logical id of the one resource of `type` whose Name tag is `name`. */
function idByName(out: Synthesized, type: string, name: string): string {
  const matches = Object.entries(out.resources(type)).filter(
    ([, resource]) => (resource.tags as Record<string, string> | undefined)?.Name === name,
  );
  if (matches.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${matches.length}`);
  return matches[0]![0];
}

function routesOf(out: Synthesized, routeTableLogicalId: string): Record<string, unknown>[] {
  return Object.values(out.resources("aws_route")).filter(
    (route) => route.route_table_id === ref("aws_route_table", routeTableLogicalId),
  );
}

describe("Network", () => {
  it("creates a VPC with DNS support and hostnames", () => {
    const { out } = build();
    expect(out.resource("aws_vpc")).toMatchObject({
      cidr_block: "10.30.0.0/16",
      enable_dns_support: true,
      enable_dns_hostnames: true,
      instance_tenancy: "default",
      tags: { Name: "taskboard-test-vpc" },
    });
  });

  it("lays out three tiers per AZ, named by tier and AZ, none handing out public IPs", () => {
    const { out } = build();
    const subnets = Object.values(out.resources("aws_subnet"));
    expect(subnets).toHaveLength(9);
    for (const subnet of subnets) expect(subnet.map_public_ip_on_launch).toBe(false);
    const expected = [
      ["public", 0, "10.30.0.0/20"],
      ["public", 2, "10.30.32.0/20"],
      ["private", 1, "10.30.80.0/20"],
      ["isolated", 0, "10.30.128.0/20"],
      ["isolated", 2, "10.30.160.0/20"],
    ] as const;
    for (const [tier, azIndex, cidr] of expected) {
      const zone = THREE_AZS[azIndex]!;
      const subnetId = idByName(out, "aws_subnet", `taskboard-test-${tier}-${zone}`);
      expect(out.resources("aws_subnet")[subnetId]).toMatchObject({
        cidr_block: cidr,
        availability_zone: zone,
        tags: { Tier: tier },
      });
      // Each subnet has a route table of its own, named like it.
      const tableId = idByName(out, "aws_route_table", `taskboard-test-${tier}-${zone}`);
      expect(Object.values(out.resources("aws_route_table_association"))).toContainEqual(
        expect.objectContaining({ subnet_id: ref("aws_subnet", subnetId), route_table_id: ref("aws_route_table", tableId) }),
      );
    }
  });

  it("exposes subnet and route table ids in AZ order", () => {
    const stack = testStack();
    const network = new Network(stack, "network", props());
    new TerraformOutput(stack, "private-subnets", { value: network.privateSubnetIds });
    new TerraformOutput(stack, "isolated-tables", { value: network.isolatedRouteTableIds });
    const out = synth(stack);
    expect(out.json.output?.["private-subnets"]?.value).toEqual(
      THREE_AZS.map((zone) => ref("aws_subnet", idByName(out, "aws_subnet", `taskboard-test-private-${zone}`))),
    );
    expect(out.json.output?.["isolated-tables"]?.value).toEqual(
      THREE_AZS.map((zone) => ref("aws_route_table", idByName(out, "aws_route_table", `taskboard-test-isolated-${zone}`))),
    );
    expect(network.publicSubnetIds).toHaveLength(3);
    expect(network.privateRouteTableIds).toHaveLength(3);
  });

  it("routes public subnets to the internet gateway", () => {
    const { out } = build();
    const igw = Object.keys(out.resources("aws_internet_gateway"));
    expect(igw).toHaveLength(1);
    for (const zone of THREE_AZS) {
      const table = idByName(out, "aws_route_table", `taskboard-test-public-${zone}`);
      expect(routesOf(out, table)).toEqual([
        expect.objectContaining({ destination_cidr_block: "0.0.0.0/0", gateway_id: ref("aws_internet_gateway", igw[0]!) }),
      ]);
    }
  });

  it("puts a NAT gateway in each AZ and routes each private subnet through its own AZ's", () => {
    const { out, network } = build({ natGateways: "per-az" });
    expect(network.natGatewayCount).toBe(3);
    expect(Object.keys(out.resources("aws_nat_gateway"))).toHaveLength(3);
    for (const eip of Object.values(out.resources("aws_eip"))) expect(eip.domain).toBe("vpc");
    for (const zone of THREE_AZS) {
      const nat = idByName(out, "aws_nat_gateway", `taskboard-test-nat-${zone}`);
      const publicSubnet = idByName(out, "aws_subnet", `taskboard-test-public-${zone}`);
      expect(out.resources("aws_nat_gateway")[nat]).toMatchObject({
        subnet_id: ref("aws_subnet", publicSubnet),
        connectivity_type: "public",
        depends_on: [expect.stringContaining("aws_internet_gateway.")],
      });
      const table = idByName(out, "aws_route_table", `taskboard-test-private-${zone}`);
      expect(routesOf(out, table)).toEqual([
        expect.objectContaining({ destination_cidr_block: "0.0.0.0/0", nat_gateway_id: ref("aws_nat_gateway", nat) }),
      ]);
    }
  });

  it("shares one NAT gateway in the first AZ when asked for a single one", () => {
    const { out, network } = build({ natGateways: "single", availabilityZones: TWO_AZS });
    expect(network.natGatewayCount).toBe(1);
    expect(Object.keys(out.resources("aws_eip"))).toHaveLength(1);
    const nat = idByName(out, "aws_nat_gateway", `taskboard-test-nat-${TWO_AZS[0]}`);
    expect(out.resource("aws_nat_gateway").subnet_id).toBe(
      ref("aws_subnet", idByName(out, "aws_subnet", `taskboard-test-public-${TWO_AZS[0]}`)),
    );
    for (const zone of TWO_AZS) {
      const table = idByName(out, "aws_route_table", `taskboard-test-private-${zone}`);
      expect(routesOf(out, table)).toEqual([expect.objectContaining({ nat_gateway_id: ref("aws_nat_gateway", nat) })]);
    }
  });

  it("gives isolated subnets no route out: no internet gateway, no NAT, no inline routes", () => {
    const { out } = build();
    for (const zone of THREE_AZS) {
      const table = idByName(out, "aws_route_table", `taskboard-test-isolated-${zone}`);
      expect(routesOf(out, table)).toEqual([]);
      expect(out.resources("aws_route_table")[table]).not.toHaveProperty("route");
    }
    // Every 0.0.0.0/0 route belongs to a public or private table.
    const outbound = Object.values(out.resources("aws_route")).filter((r) => r.destination_cidr_block === "0.0.0.0/0");
    expect(outbound).toHaveLength(6);
    // A subnet that lands on the main route table (created outside the module) gets no route either.
    expect(out.resource("aws_default_route_table")).toMatchObject({ route: [] });
  });

  it("closes the default security group in both directions", () => {
    const { out } = build();
    const group = out.resource("aws_default_security_group");
    expect(group.ingress).toEqual([]);
    expect(group.egress).toEqual([]);
    expect(group.vpc_id).toBe(ref("aws_vpc", Object.keys(out.resources("aws_vpc"))[0]!));
  });

  it("manages the default network ACL: every subnet, SSH and RDP refused from anywhere", () => {
    const { out } = build();
    const acl = out.resource("aws_default_network_acl");
    expect(acl.subnet_ids).toHaveLength(9);
    const ingress = acl.ingress as Record<string, unknown>[];
    for (const port of [22, 3389]) {
      expect(ingress).toContainEqual(
        expect.objectContaining({ action: "deny", protocol: "tcp", cidr_block: "0.0.0.0/0", from_port: port, to_port: port }),
      );
    }
    // The denies come before the allow-all (NACL rules are evaluated lowest number first).
    const allow = ingress.find((rule) => rule.action === "allow");
    const denies = ingress.filter((rule) => rule.action === "deny");
    for (const deny of denies) expect(Number(deny.rule_no)).toBeLessThan(Number(allow?.rule_no));
  });

  it("records ALL traffic to a KMS-encrypted log group with the configured retention", () => {
    const { out } = build({ flowLogRetentionDays: 365 });
    const groupId = Object.keys(out.resources("aws_cloudwatch_log_group"))[0]!;
    const roleId = Object.keys(out.resources("aws_iam_role"))[0]!;
    expect(out.resource("aws_flow_log")).toMatchObject({
      traffic_type: "ALL",
      vpc_id: expect.stringContaining("aws_vpc."),
      log_destination_type: "cloud-watch-logs",
      log_destination: ref("aws_cloudwatch_log_group", groupId, "arn"),
      iam_role_arn: ref("aws_iam_role", roleId, "arn"),
      max_aggregation_interval: 600,
    });
    expect(out.resource("aws_cloudwatch_log_group")).toMatchObject({
      name: "/aws/vpc-flow-logs/taskboard-test-vpc",
      retention_in_days: 365,
      kms_key_id: ref("aws_kms_key", Object.keys(out.resources("aws_kms_key"))[0]!, "arn"),
    });
    // The stack's shared logs key, which lets CloudWatch Logs in this account use it.
    expect(out.resource("aws_kms_key")).toMatchObject({ enable_key_rotation: true, description: "CloudWatch Logs encryption" });
  });

  it("lets only this account's flow logs assume the role", () => {
    const { out } = build();
    expect(out.policyStatements("network/flow-log-role/trust")).toEqual([
      {
        sid: "TrustService",
        effect: "Allow",
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: ["vpc-flow-logs.amazonaws.com"] }],
        condition: [
          { test: "StringEquals", variable: "aws:SourceAccount", values: [TEST_ACCOUNT] },
          { test: "ArnLike", variable: "aws:SourceArn", values: [`arn:aws:ec2:${TEST_REGION}:${TEST_ACCOUNT}:vpc-flow-log/*`] },
        ],
      },
    ]);
  });

  it("grants the flow log role exactly what delivery needs, on its own group", () => {
    const { out } = build();
    const groupArn = ref("aws_cloudwatch_log_group", Object.keys(out.resources("aws_cloudwatch_log_group"))[0]!, "arn");
    const statements = out.policyStatements("network/flow-log-role/grant-");
    expect(statements).toHaveLength(3);
    expect(statements).toEqual(
      expect.arrayContaining([
        { sid: "FlowLogsWrite", effect: "Allow", actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [`${groupArn}:*`] },
        { sid: "FlowLogsDescribeStreams", effect: "Allow", actions: ["logs:DescribeLogStreams"], resources: [`${groupArn}:*`] },
        {
          sid: "FlowLogsDescribeGroups",
          effect: "Allow",
          actions: ["logs:DescribeLogGroups"],
          resources: [`arn:aws:logs:${TEST_REGION}:${TEST_ACCOUNT}:log-group:*`],
        },
      ]),
    );
    expect(Object.keys(out.resources("aws_iam_role_policy"))).toHaveLength(3);
    expect(out.resources("aws_iam_role_policy_attachment")).toEqual({});
  });

  it("attaches S3 and DynamoDB gateway endpoints to the private and isolated route tables only", () => {
    const stack = testStack();
    const network = new Network(stack, "network", props());
    new TerraformOutput(stack, "s3-prefix-list", { value: network.s3PrefixListId });
    new TerraformOutput(stack, "dynamodb-prefix-list", { value: network.dynamodbPrefixListId });
    const out = synth(stack);
    const tables = (tier: string) =>
      THREE_AZS.map((zone) => ref("aws_route_table", idByName(out, "aws_route_table", `taskboard-test-${tier}-${zone}`)));
    for (const service of ["s3", "dynamodb"]) {
      const id = idByName(out, "aws_vpc_endpoint", `taskboard-test-${service}-endpoint`);
      const endpoint = out.resources("aws_vpc_endpoint")[id]!;
      expect(endpoint).toMatchObject({ service_name: `com.amazonaws.${TEST_REGION}.${service}`, vpc_endpoint_type: "Gateway" });
      expect(endpoint.route_table_ids).toEqual([...tables("private"), ...tables("isolated")]);
      expect(out.json.output?.[`${service}-prefix-list`]?.value).toBe(ref("aws_vpc_endpoint", id, "prefix_list_id"));
    }
  });

  it("keeps the flow log aggregation interval configurable", () => {
    const { out } = build({ flowLogAggregationIntervalSeconds: 60 });
    expect(out.resource("aws_flow_log").max_aggregation_interval).toBe(60);
  });

  it("keeps the logical ids of the VPC, its subnets and the flow log group stable", () => {
    const { out } = build();
    expect(Object.keys(out.resources("aws_vpc"))).toEqual(["network_vpc_4E8F0223"]);
    expect(Object.keys(out.resources("aws_subnet"))).toEqual(
      expect.arrayContaining([
        "network_public-ap-northeast-2a-subnet_1519C7B1",
        "network_private-ap-northeast-2a-subnet_1C98255B",
        "network_isolated-ap-northeast-2a-subnet_55B30C39",
      ]),
    );
    expect(Object.keys(out.resources("aws_cloudwatch_log_group"))).toEqual(["network_flow-log-group_2A2D6B18"]);
  });

  describe("validation", () => {
    const attempt = (overrides: Partial<NetworkProps>) => () => new Network(testStack(), "network", props(overrides));

    it("throws when the CIDR is not an IPv4 CIDR", () => {
      expect(attempt({ cidr: "10.30.0.0" })).toThrow(/network: cidr "10\.30\.0\.0" is not an IPv4 CIDR.*use a network address/);
    });

    it("throws when the CIDR has host bits set", () => {
      expect(attempt({ cidr: "10.30.1.0/16" })).toThrow(/cidr "10\.30\.1\.0\/16" has host bits set; the network address is 10\.30\.0\.0\/16/);
    });

    it("throws when the VPC is larger than /16", () => {
      expect(attempt({ cidr: "10.0.0.0/15" })).toThrow(/cidr "10\.0\.0\.0\/15" has prefix \/15; use \/16 to \/22/);
    });

    it("throws when the VPC is smaller than /22", () => {
      expect(attempt({ cidr: "10.0.0.0/23" })).toThrow(/has prefix \/23; use \/16 to \/22/);
    });

    it("throws when fewer than two AZs are given", () => {
      expect(attempt({ availabilityZones: [`${TEST_REGION}a`] })).toThrow(/availabilityZones lists 1 zone\(s\).*list 2 or 3/);
    });

    it("throws when more than three AZs are given", () => {
      expect(attempt({ availabilityZones: [...THREE_AZS, `${TEST_REGION}d`] })).toThrow(/availabilityZones lists 4 zone\(s\)/);
    });

    it("throws when an AZ is listed twice", () => {
      expect(attempt({ availabilityZones: [`${TEST_REGION}a`, `${TEST_REGION}a`] })).toThrow(
        /availabilityZones lists "ap-northeast-2a" twice/,
      );
    });

    it("throws when an AZ is outside the stack's region", () => {
      expect(attempt({ availabilityZones: [`${TEST_REGION}a`, "us-east-1a"] })).toThrow(
        /availability zone "us-east-1a" is not in the stack's region ap-northeast-2/,
      );
    });

    it("throws when the NAT placement is unknown", () => {
      const placement: string = "none";
      expect(attempt({ natGateways: placement as NatGatewayPlacement })).toThrow(/natGateways "none" is not a placement; use "per-az" or "single"/);
    });

    it("throws when the flow log retention is not a CloudWatch Logs value", () => {
      expect(attempt({ flowLogRetentionDays: 10 })).toThrow(/flowLogRetentionDays 10 is not a CloudWatch Logs retention; use one of 1, 3, 5/);
    });

    it("throws when the aggregation interval is neither 60 nor 600", () => {
      expect(attempt({ flowLogAggregationIntervalSeconds: 120 })).toThrow(/flowLogAggregationIntervalSeconds 120 is not supported; use 60 or 600/);
    });
  });

  describe("addInterfaceEndpoint", () => {
    function withKmsEndpoint(admitClient: boolean) {
      const stack = testStack();
      const network = new Network(stack, "network", props({ availabilityZones: TWO_AZS }));
      const client = new SecurityGroup(stack, "client", { vpcId: network.vpcId, purpose: "client", description: "a service" });
      const role = new ServiceRole(stack, "role", { purpose: "client", assumedBy: ["ecs-tasks.amazonaws.com"] });
      const endpoint = network.addInterfaceEndpoint("kms");
      if (admitClient) {
        endpoint.admit(client, { sid: "ClientReadsKey", principal: role, actions: ["kms:GetPublicKey"], resources: ["arn:aws:kms:ap-northeast-2:123456789012:key/k"] }, "client to KMS");
      }
      return { stack };
    }

    it("puts the endpoint in the private subnets with private DNS, its own group, and a policy naming only the admitted role", () => {
      const { stack } = withKmsEndpoint(true);
      const out = synth(stack);
      const roleArn = ref("aws_iam_role", Object.keys(out.resources("aws_iam_role")).find((id) => id.startsWith("role_"))!, "arn");
      const clientGroupId = ref("aws_security_group", Object.keys(out.resources("aws_security_group")).find((id) => id.startsWith("client_"))!);
      const endpoint = Object.values(out.resources("aws_vpc_endpoint")).find((candidate) => candidate.vpc_endpoint_type === "Interface")!;
      expect(endpoint).toMatchObject({ service_name: "com.amazonaws.ap-northeast-2.kms", private_dns_enabled: true });
      expect(endpoint.subnet_ids).toEqual(TWO_AZS.map((zone) => ref("aws_subnet", idByName(out, "aws_subnet", `taskboard-test-private-${zone}`))));
      expect(out.policyStatements("network/kms-interface-endpoint/policy")).toEqual([
        {
          sid: "ClientReadsKey",
          effect: "Allow",
          actions: ["kms:GetPublicKey"],
          resources: ["arn:aws:kms:ap-northeast-2:123456789012:key/k"],
          principals: [{ type: "AWS", identifiers: [roleArn] }],
        },
      ]);
      const ingress = Object.values(out.resources("aws_vpc_security_group_ingress_rule"));
      expect(ingress).toEqual([
        expect.objectContaining({ referenced_security_group_id: clientGroupId, from_port: 443, to_port: 443, ip_protocol: "tcp" }),
      ]);
      expect(endpoint.security_group_ids).toEqual([ingress[0]!.security_group_id]);
    });

    it("refuses to synthesize an endpoint nobody is admitted to", () => {
      const { stack } = withKmsEndpoint(false);
      expect(() => synth(stack)).toThrow(/network\/kms-interface-endpoint\/policy: a policy document needs at least one statement/);
    });

    it("throws on a service name AWS does not use", () => {
      const stack = testStack();
      const network = new Network(stack, "network", props());
      expect(() => network.addInterfaceEndpoint("com.amazonaws.kms/")).toThrow(/service "com.amazonaws.kms\/" is not an AWS service name such as "kms"/);
    });
  });
});
