import { cdkNag, checkov, fail, pass, securityHub, type GuardrailRule } from "../../rule";
import { str } from "../../private/values";

export const VpcFlowLogs: GuardrailRule = {
  id: "TB-VPC-1",
  name: "VpcFlowLogs",
  reason: "Flow logs record every accepted and rejected connection in the VPC, for incident response and the reachability proof's evidence.",
  level: "required",
  resourceTypes: ["aws_vpc"],
  references: [checkov("CKV2_AWS_11"), cdkNag("AwsSolutions-VPC7"), securityHub("EC2.6", false)],
  fix: "use Network (modules/network), which sends ALL traffic's flow logs to an encrypted, retained log group",
  check(vpc, { index }) {
    const logs = index.referrers(vpc, "aws_flow_log", "vpc_id");
    if (logs.length === 0) return fail("no aws_flow_log is attached to the VPC");
    return logs.some((l) => (str(l.attributes.traffic_type) ?? "ALL") === "ALL")
      ? pass()
      : fail(`flow logs capture only ${logs.map((l) => str(l.attributes.traffic_type)).join(", ")} traffic`);
  },
};
