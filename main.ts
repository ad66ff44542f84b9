import { App } from "cdktf";
import { loadEnvironments } from "./config";
import { BootstrapStack } from "./stacks/bootstrap-stack";
import { EnvironmentStack } from "./stacks/environment-stack";
import { applyGuardrails } from "./modules/guardrails";

// Configuration is validated here, before any construct exists.
const environments = loadEnvironments();
// No stack trace per construct in metadata: nothing reads them, and capturing them cost a fifth of synth.
const app = new App({ stackTraces: false });
for (const config of environments) {
  // The compliance pack fails the synth on any violation; the environment's waivers are in its configuration.
  applyGuardrails(new EnvironmentStack(app, config.name, config), config);
  new BootstrapStack(app, `bootstrap-${config.name}`, config);
}
app.synth();
