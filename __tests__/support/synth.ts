import { App, Testing, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { PlatformContext } from "../../modules/core/context";

export const TEST_ACCOUNT = "123456789012";
export const TEST_REGION = "ap-northeast-2";

/** A stack with an AWS provider and a platform context (`taskboard`, `test`), ready for one module. */
export function testStack(environment = "test"): TerraformStack {
  const app: App = Testing.app();
  const stack = new TerraformStack(app, "test");
  PlatformContext.set(stack, { app: "taskboard", environment, accountId: TEST_ACCOUNT, region: TEST_REGION });
  new AwsProvider(stack, "aws", { region: TEST_REGION });
  return stack;
}

/** Terraform JSON of a synthesized stack, with helpers to pick resources by type. */
export class Synthesized {
  readonly json: {
    resource?: Record<string, Record<string, Record<string, unknown>>>;
    data?: Record<string, Record<string, Record<string, unknown>>>;
    output?: Record<string, Record<string, unknown>>;
    [key: string]: unknown;
  };

  constructor(stack: TerraformStack) {
    this.json = JSON.parse(Testing.synth(stack, true)) as Synthesized["json"];
  }

  /** Every resource of a type, keyed by logical id. */
  resources(type: string): Record<string, Record<string, unknown>> {
    return this.json.resource?.[type] ?? {};
  }

  /** The single resource of a type; fails when there are none or several. */
  resource(type: string): Record<string, unknown> {
    const all = Object.values(this.resources(type));
    if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
    return all[0] as Record<string, unknown>;
  }

  dataSources(type: string): Record<string, Record<string, unknown>> {
    return this.json.data?.[type] ?? {};
  }

  /**
   * Statements of every `aws_iam_policy_document` under a construct path such
   * as `data/policy` (matched on the logical id, which joins the path with `_`).
   */
  policyStatements(pathPrefix: string): Record<string, unknown>[] {
    const idPrefix = pathPrefix.replaceAll("/", "_");
    return Object.entries(this.dataSources("aws_iam_policy_document"))
      .filter(([logicalId]) => logicalId.startsWith(idPrefix))
      .flatMap(([, doc]) => (doc.statement as Record<string, unknown>[]) ?? []);
  }
}

export function synth(stack: TerraformStack): Synthesized {
  return new Synthesized(stack);
}

