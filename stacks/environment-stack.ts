import { Construct } from "constructs";
import type { EnvironmentConfig } from "../config";
import { PlatformStack, useS3State } from "./platform-stack";

/**
 * One environment of the task board: the whole AWS estate, composed from
 * `modules/` and sized by the environment's configuration.
 */
export class EnvironmentStack extends PlatformStack {
  constructor(scope: Construct, id: string, config: EnvironmentConfig) {
    super(scope, id, config);
    useS3State(this, config);
  }
}
