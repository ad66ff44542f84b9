import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = join(__dirname, "..", "..");
const WORKFLOWS = join(ROOT, ".github", "workflows");
const DEPLOY_ACTION = join(ROOT, ".github", "actions", "deploy-environment", "action.yml");

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string>;
}

interface Job {
  readonly needs?: string | string[];
  readonly if?: string;
  readonly environment?: string | { name: string; url?: string };
  readonly permissions?: Record<string, string> | string;
  readonly concurrency?: { group: string; "cancel-in-progress"?: boolean };
  readonly strategy?: { matrix?: Record<string, unknown> };
  readonly env?: Record<string, string>;
  readonly steps: readonly Step[];
}

interface Workflow {
  readonly on: unknown;
  readonly permissions?: Record<string, string> | string;
  readonly env?: Record<string, string>;
  readonly jobs: Record<string, Job>;
}

const read = (file: string) => readFileSync(file, "utf8");
const workflow = (name: string) => parse(read(join(WORKFLOWS, name))) as Workflow;
const action = parse(read(DEPLOY_ACTION)) as { runs: { steps: Step[] }; inputs: Record<string, unknown> };
const files = [...readdirSync(WORKFLOWS).filter((f) => f.endsWith(".yml")).map((f) => join(WORKFLOWS, f)), DEPLOY_ACTION];

/** A job's steps, with a local composite action's steps inlined, as the runner would run them. */
function stepsOf(job: Job): Step[] {
  return job.steps.flatMap((step) => (step.uses === "./.github/actions/deploy-environment" ? [step, ...action.runs.steps] : [step]));
}

const usesOf = (job: Job, prefix: string) => stepsOf(job).filter((step) => step.uses?.startsWith(prefix));
const assumesRole = (job: Job) => usesOf(job, "aws-actions/configure-aws-credentials@").length > 0;
const environmentName = (job: Job) => (typeof job.environment === "string" ? job.environment : job.environment?.name);
const needs = (job: Job) => (typeof job.needs === "string" ? [job.needs] : job.needs ?? []);

describe("workflow files", () => {
  it("exist: ci, deploy, drift, and the deploy-environment action", () => {
    expect(readdirSync(WORKFLOWS).sort()).toEqual(["ci.yml", "deploy.yml", "drift.yml"]);
  });

  it.each(files.map((file) => [file.slice(ROOT.length + 1), file]))("%s passes action-validator", (_name, file) => {
    // Throws (non-zero exit) with the schema errors when the file is invalid.
    execFileSync(join(ROOT, "node_modules", ".bin", "action-validator"), [file], { stdio: "pipe" });
  });

  it("pins every action to a full commit SHA with the version beside it", () => {
    for (const file of files) {
      for (const line of read(file).split("\n")) {
        const match = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line);
        if (!match) continue;
        const [, reference, rest] = match;
        if (reference!.startsWith("./")) continue;
        expect(reference, `${file}: ${line.trim()}`).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
        expect(rest, `${file}: ${line.trim()} needs a version comment`).toMatch(/^\s+#\s+v\d+\.\d+\.\d+$/);
      }
    }
  });

  it("grants no permission at the top level beyond reading the repository", () => {
    for (const name of ["ci.yml", "deploy.yml", "drift.yml"]) {
      const permissions = workflow(name).permissions;
      expect([{}, { contents: "read" }], name).toContainEqual(permissions);
    }
  });

  it("gives id-token: write only to jobs that assume an AWS role, and every such job has it", () => {
    for (const name of ["ci.yml", "deploy.yml", "drift.yml"]) {
      for (const [id, job] of Object.entries(workflow(name).jobs)) {
        const permissions = typeof job.permissions === "object" ? job.permissions : {};
        expect(permissions["id-token"] === "write", `${name} ${id}`).toBe(assumesRole(job));
      }
    }
  });

  it("pins Terraform to 1.11.x wherever it is set up, without the wrapper that mangles output", () => {
    for (const name of ["ci.yml", "deploy.yml", "drift.yml"]) {
      const wf = workflow(name);
      for (const [id, job] of Object.entries(wf.jobs)) {
        for (const step of usesOf(job, "hashicorp/setup-terraform@")) {
          const version = String(step.with?.terraform_version);
          const resolved = version === "${{ env.TERRAFORM_VERSION }}" || version === "${{ inputs.terraform-version }}" ? wf.env?.TERRAFORM_VERSION : version;
          expect(resolved, `${name} ${id}`).toMatch(/^1\.11\.\d+$/);
          expect(step.with?.terraform_wrapper, `${name} ${id}`).toBe(false);
        }
      }
    }
  });

  it("caches npm in every job that installs and the Terraform plugins in every job that runs terraform against AWS", () => {
    for (const name of ["ci.yml", "deploy.yml", "drift.yml"]) {
      for (const [id, job] of Object.entries(workflow(name).jobs)) {
        for (const step of usesOf(job, "actions/setup-node@")) expect(step.with?.cache, `${name} ${id}`).toBe("npm");
        if (assumesRole(job) && usesOf(job, "hashicorp/setup-terraform@").length > 0) {
          const caches = usesOf(job, "actions/cache@").map((step) => String(step.with?.path));
          expect(caches, `${name} ${id}`).toContain(".terraform-plugin-cache");
          const pluginDir = job.env?.TF_PLUGIN_CACHE_DIR ?? (stepsOf(job).some((s) => s.run?.includes("TF_PLUGIN_CACHE_DIR=")) ? "set" : undefined);
          expect(pluginDir, `${name} ${id}: TF_PLUGIN_CACHE_DIR`).toBeDefined();
        }
      }
    }
  });
});

