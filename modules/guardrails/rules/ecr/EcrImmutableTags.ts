import { checkov, fail, pass, securityHub, type GuardrailRule } from "../../rule";
import { str } from "../../private/values";

export const EcrImmutableTags: GuardrailRule = {
  id: "TB-ECR-2",
  name: "EcrImmutableTags",
  reason: "Immutable tags mean a tag names one image forever: what was scanned and approved is what runs.",
  level: "required",
  resourceTypes: ["aws_ecr_repository"],
  references: [checkov("CKV_AWS_51"), securityHub("ECR.2", false)],
  fix: "use ContainerRepository (modules/ecr), which sets image_tag_mutability = IMMUTABLE",
  check(repository) {
    const mutability = str(repository.attributes.image_tag_mutability) ?? "MUTABLE";
    return mutability === "IMMUTABLE" ? pass() : fail(`image_tag_mutability is ${mutability}`);
  },
};
