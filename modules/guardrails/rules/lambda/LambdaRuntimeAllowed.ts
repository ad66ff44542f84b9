import { cdkNag, fail, pass, securityHub, type GuardrailRule } from "../../rule";
import { LAMBDA_RUNTIMES } from "../../defaults";
import { str } from "../../private/values";

export const LambdaRuntimeAllowed: GuardrailRule = {
  id: "TB-LAMBDA-4",
  name: "LambdaRuntimeAllowed",
  reason: "Functions run only on runtimes the platform builds for and AWS still patches.",
  level: "required",
  resourceTypes: ["aws_lambda_function"],
  references: [securityHub("Lambda.2", false), cdkNag("AwsSolutions-L1", false)],
  fix: `use NodejsFunction (modules/lambda), which pins the runtime; allowed runtimes: ${LAMBDA_RUNTIMES.join(", ")} (modules/guardrails/defaults.ts)`,
  check(fn) {
    if (str(fn.attributes.package_type) === "Image") return fail("container-image functions are outside the platform's build and patch path");
    const runtime = str(fn.attributes.runtime);
    return runtime && LAMBDA_RUNTIMES.includes(runtime) ? pass() : fail(`runtime ${runtime ?? "unset"} is not allowed`);
  },
};