describe("ci workflow", () => {
  const ci = workflow("ci.yml");

  it("runs the README's test command through .ci/run and lints the workflows", () => {
    const runs = ci.jobs.test!.steps.map((step) => step.run ?? "");
    expect(runs).toContain("bash .ci/run");
    expect(runs.some((run) => run.includes("action-validator"))).toBe(true);
  });

  it("plans every environment with the plan role, never the deploy role, in the environments' plan GitHub environments", () => {
    const plan = ci.jobs.plan!;
    expect(plan.strategy?.matrix?.environment).toEqual(["dev", "staging", "prod"]);
    expect(environmentName(plan)).toBe("${{ matrix.environment }}-plan");
    const [credentials] = usesOf(plan, "aws-actions/configure-aws-credentials@");
    expect(credentials!.with?.["role-to-assume"]).toBe("${{ vars.AWS_PLAN_ROLE_ARN }}");
    expect(JSON.stringify(plan)).not.toMatch(/DEPLOY_ROLE/);
    expect(plan.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
  });

  it("posts one comment from a job that cannot reach AWS", () => {
    const comment = ci.jobs.comment!;
    expect(comment.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    expect(needs(comment)).toEqual(["plan"]);
    expect(comment.steps.some((step) => step.run?.includes("scripts/delivery/pr-comment.ts post"))).toBe(true);
    expect(ci.jobs.plan!.steps.some((step) => step.run?.includes("GITHUB_STEP_SUMMARY"))).toBe(true);
  });
});

describe("deploy workflow", () => {
  const deploy = workflow("deploy.yml");
  const environments = ["dev", "staging", "prod"] as const;

  it("runs on pushes to main", () => {
    expect(deploy.on).toMatchObject({ push: { branches: ["main"] } });
  });

  it("promotes dev -> staging -> prod, each after the build", () => {
    expect(needs(deploy.jobs["deploy-dev"]!)).toEqual(["build"]);
    expect(needs(deploy.jobs["deploy-staging"]!)).toEqual(["build", "deploy-dev"]);
    expect(needs(deploy.jobs["deploy-prod"]!)).toEqual(["build", "deploy-staging"]);
  });

  it("deploys each environment in its own GitHub environment; prod's holds the required reviewers", () => {
    for (const env of environments) expect(environmentName(deploy.jobs[`deploy-${env}`]!)).toBe(env);
  });

  it("never overlaps two deploys of one environment, and never cancels one in progress", () => {
    const groups = environments.map((env) => deploy.jobs[`deploy-${env}`]!.concurrency);
    for (const [index, env] of environments.entries()) {
      expect(groups[index]).toEqual({ group: `deploy-${env}`, "cancel-in-progress": false });
    }
  });

  it("assumes only the deploy role, passing the one image digest the build recorded", () => {
    for (const env of environments) {
      const job = deploy.jobs[`deploy-${env}`]!;
      const call = job.steps.find((step) => step.uses === "./.github/actions/deploy-environment")!;
      expect(call.with).toMatchObject({
        environment: env,
        "role-arn": "${{ vars.AWS_DEPLOY_ROLE_ARN }}",
        "image-digest": "${{ needs.build.outputs.image-digest }}",
        "release-artifact": "release-${{ github.sha }}",
      });
    }
    const credentials = action.runs.steps.find((step) => step.uses?.startsWith("aws-actions/configure-aws-credentials@"))!;
    expect(credentials.with?.["role-to-assume"]).toBe("${{ inputs.role-arn }}");
  });

  it("builds once: no deploy job builds, synthesizes or bundles again", () => {
    const build = deploy.jobs.build!.steps.map((step) => step.run ?? "").join("\n");
    expect(build).toContain("scripts/delivery/reproducible-build.ts");
    expect(build).toContain("scripts/delivery/artifacts.ts verify");
    expect(build).toMatch(/docker buildx build[\s\S]*--platform linux\/arm64 --provenance=false/);
    const perEnvironment = action.runs.steps.map((step) => step.run ?? "").join("\n");
    expect(perEnvironment).not.toMatch(/npm run (synth|build)|docker (buildx )?build|reproducible-build/);
  });

  it("runs per environment, in order: image by digest, migrations, apply with the digest, site, smoke test", () => {
    const names = action.runs.steps.map((step) => step.name ?? step.uses ?? "");
    const order = [
      "Image into this environment's ECR, same digest",
      "Migrations, before the new image serves",
      "terraform apply",
      "Publish the site",
      "Smoke test",
    ].map((name) => names.indexOf(name));
    expect(order.every((index) => index >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    const apply = action.runs.steps.find((step) => step.name === "terraform apply")!.run!;
    expect(apply).toContain('-var "tasks_api_image_digest=$IMAGE_DIGEST"');
    expect(action.runs.steps.find((step) => step.name === "Migrations, before the new image serves")!.run).toContain("scripts/delivery/run-migration.ts");
  });
});

describe("drift workflow", () => {
  const drift = workflow("drift.yml");
  const job = drift.jobs.drift!;

  it("runs on a schedule and on demand, for every environment", () => {
    expect(drift.on).toMatchObject({ schedule: [{ cron: expect.any(String) }], workflow_dispatch: null });
    expect(job.strategy?.matrix?.environment).toEqual(["dev", "staging", "prod"]);
  });

  it("uses the read-only plan role only", () => {
    expect(environmentName(job)).toBe("${{ matrix.environment }}-plan");
    expect(usesOf(job, "aws-actions/configure-aws-credentials@")[0]!.with?.["role-to-assume"]).toBe("${{ vars.AWS_PLAN_ROLE_ARN }}");
    expect(JSON.stringify(job)).not.toMatch(/DEPLOY_ROLE/);
  });

  it("plans with -detailed-exitcode and -refresh-only against the deployed digest, classifies, and keeps one issue per environment", () => {
    const runs = job.steps.map((step) => step.run ?? "").join("\n");
    expect(runs).toContain("output -raw deployed_tasks_api_image_digest");
    expect(runs).toMatch(/plan -input=false -no-color -detailed-exitcode/);
    expect(runs).toMatch(/plan -input=false -no-color -refresh-only -detailed-exitcode/);
    expect(runs).toContain("scripts/delivery/drift-classify.ts");
    expect(runs).toContain("scripts/delivery/drift-issue.ts");
    expect(job.permissions).toEqual({ contents: "read", "id-token": "write", issues: "write", deployments: "read" });
    expect(job.steps.at(-1)).toMatchObject({ name: "Fail on real drift", if: "steps.classify.outputs.code == '2'" });
  });
});
