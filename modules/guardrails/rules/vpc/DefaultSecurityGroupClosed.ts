import { checkov, fail, pass, securityHub, type GuardrailRule } from "../../rule";

export const DefaultSecurityGroupClosed: GuardrailRule = {
  id: "TB-VPC-2",
  name: "DefaultSecurityGroupClosed",
  reason: "The default security group admits everything from itself; managed with no rules, anything launched into it by mistake is cut off.",
  level: "required",
  resourceTypes: ["aws_vpc"],
  references: [checkov("CKV2_AWS_12"), securityHub("EC2.2")],
  fix: "use Network (modules/network), which takes over the default security group with empty ingress and egress",
  check(vpc, { index }) {
    const groups = index.referrers(vpc, "aws_default_security_group", "vpc_id");
    if (groups.length === 0) return fail("the default security group is not managed, so it keeps AWS's allow-from-self and allow-all-out rules");
    const open = groups.filter((g) => !isEmptyList(g.attributes.ingress) || !isEmptyList(g.attributes.egress));
    return open.length === 0 ? pass() : fail("the default security group has ingress or egress rules");
  },
};

/** Terraform removes all rules only for an explicit empty list; an absent attribute leaves existing ones. */
function isEmptyList(value: unknown): boolean {
  return Array.isArray(value) && value.length === 0;
}
