import { checkov, fail, pass, securityHub, type GuardrailRule } from "../../rule";
import { block, blocks, str } from "../../private/values";

/** Security policies whose floor is TLS 1.2 (ALB: FS-1-2, TLS-1-2, TLS13-1-2, TLS13-1-3; NLB TLS listeners the same family). */
const TLS12_POLICY_PREFIXES = ["ELBSecurityPolicy-FS-1-2", "ELBSecurityPolicy-TLS-1-2", "ELBSecurityPolicy-TLS13-1-2", "ELBSecurityPolicy-TLS13-1-3"];

function redirectsToHttps(listener: Readonly<Record<string, unknown>>): boolean {
  return blocks(listener.default_action).some(
    (action) => str(action.type) === "redirect" && str(block(action.redirect)?.protocol) === "HTTPS",
  );
}

export const LoadBalancerListenerTls: GuardrailRule = {
  id: "TB-ALB-5",
  name: "LoadBalancerListenerTls",
  reason: "Requests and tokens cross the VPC to the load balancer encrypted (TLS 1.2 or later), not in plaintext that anyone inside the network could read.",
  level: "prod",
  resourceTypes: ["aws_lb_listener", "aws_alb_listener"],
  references: [checkov("CKV_AWS_2"), checkov("CKV_AWS_103"), securityHub("ELB.1")],
  fix: "give the environment an edge.domain in config/environments.ts: the stack then issues the ALB a certificate (InternalLoadBalancer certificateArn) and API Gateway verifies it",
  check(listener) {
    const protocol = str(listener.attributes.protocol) ?? "HTTP";
    if (protocol === "HTTPS" || protocol === "TLS") {
      const policy = str(listener.attributes.ssl_policy);
      if (policy === undefined) return fail(`protocol is ${protocol} without ssl_policy, so the default policy admits TLS 1.0`);
      return TLS12_POLICY_PREFIXES.some((prefix) => policy.startsWith(prefix))
        ? pass()
        : fail(`ssl_policy ${policy} admits TLS older than 1.2`);
    }
    if (protocol === "HTTP" && redirectsToHttps(listener.attributes)) return pass();
    return fail(`protocol is ${protocol} and the listener does not redirect to HTTPS, so traffic to it is plaintext`);
  },
};
