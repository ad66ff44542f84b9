import { Construct } from "constructs";
import { SecurityGroup as AwsSecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { PlatformContext } from "../core/context";

/** Anything that sits behind a security group and can be a source or target of traffic. */
export interface IConnectable {
  readonly securityGroup: SecurityGroup;
}

export interface SecurityGroupProps {
  readonly vpcId: string;
  /** Names the group (`taskboard-dev-<purpose>-...`). */
  readonly purpose: string;
  readonly description: string;
}

/**
 * A security group that starts closed in both directions (Terraform removes
 * AWS's default allow-all egress rule), opened one peer and port at a time.
 *
 * Rules are separate `aws_vpc_security_group_*_rule` resources, each with a
 * description, so the reachability between tiers reads off the plan.
 */
export class SecurityGroup extends Construct implements IConnectable {
  readonly group: AwsSecurityGroup;
  readonly securityGroupId: string;
  private ruleCount = 0;

  get securityGroup(): SecurityGroup {
    return this;
  }

  constructor(scope: Construct, id: string, props: SecurityGroupProps) {
    super(scope, id);
    this.group = new AwsSecurityGroup(this, "group", {
      namePrefix: PlatformContext.of(this).namePrefix(props.purpose, { maxLength: 255 }),
      description: props.description,
      vpcId: props.vpcId,
      revokeRulesOnDelete: true,
      lifecycle: { createBeforeDestroy: true },
    });
    this.securityGroupId = this.group.id;
  }

  /**
   * Lets `peer` open TCP connections to this group on `port`: an ingress rule
   * here and the matching egress rule on the peer.
   */
  allowFrom(peer: IConnectable, port: number, description: string): void {
    const source = peer.securityGroup;
    checkPort(this, port);
    new VpcSecurityGroupIngressRule(this, `ingress-${this.nextRule()}`, {
      securityGroupId: this.securityGroupId,
      referencedSecurityGroupId: source.securityGroupId,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      description,
    });
    new VpcSecurityGroupEgressRule(source, `egress-${source.nextRule()}`, {
      securityGroupId: source.securityGroupId,
      referencedSecurityGroupId: this.securityGroupId,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      description,
    });
  }

  /** Lets this group reach an address range on `port` (AWS APIs over HTTPS through NAT or endpoints, for example). */
  allowEgressToCidr(cidr: string, port: number, description: string): void {
    checkPort(this, port);
    new VpcSecurityGroupEgressRule(this, `egress-${this.nextRule()}`, {
      securityGroupId: this.securityGroupId,
      cidrIpv4: cidr,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      description,
    });
  }

  /** Lets this group reach a managed prefix list (the S3 or DynamoDB gateway endpoint) on `port`. */
  allowEgressToPrefixList(prefixListId: string, port: number, description: string): void {
    checkPort(this, port);
    new VpcSecurityGroupEgressRule(this, `egress-${this.nextRule()}`, {
      securityGroupId: this.securityGroupId,
      prefixListId,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      description,
    });
  }

  private nextRule(): number {
    this.ruleCount += 1;
    return this.ruleCount;
  }
}

function checkPort(scope: Construct, port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${scope.node.path}: port must be a whole number from 1 to 65535, got ${port}`);
  }
}
