// Synthesizes the app (`cdktf.json`'s "app" and `npm run synth`).
//
// The TypeScript entry is bundled with esbuild first (our sources only, ~0.1 s):
// loading ~100 source files through a TypeScript loader cost about a second of
// every synth. Packages stay external and load from node_modules as usual; the
// provider's deep imports are directories, which Node's ESM resolver refuses,
// so they are pointed at their index.js.
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outfile = join(root, ".build", "synth", "main.mjs");
const providerModule = /^@cdktf\/provider-aws\/lib\/[a-z0-9-]+$/;

await build({
  entryPoints: [join(root, "main.ts")],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  logLevel: "error",
  plugins: [
    {
      name: "packages-external",
      setup(builder) {
        builder.onResolve({ filter: /^[^./]/ }, (args) => ({
          path: providerModule.test(args.path) ? `${args.path}/index.js` : args.path,
          external: true,
        }));
      },
    },
  ],
});
await import(pathToFileURL(outfile).href);
