/**
 * Writes the architecture diagram (Mermaid, in markdown) of an environment,
 * generated from its synthesized stack, not drawn by hand:
 *
 *   npm run synth                                   # writes cdktf.out/stacks/<env>/cdk.tf.json
 *   npm run diagram                                 # prod → docs/architecture-prod.md
 *   npm run diagram -- --env dev --out docs/architecture-dev.md
 *   npm run diagram -- --env prod --stdout          # print instead of writing
 *
 * Nodes are the resources that matter (scripts/diagram/graph.ts NODE_SPECS),
 * edges the `${aws_x.y.attr}` references between them; see that file's header.
 * The output is sorted, so the file changes only when the architecture does.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildDiagram } from "./diagram/graph";
import { renderMarkdown } from "./diagram/mermaid";
import type { StackJson } from "./diagram/stack";

export interface DiagramCommandOptions {
  readonly environment: string;
  /** @default - `cdktf.out/stacks/<environment>/cdk.tf.json` under `root` */
  readonly stackFile?: string;
  /** Repository root, for the relative paths written into the file. @default process.cwd() */
  readonly root?: string;
}

/** The markdown for an environment's synthesized stack; throws, naming the fix, when it has not been synthesized. */
export function diagramMarkdown(options: DiagramCommandOptions): string {
  const root = options.root ?? process.cwd();
  const stackFile = options.stackFile ?? resolve(root, "cdktf.out", "stacks", options.environment, "cdk.tf.json");
  if (!existsSync(stackFile)) {
    throw new Error(`no synthesized stack at ${relative(root, stackFile)}: run \`npm run synth\` first (environment "${options.environment}")`);
  }
  const stack = JSON.parse(readFileSync(stackFile, "utf8")) as StackJson;
  return renderMarkdown(buildDiagram(stack), {
    environment: options.environment,
    source: relative(root, stackFile),
    command: `npm run diagram -- --env ${options.environment}`,
  });
}

function main(): void {
  const { values } = parseArgs({
    options: {
      env: { type: "string", default: "prod" },
      out: { type: "string" },
      stdout: { type: "boolean", default: false },
    },
  });
  const environment = values.env;
  if (!/^[a-z0-9-]+$/.test(environment)) throw new Error(`--env must be an environment name such as prod, got "${environment}"`);
  const markdown = diagramMarkdown({ environment });
  if (values.stdout) {
    process.stdout.write(markdown);
    return;
  }
  const out = resolve(values.out ?? `docs/architecture-${environment}.md`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, markdown);
  process.stdout.write(`diagram: ${relative(process.cwd(), out)}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  try {
    main();
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
