import { checkov, fail, pass, securityHub, type GuardrailRule } from "../../rule";
import { block, isTrue } from "../../private/values";

export const EcrScanOnPush: GuardrailRule = {
  id: "TB-ECR-1",
  name: "EcrScanOnPush",
  reason: "Every pushed image is scanned for known vulnerabilities before it can be deployed.",
  level: "required",
  resourceTypes: ["aws_ecr_repository"],
  references: [checkov("CKV_AWS_163"), securityHub("ECR.1")],
  fix: "use ContainerRepository (modules/ecr), which enables scan_on_push",
  check(repository) {
    return isTrue(block(repository.attributes.image_scanning_configuration)?.scan_on_push) ? pass() : fail("scan_on_push is not enabled");
  },
};
