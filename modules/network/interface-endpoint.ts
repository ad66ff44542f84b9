import { Construct } from "constructs";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { PlatformContext } from "../core/context";
import { PolicyDocument, type IGrantee } from "../core/policy";
import { SecurityGroup, type IConnectable } from "../security-group";

/** The port every AWS API answers on. */
const HTTPS = 443;

export interface InterfaceEndpointProps {
  readonly vpcId: string;
  /** The service's short name as AWS spells it in `com.amazonaws.<region>.<service>`: `kms`, `secretsmanager`, `ecr.api`. */
  readonly service: string;
  /** One elastic network interface in each (one subnet per AZ). */
  readonly subnetIds: readonly string[];
}

/** What one admitted client may call through the endpoint. */
export interface EndpointGrant {
  /** Names the statement in the endpoint policy. */
  readonly sid: string;
  /** The role whose calls pass; the endpoint refuses every other principal. */
  readonly principal: IGrantee;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
}

/**
 * An interface endpoint for an AWS API, with private DNS: from its creation on,
 * every client in the VPC that calls the service resolves its usual host name
 * (`kms.<region>.amazonaws.com`) to the endpoint's addresses instead of going
 * out through NAT.
 *
 * Closed by default, like everything else here: its security group admits
 * nobody and its policy allows nothing, until {@link admit} names a client,
 * the role it calls as, and the calls it makes. So the endpoint narrows what
 * leaves the VPC twice: a client needs no route to the internet for the API,
 * and the API answers only for our roles and our resources (a compromised
 * task cannot use the endpoint to reach another account's key, the classic
 * exfiltration path through an open endpoint).
 *
 * Because of private DNS, a client that is not admitted cannot reach the
 * service at all from this VPC (its connection times out): admit each one.
 */
export class InterfaceEndpoint extends Construct implements IConnectable {
  readonly endpoint: VpcEndpoint;
  readonly securityGroup: SecurityGroup;
  readonly policy: PolicyDocument;

  constructor(scope: Construct, id: string, props: InterfaceEndpointProps) {
    super(scope, id);
    if (!/^[a-z0-9]+([.-][a-z0-9]+)*$/.test(props.service)) {
      throw new Error(`${this.node.path}: service "${props.service}" is not an AWS service name such as "kms" or "ecr.api"`);
    }
    if (props.subnetIds.length === 0) throw new Error(`${this.node.path}: an interface endpoint needs at least one subnet`);
    const platform = PlatformContext.of(this);
    this.securityGroup = new SecurityGroup(this, "security-group", {
      vpcId: props.vpcId,
      purpose: `${props.service}-endpoint`,
      description: `Clients of the ${props.service} interface endpoint`,
    });
    // Synth fails on an empty policy: an endpoint that admits nobody is a mistake, not a default.
    this.policy = new PolicyDocument(this, "policy");
    this.endpoint = new VpcEndpoint(this, "endpoint", {
      vpcId: props.vpcId,
      serviceName: `com.amazonaws.${platform.region}.${props.service}`,
      vpcEndpointType: "Interface",
      privateDnsEnabled: true,
      subnetIds: [...props.subnetIds],
      securityGroupIds: [this.securityGroup.securityGroupId],
      policy: this.policy.json,
      tags: { Name: platform.name(`${props.service}-endpoint`, { maxLength: 255 }) },
    });
  }

  /**
   * Lets `client` open HTTPS connections to the endpoint, and lets
   * `grant.principal` make `grant.actions` on `grant.resources` through it.
   * The role still needs the same actions in its own policy (IAM and the
   * endpoint policy must both allow a call).
   */
  admit(client: IConnectable, grant: EndpointGrant, description: string): void {
    this.securityGroup.allowFrom(client, HTTPS, description);
    this.policy.addStatements({
      sid: grant.sid,
      actions: grant.actions,
      resources: grant.resources,
      principals: [{ type: "AWS", identifiers: [grant.principal.roleArn] }],
    });
  }
}
