import { Construct } from "constructs";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Route } from "@cdktf/provider-aws/lib/route";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { DefaultRouteTable } from "@cdktf/provider-aws/lib/default-route-table";
import { DefaultNetworkAcl, type DefaultNetworkAclIngress } from "@cdktf/provider-aws/lib/default-network-acl";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { LOG_RETENTION_DAYS } from "../../config/schema";
import { PlatformContext } from "../core/context";
import { ServiceRole } from "../iam-role";
import type { EncryptionKey } from "../kms";
import { LogGroup } from "../log-group";
import {
  DEFAULT_FLOW_LOG_AGGREGATION_INTERVAL_SECONDS,
  DENIED_REMOTE_ADMIN_PORTS,
  FLOW_LOG_AGGREGATION_INTERVALS_SECONDS,
  MAX_AVAILABILITY_ZONES,
  MAX_VPC_PREFIX_LENGTH,
  MIN_AVAILABILITY_ZONES,
  MIN_VPC_PREFIX_LENGTH,
  NAT_GATEWAY_PLACEMENTS,
} from "./defaults";
import { InterfaceEndpoint } from "./interface-endpoint";
import { parseIpv4Cidr, planSubnets, type PlannedSubnet, type SubnetTier } from "./private/subnet-layout";

export type { SubnetTier } from "./private/subnet-layout";
export { InterfaceEndpoint, type EndpointGrant, type InterfaceEndpointProps } from "./interface-endpoint";

/** Where NAT gateways go: one per AZ (egress survives an AZ outage) or one in the first AZ (cheaper, for dev). */
export type NatGatewayPlacement = (typeof NAT_GATEWAY_PLACEMENTS)[number];

export interface NetworkProps {
  /** The VPC's IPv4 range, a network address with a prefix from /16 to /22, e.g. `10.20.0.0/16`. */
  readonly cidr: string;
  /**
   * Two or three AZ names of the stack's region, from the environment config
   * (never looked up: a data source would need AWS at plan time). A subnet's
   * range follows the AZ's position in this list, so only ever append.
   */
  readonly availabilityZones: readonly string[];
  /** `per-az`: a NAT gateway in each AZ. `single`: one, in the first AZ, shared by every private subnet. */
  readonly natGateways: NatGatewayPlacement;
  /** Days to keep VPC flow log records; a CloudWatch Logs retention value. */
  readonly flowLogRetentionDays: number;
  /**
   * Seconds over which flow log records aggregate packets: 60 or 600.
   * @default 600 - the AWS default; fewer records for the same traffic
   */
  readonly flowLogAggregationIntervalSeconds?: number;
  /** @default - the stack's shared logs key (`EncryptionKey.forLogs`) */
  readonly flowLogEncryptionKey?: EncryptionKey;
}

/** The resources of one subnet: the subnet, its own route table and the association between them. */
export interface NetworkSubnet {
  readonly tier: SubnetTier;
  readonly availabilityZone: string;
  readonly cidr: string;
  readonly subnet: Subnet;
  readonly routeTable: RouteTable;
}

/**
 * A VPC across two or three AZs with three subnet tiers:
 *
 * - public: a route to the internet gateway; only load balancers and NAT gateways live here;
 * - private: a default route through a NAT gateway, for compute;
 * - isolated: no route out at all (only the VPC and the S3/DynamoDB gateway endpoints), for data.
 *
 * The default security group is closed, the main route table has no routes,
 * and all traffic is recorded in KMS-encrypted flow logs.
 */
