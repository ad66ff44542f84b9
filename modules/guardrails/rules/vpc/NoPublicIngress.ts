import { cdkNag, checkov, fail, notApplicable, pass, securityHub, type GuardrailRule, type SynthResource } from "../../rule";
import { blocks, str, strs, type Json } from "../../private/values";

const ANYWHERE = new Set(["0.0.0.0/0", "::/0"]);

export const NoPublicIngress: GuardrailRule = {
  id: "TB-VPC-3",
  name: "NoPublicIngress",
  reason: "Nothing in the VPC accepts connections from the internet: CloudFront and API Gateway are the public edge, and they are managed services.",
  level: "required",
  resourceTypes: ["aws_security_group", "aws_vpc_security_group_ingress_rule", "aws_security_group_rule"],
  references: [cdkNag("AwsSolutions-EC23"), checkov("CKV_AWS_24"), checkov("CKV_AWS_25"), securityHub("EC2.18", false), securityHub("EC2.19", false)],
  fix: "admit peers by security group with SecurityGroup.allowFrom(peer, port, description) (modules/security-group); never a 0.0.0.0/0 or ::/0 source",
  check(resource) {
    const sources = ingressSources(resource);
    if (sources === undefined) return notApplicable("an egress rule");
    const open = sources.filter((s) => ANYWHERE.has(s));
    return open.length === 0 ? pass() : fail(`ingress from ${open.join(", ")}`);
  },
};

/** CIDR sources of the resource's ingress rules; undefined for an egress-only rule resource. */
function ingressSources(resource: SynthResource): string[] | undefined {
  const a = resource.attributes;
  const cidrs = (rule: Json) => [...strs(rule.cidr_blocks), ...strs(rule.ipv6_cidr_blocks)];
  switch (resource.type) {
    case "aws_security_group":
      return blocks(a.ingress).flatMap(cidrs);
    case "aws_vpc_security_group_ingress_rule":
      return [str(a.cidr_ipv4), str(a.cidr_ipv6)].filter((c): c is string => c !== undefined);
    default:
      return str(a.type) === "ingress" ? cidrs(a) : undefined;
  }
}
