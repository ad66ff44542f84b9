import { App } from "cdktf";
import { loadEnvironments } from "./config";
import { BootstrapStack } from "./stacks/bootstrap-stack";
import { EnvironmentStack } from "./stacks/environment-stack";

// Configuration is validated here, before any construct exists.
const environments = loadEnvironments();
// No stack trace per construct in metadata: nothing reads them, and capturing them cost a fifth of synth.
const app = new App({ stackTraces: false });
for (const config of environments) {
  // Every PlatformStack carries the compliance pack: any violation fails the synth (waivers: config/environments.ts).
  new EnvironmentStack(app, config.name, config);
  new BootstrapStack(app, `bootstrap-${config.name}`, config);
}
app.synth();