export class Network extends Construct {
  readonly vpc: Vpc;
  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly internetGateway: InternetGateway;
  readonly publicSubnets: readonly NetworkSubnet[];
  readonly privateSubnets: readonly NetworkSubnet[];
  readonly isolatedSubnets: readonly NetworkSubnet[];
  /** Subnet ids in the order of `availabilityZones`. */
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];
  readonly isolatedSubnetIds: string[];
  readonly publicRouteTableIds: string[];
  readonly privateRouteTableIds: string[];
  readonly isolatedRouteTableIds: string[];
  readonly natGateways: readonly NatGateway[];
  readonly natGatewayIds: string[];
  /** How many NAT gateways exist (each is billed hourly). */
  readonly natGatewayCount: number;
  /** The NAT gateways' public addresses, for partners that allow-list our egress. */
  readonly natPublicIps: string[];
  readonly s3Endpoint: VpcEndpoint;
  readonly dynamodbEndpoint: VpcEndpoint;
  /** Prefix list of the S3 gateway endpoint, for `SecurityGroup.allowEgressToPrefixList`. */
  readonly s3PrefixListId: string;
  /** Prefix list of the DynamoDB gateway endpoint, for `SecurityGroup.allowEgressToPrefixList`. */
  readonly dynamodbPrefixListId: string;
  readonly defaultSecurityGroup: DefaultSecurityGroup;
  readonly defaultNetworkAcl: DefaultNetworkAcl;
  readonly mainRouteTable: DefaultRouteTable;
  readonly flowLog: FlowLog;
  readonly flowLogGroup: LogGroup;
  readonly flowLogRole: ServiceRole;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const platform = PlatformContext.of(this);
    const vpcRange = this.validate(props, platform.region);
    const zones = props.availabilityZones;
    const plan = planSubnets(vpcRange, zones.length);
    const tags = (purpose: string, extra: Record<string, string> = {}) => ({
      Name: platform.name(purpose, { maxLength: 255 }),
      ...extra,
    });

    this.vpc = new Vpc(this, "vpc", {
      cidrBlock: props.cidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      instanceTenancy: "default",
      tags: tags("vpc"),
    });
    this.vpcId = this.vpc.id;
    this.vpcCidr = this.vpc.cidrBlock;

    // Adopting the default group with empty rule lists strips AWS's allow-all
    // rules and reverts any added later: nothing may use it by accident.
    this.defaultSecurityGroup = new DefaultSecurityGroup(this, "default-security-group", {
      vpcId: this.vpc.id,
      ingress: [],
      egress: [],
      tags: tags("default-do-not-use"),
    });
    // Every subnet has its own route table; a subnet created outside this
    // module falls back to the main table, which then leads nowhere.
    this.mainRouteTable = new DefaultRouteTable(this, "main-route-table", {
      defaultRouteTableId: this.vpc.defaultRouteTableId,
      route: [],
      tags: tags("main-do-not-use"),
    });

    this.internetGateway = new InternetGateway(this, "internet-gateway", {
      vpcId: this.vpc.id,
      tags: tags("igw"),
    });

    const subnets = plan.map((planned) => this.createSubnet(planned, zones, tags));
    const byTier = (tier: SubnetTier) => subnets.filter((subnet) => subnet.tier === tier);
    this.publicSubnets = byTier("public");
    this.privateSubnets = byTier("private");
    this.isolatedSubnets = byTier("isolated");
    this.publicSubnetIds = this.publicSubnets.map((s) => s.subnet.id);
    this.privateSubnetIds = this.privateSubnets.map((s) => s.subnet.id);
    this.isolatedSubnetIds = this.isolatedSubnets.map((s) => s.subnet.id);
    this.publicRouteTableIds = this.publicSubnets.map((s) => s.routeTable.id);
    this.privateRouteTableIds = this.privateSubnets.map((s) => s.routeTable.id);
    this.isolatedRouteTableIds = this.isolatedSubnets.map((s) => s.routeTable.id);

    this.publicSubnets.forEach((subnet) => {
      new Route(this, `${subnet.tier}-${subnet.availabilityZone}-default-route`, {
        routeTableId: subnet.routeTable.id,
        destinationCidrBlock: "0.0.0.0/0",
        gatewayId: this.internetGateway.id,
      });
    });

    const natSubnets = props.natGateways === "per-az" ? this.publicSubnets : this.publicSubnets.slice(0, 1);
    this.natGateways = natSubnets.map((subnet) => {
      const name = `nat-${subnet.availabilityZone}`;
      const eip = new Eip(this, `${name}-eip`, { domain: "vpc", tags: tags(name), dependsOn: [this.internetGateway] });
      return new NatGateway(this, name, {
        allocationId: eip.allocationId,
        subnetId: subnet.subnet.id,
        connectivityType: "public",
        tags: tags(name),
        // A NAT gateway created before the VPC has an internet gateway cannot route out.
        dependsOn: [this.internetGateway],
      });
    });
    this.natGatewayIds = this.natGateways.map((nat) => nat.id);
    this.natGatewayCount = this.natGateways.length;
    this.natPublicIps = this.natGateways.map((nat) => nat.publicIp);
    this.privateSubnets.forEach((subnet, index) => {
      const nat = this.natGateways[props.natGateways === "per-az" ? index : 0];
      new Route(this, `${subnet.tier}-${subnet.availabilityZone}-default-route`, {
        routeTableId: subnet.routeTable.id,
        destinationCidrBlock: "0.0.0.0/0",
        natGatewayId: nat?.id,
      });
    });
    // Isolated route tables get no route here on purpose: local and the gateway endpoints only.

    const endpointRouteTableIds = [...this.privateRouteTableIds, ...this.isolatedRouteTableIds];
    const gatewayEndpoint = (service: "s3" | "dynamodb") =>
      new VpcEndpoint(this, `${service}-endpoint`, {
        vpcId: this.vpc.id,
        serviceName: `com.amazonaws.${platform.region}.${service}`,
        vpcEndpointType: "Gateway",
        routeTableIds: endpointRouteTableIds,
        tags: tags(`${service}-endpoint`),
      });
    this.s3Endpoint = gatewayEndpoint("s3");
    this.dynamodbEndpoint = gatewayEndpoint("dynamodb");
    this.s3PrefixListId = this.s3Endpoint.prefixListId;
    this.dynamodbPrefixListId = this.dynamodbEndpoint.prefixListId;

    this.defaultNetworkAcl = new DefaultNetworkAcl(this, "default-network-acl", {
      defaultNetworkAclId: this.vpc.defaultNetworkAclId,
      // Listing every subnet keeps Terraform from planning to move them off the default ACL.
      subnetIds: subnets.map((s) => s.subnet.id),
      ingress: [
        ...DENIED_REMOTE_ADMIN_PORTS.map(
          (port, index): DefaultNetworkAclIngress => ({
            ruleNo: 100 + index * 10,
            action: "deny",
            protocol: "tcp",
            cidrBlock: "0.0.0.0/0",
            fromPort: port,
            toPort: port,
          }),
        ),
        // Security groups do the real filtering; the ACL stays stateless allow-all otherwise.
        { ruleNo: 200, action: "allow", protocol: "-1", cidrBlock: "0.0.0.0/0", fromPort: 0, toPort: 0 },
      ],
      egress: [{ ruleNo: 100, action: "allow", protocol: "-1", cidrBlock: "0.0.0.0/0", fromPort: 0, toPort: 0 }],
      tags: tags("default-acl"),
    });

    this.flowLogGroup = new LogGroup(this, "flow-log-group", {
      name: `/aws/vpc-flow-logs/${platform.name("vpc", { maxLength: 200 })}`,
      retentionDays: props.flowLogRetentionDays,
      encryptionKey: props.flowLogEncryptionKey,
    });
    this.flowLogRole = new ServiceRole(this, "flow-log-role", {
      purpose: "vpc-flow-logs",
      assumedBy: ["vpc-flow-logs.amazonaws.com"],
      description: "Delivers this VPC's flow logs to its log group",
      trustConditions: [
        { test: "StringEquals", variable: "aws:SourceAccount", values: [platform.accountId] },
        // The flow log's own id is unknown until it exists (and it needs this role first),
        // so the trust is narrowed to flow logs of this account and region.
        { test: "ArnLike", variable: "aws:SourceArn", values: [platform.arn("ec2", "vpc-flow-log/*")] },
      ],
    });
    this.flowLogGroup.grantWrite(this.flowLogRole, "FlowLogsWrite");
    this.flowLogRole.addToPolicy({
      sid: "FlowLogsDescribeStreams",
      actions: ["logs:DescribeLogStreams"],
      resources: [`${this.flowLogGroup.logGroupArn}:*`],
    });
    this.flowLogRole.addToPolicy({
      sid: "FlowLogsDescribeGroups",
      actions: ["logs:DescribeLogGroups"],
      // DescribeLogGroups is a list call: IAM evaluates it against
      // `log-group::log-stream:`, not a named group, so one group's ARN never
      // matches. This account-and-region wildcard is the narrowest that works;
      // it reveals group metadata, never log events.
      resources: [platform.arn("logs", "log-group:*")],
    });
    this.flowLog = new FlowLog(this, "flow-log", {
      vpcId: this.vpc.id,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: this.flowLogGroup.logGroupArn,
      iamRoleArn: this.flowLogRole.roleArn,
      maxAggregationInterval: props.flowLogAggregationIntervalSeconds ?? DEFAULT_FLOW_LOG_AGGREGATION_INTERVAL_SECONDS,
      tags: tags("vpc-flow-log"),
    });
  }

  /**
   * An interface endpoint for an AWS API (`kms`, `ecr.api`, ...) in the
   * private subnets, one network interface per AZ, with private DNS. It admits
   * nobody until {@link InterfaceEndpoint.admit}; see there.
   */
  addInterfaceEndpoint(service: string): InterfaceEndpoint {
    return new InterfaceEndpoint(this, `${service.replace(/\./g, "-")}-interface-endpoint`, {
      vpcId: this.vpcId,
      service,
      subnetIds: this.privateSubnetIds,
    });
  }

  private createSubnet(
    planned: PlannedSubnet,
    zones: readonly string[],
    tags: (purpose: string, extra?: Record<string, string>) => Record<string, string>,
  ): NetworkSubnet {
    const availabilityZone = zones[planned.azIndex] ?? "";
    const name = `${planned.tier}-${availabilityZone}`;
    const subnet = new Subnet(this, `${name}-subnet`, {
      vpcId: this.vpc.id,
      cidrBlock: planned.cidr,
      availabilityZone,
      // Even public subnets hand out no public IPs: only NAT gateways and load balancers face the internet.
      mapPublicIpOnLaunch: false,
      tags: tags(name, { Tier: planned.tier }),
    });
    const routeTable = new RouteTable(this, `${name}-route-table`, {
      vpcId: this.vpc.id,
      tags: tags(name, { Tier: planned.tier }),
    });
    new RouteTableAssociation(this, `${name}-route-table-association`, {
      subnetId: subnet.id,
      routeTableId: routeTable.id,
    });
    return { tier: planned.tier, availabilityZone, cidr: planned.cidr, subnet, routeTable };
  }

  /** Checks props and returns the parsed VPC range. */
  private validate(props: NetworkProps, region: string) {
    const path = this.node.path;
    const parsed = parseIpv4Cidr(props.cidr);
    if ("error" in parsed) {
      throw new Error(`${path}: cidr "${props.cidr}" ${parsed.error}; use a network address such as "10.20.0.0/16"`);
    }
    if (parsed.prefixLength < MIN_VPC_PREFIX_LENGTH || parsed.prefixLength > MAX_VPC_PREFIX_LENGTH) {
      throw new Error(
        `${path}: cidr "${props.cidr}" has prefix /${parsed.prefixLength}; use /${MIN_VPC_PREFIX_LENGTH} to /${MAX_VPC_PREFIX_LENGTH} ` +
          "so three tiers across three AZs fit with room to grow",
      );
    }
    const zones = props.availabilityZones;
    if (zones.length < MIN_AVAILABILITY_ZONES || zones.length > MAX_AVAILABILITY_ZONES) {
      throw new Error(
        `${path}: availabilityZones lists ${zones.length} zone(s) [${zones.join(", ")}]; ` +
          `list ${MIN_AVAILABILITY_ZONES} or ${MAX_AVAILABILITY_ZONES}, e.g. ["${region}a", "${region}c"]`,
      );
    }
    const duplicate = zones.find((zone, index) => zones.indexOf(zone) !== index);
    if (duplicate !== undefined) {
      throw new Error(`${path}: availabilityZones lists "${duplicate}" twice; each AZ may appear once`);
    }
    const foreign = zones.find((zone) => !new RegExp(`^${region}[a-z]$`).test(zone));
    if (foreign !== undefined) {
      throw new Error(`${path}: availability zone "${foreign}" is not in the stack's region ${region}; use a name such as "${region}a"`);
    }
    if (!(NAT_GATEWAY_PLACEMENTS as readonly string[]).includes(props.natGateways)) {
      throw new Error(`${path}: natGateways "${props.natGateways}" is not a placement; use ${NAT_GATEWAY_PLACEMENTS.map((p) => `"${p}"`).join(" or ")}`);
    }
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(props.flowLogRetentionDays)) {
      throw new Error(
        `${path}: flowLogRetentionDays ${props.flowLogRetentionDays} is not a CloudWatch Logs retention; ` +
          `use one of ${LOG_RETENTION_DAYS.join(", ")}`,
      );
    }
    const interval = props.flowLogAggregationIntervalSeconds;
    if (interval !== undefined && !(FLOW_LOG_AGGREGATION_INTERVALS_SECONDS as readonly number[]).includes(interval)) {
      throw new Error(
        `${path}: flowLogAggregationIntervalSeconds ${interval} is not supported; use ${FLOW_LOG_AGGREGATION_INTERVALS_SECONDS.join(" or ")}`,
      );
    }
    return parsed;
  }
}
