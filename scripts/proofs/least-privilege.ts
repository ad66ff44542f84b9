/**
 * Least privilege, proven: for every Lambda function and ECS task definition
 * of a synthesized stack, what its code (and the platform around it) calls
 * against what its role grants.
 *
 * - used but not granted: it would fail in production;
 * - granted but not used: it should not be granted;
 * - a `*` resource (or a type-wide ARN wildcard) outside the few actions IAM cannot scope;
 * - AWS managed policies (not readable offline) outside the roles that need them.
 *
 * The code's calls come from the bundle that ships: the Lambda zip the stack
 * references, and the container bundle the caller built. Which resource a
 * call targets is not in the bundle, so code-derived actions are compared per
 * role, not per resource; platform needs (logs, traces, failure targets, the
 * ECS agent's pulls, logs and secrets) are compared per resource.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import {
  ALLOWED_MANAGED_POLICIES,
  ENVELOPE_KMS_ACTIONS,
  PLATFORM_NEEDS,
  UNSCOPABLE_ACTIONS,
  WORKLOAD_PROFILES,
  type PlatformNeed,
  type WorkloadProfile,
} from "./allowances";
// The bundler alone (esbuild + fflate): the construct module would load cdktf into a script that only reads JSON.
import { REPO_ROOT, bundleHandler } from "../../modules/lambda/private/bundle";
import { actionMatches, iamActionsFor } from "./iam-mapping";
import { readRoles, type RoleGrants, type Statement } from "./policies";
import { readZippedCode, scanBundle } from "./sdk-operations";
import {
  asArray,
  asBlock,
  asString,
  displayName,
  referenceOf,
  referencesIn,
  referencesOfType,
  resourceAt,
  resourcesOf,
  type Address,
  type Block,
  type LoadedStack,
  type Resource,
} from "./stack";

/** Bundled code as it ships. */
export interface CodeBundle {
  readonly code: string;
  /** Where it came from, for messages (a zip or bundle path). */
  readonly origin: string;
  /** First-party source files that went into it (absolute), searched by the bundled-not-called guard. */
  readonly sources?: readonly string[];
}

/** What a profile's entry builds today: the zip's sha256 and its first-party sources. */
export interface EntryBuild {
  readonly sha256Hex: string;
  readonly sources: readonly string[];
}

export interface LeastPrivilegeOptions {
  /** Bundles of ECS task definitions, by workload (the task definition's construct id, e.g. `tasks-api`). */
  readonly containerBundles?: Readonly<Record<string, CodeBundle>>;
  /** @default WORKLOAD_PROFILES */
  readonly profiles?: Readonly<Record<string, WorkloadProfile>>;
  /**
   * Builds a Lambda profile's entry, to tie the shipped zip to its sources.
   * @default - the Lambda module's bundler (cached, so cheap after a synth)
   */
  readonly buildEntry?: (entry: string) => EntryBuild;
  /** The repository root that profile entries are relative to. @default - the repository root */
  readonly rootDir?: string;
}

export type FindingRule =
  | "not-granted"
  | "not-used"
  | "wildcard-action"
  | "unscoped-resource"
  | "managed-policy"
  | "uninspectable"
  | "allow-list"
  | "bundle";

export interface Finding {
  readonly rule: FindingRule;
  /** The role's construct path. */
  readonly role: string;
  readonly message: string;
}

/** Why the role needs an action. */
export interface Need {
  readonly action: string;
  /** `any`: the code's calls do not say which resource; `*`: IAM takes no resource; else these resources. */
  readonly resources: "any" | "*" | readonly Address[];
  /** `code` (the bundle calls it) or a platform need. */
  readonly source: "code" | PlatformNeed;
  /** E.g. `PutItemCommand in auth-function's bundle`, `log group auth-function/log-group`. */
  readonly detail: string;
}

export interface Ignored {
  readonly operation: string;
  readonly reason: string;
}

export interface RoleReport {
  readonly role: string;
  /** `lambda`, `ecs-task`, `ecs-execution`: compared with their code; `service`: scope and managed policies only. */
  readonly kind: "lambda" | "ecs-task" | "ecs-execution" | "service";
  readonly workloads: readonly string[];
  readonly bundles: readonly string[];
  readonly needs: readonly Need[];
  readonly ignored: readonly Ignored[];
  readonly granted: readonly { readonly sid: string; readonly actions: readonly string[]; readonly resources: readonly string[]; readonly companion: boolean }[];
  readonly managedPolicies: readonly string[];
  readonly findings: readonly Finding[];
}

export interface LeastPrivilegeReport {
  readonly stack: string;
  readonly roles: readonly RoleReport[];
  readonly findings: readonly Finding[];
}

interface Workload {
  readonly id: string;
  readonly kind: "lambda" | "ecs-task" | "ecs-execution";
  readonly role: Address;
  readonly needs: Need[];
  readonly ignored: Ignored[];
  /** Set once the workload's code is read. */
  bundle?: string;
  readonly findings: Omit<Finding, "role">[];
}

/** Proves every Lambda and ECS role of a stack against its code. */
export function checkLeastPrivilege(stack: LoadedStack, options: LeastPrivilegeOptions = {}): LeastPrivilegeReport {
  const profiles = options.profiles ?? WORKLOAD_PROFILES;
  const workloads = [
    ...resourcesOf(stack, "aws_lambda_function").map((fn) => lambdaWorkload(stack, fn, profiles, options)),
    ...resourcesOf(stack, "aws_ecs_task_definition").flatMap((definition) => ecsWorkloads(stack, definition, profiles, options)),
  ];

  const roles = readRoles(stack);
  const reports = roles.map((grants) => {
    const mine = workloads.filter((workload) => workload.role === grants.role.address);
    return mine.length > 0 ? proveRole(stack, grants, mine) : scopeOnly(grants);
  });
  const rolePaths = new Set(roles.map((grants) => grants.role.address));
  const orphanFindings: Finding[] = workloads
    .filter((workload) => !rolePaths.has(workload.role))
    .map((workload) => ({
      rule: "uninspectable",
      role: workload.role,
      message: `${workload.id}: its role ${workload.role} is not an aws_iam_role of this stack, so its grants cannot be proven`,
    }));
  return {
    stack: stack.name,
    roles: reports,
    findings: [...reports.flatMap((report) => report.findings), ...orphanFindings],
  };
}

/** The workload a resource belongs to: its construct path without the last segment (`auth-function/function` -> `auth-function`). */
function workloadId(resource: Resource): string {
  const segments = resource.path.split("/");
  return segments.length > 1 ? segments.slice(0, -1).join("/") : resource.path;
}

// ---- Lambda ---------------------------------------------------------------------------------

function lambdaWorkload(
  stack: LoadedStack,
  fn: Resource,
  profiles: Readonly<Record<string, WorkloadProfile>>,
  options: LeastPrivilegeOptions,
): Workload {
  const id = workloadId(fn);
  const workload: Workload = {
    id,
    kind: "lambda",
    role: referenceOf(fn.block.role) ?? String(fn.block.role),
    needs: [],
    ignored: [],
    findings: [],
  };
  const zip = readFunctionZip(stack, fn);
  if ("problem" in zip) {
    workload.findings.push({ rule: "bundle", message: `${id}: ${zip.problem}` });
  } else {
    const origin = relative(stack.dir, zip.path) || zip.path;
    workload.bundle = origin;
    const profile = profiles[id];
    let sources: readonly string[] | undefined;
    if (profile && profile.bundledNotCalled.length > 0) {
      const build = (options.buildEntry ?? defaultBuildEntry(options.rootDir))(profile.entry);
      if (build.sha256Hex !== zip.sha256Hex) {
        workload.findings.push({
          rule: "bundle",
          message:
            `${id}: the zip the stack ships (${origin}, sha256 ${zip.sha256Hex.slice(0, 12)}…) is not what its profile's entry ` +
            `${profile.entry} builds now (${build.sha256Hex.slice(0, 12)}…); synthesize again, or fix the entry in WORKLOAD_PROFILES`,
        });
      }
      sources = build.sources;
    }
    codeNeeds(workload, { code: readZippedCode(zip.bytes), origin, ...(sources ? { sources } : {}) }, profile);
  }
  lambdaPlatformNeeds(stack, fn, workload);
  return workload;
}

function defaultBuildEntry(rootDir: string | undefined): (entry: string) => EntryBuild {
  return (entry) => {
    const root = rootDir ?? REPO_ROOT;
    const bundle = bundleHandler({ entry, rootDir: root });
    return { sha256Hex: bundle.sha256Hex, sources: firstParty(bundle.inputs).map((input) => join(root, input)) };
  };
}

/** Source files outside node_modules. */
export function firstParty(paths: readonly string[]): string[] {
  return paths.filter((path) => !/[\\/]node_modules[\\/]/.test(path) && !path.startsWith("node_modules/")).sort();
}

interface FunctionZip {
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly sha256Hex: string;
}

/** The deployment package the function references: `filename`, or the `source` of the S3 object behind `s3_key`. */
function readFunctionZip(stack: LoadedStack, fn: Resource): FunctionZip | { problem: string } {
  let source = asString(fn.block.filename);
  if (!source) {
    const objectRef = referencesOfType(fn.block.s3_key, "aws_s3_object")[0];
    const object = objectRef ? resourceAt(stack, objectRef) : undefined;
    source = asString(object?.block.source);
    if (!source) return { problem: "its code is neither a local `filename` nor an aws_s3_object with a `source` in this stack; the proof cannot read what ships" };
  }
  const path = isAbsolute(source) ? source : join(stack.dir, source);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch {
    return { problem: `its deployment package ${path} is missing; synthesize with app.synth() (assets are copied into the stack folder)` };
  }
  const digest = createHash("sha256").update(bytes).digest();
  const declared = asString(fn.block.source_code_hash);
  if (declared && !declared.startsWith("${") && declared !== digest.toString("base64")) {
    return { problem: `its deployment package ${path} does not match source_code_hash ${declared}; synthesize again` };
  }
  return { path, bytes, sha256Hex: digest.toString("hex") };
}

const SEND_ACTION_BY_TYPE: Readonly<Record<string, string>> = {
  aws_sqs_queue: "sqs:SendMessage",
  aws_sns_topic: "sns:Publish",
  aws_lambda_function: "lambda:InvokeFunction",
  aws_cloudwatch_event_bus: "events:PutEvents",
};

function lambdaPlatformNeeds(stack: LoadedStack, fn: Resource, workload: Workload): void {
  const logGroup = referencesOfType(asBlock(fn.block.logging_config)?.log_group, "aws_cloudwatch_log_group")[0];
  for (const action of PLATFORM_NEEDS["lambda-logs"].actions) {
    workload.needs.push({
      action,
      resources: logGroup ? [logGroup] : "any",
      source: "lambda-logs",
      detail: logGroup ? `log group ${displayName(stack, logGroup)}` : "the default /aws/lambda log group",
    });
  }
  if (asBlock(fn.block.tracing_config)?.mode === "Active") {
    for (const action of PLATFORM_NEEDS["lambda-tracing"].actions) {
      workload.needs.push({ action, resources: "*", source: "lambda-tracing", detail: "tracing_config.mode Active" });
    }
  }
  const targets: { ref: string; via: string }[] = [];
  const deadLetter = asString(asBlock(fn.block.dead_letter_config)?.target_arn);
  if (deadLetter) targets.push({ ref: deadLetter, via: "dead_letter_config" });
  for (const config of resourcesOf(stack, "aws_lambda_function_event_invoke_config")) {
    if (!referencesIn(config.block.function_name).includes(fn.address)) continue;
    const destination = asString(asBlock(asBlock(config.block.destination_config)?.on_failure)?.destination);
    if (destination) targets.push({ ref: destination, via: "on-failure destination" });
  }
  for (const target of targets) {
    const address = referenceOf(target.ref);
    const type = address?.split(".")[0];
    const action = type ? SEND_ACTION_BY_TYPE[type] : arnSendAction(target.ref);
    if (!action) {
      workload.findings.push({ rule: "uninspectable", message: `${workload.id}: cannot tell which action its ${target.via} ${target.ref} needs` });
      continue;
    }
    workload.needs.push({
      action,
      resources: address ? [address] : "any",
      source: "lambda-failure-target",
      detail: `${target.via} ${address ? displayName(stack, address) : target.ref}`,
    });
  }
}

function arnSendAction(arn: string): string | undefined {
  const service = /^arn:aws[a-z-]*:([a-z0-9-]+):/.exec(arn)?.[1];
  return { sqs: "sqs:SendMessage", sns: "sns:Publish", lambda: "lambda:InvokeFunction", events: "events:PutEvents" }[service ?? ""];
}

// ---- ECS ------------------------------------------------------------------------------------

function ecsWorkloads(
  stack: LoadedStack,
  definition: Resource,
  profiles: Readonly<Record<string, WorkloadProfile>>,
  options: LeastPrivilegeOptions,
): Workload[] {
  const id = workloadId(definition);
  const result: Workload[] = [];
  const containers = parseContainers(definition);

  const taskRole = referenceOf(definition.block.task_role_arn);
  if (taskRole) {
    const workload: Workload = { id, kind: "ecs-task", role: taskRole, needs: [], ignored: [], findings: [] };
    const bundle = options.containerBundles?.[id];
    if (!bundle) {
      workload.findings.push({
        rule: "bundle",
        message: `${id}: no bundle was given for task definition ${definition.path}; build the service's code and pass it as containerBundles["${id}"]`,
      });
    } else {
      workload.bundle = bundle.origin;
      codeNeeds(workload, bundle, profiles[id]);
    }
    result.push(workload);
  }

  const executionRole = referenceOf(definition.block.execution_role_arn);
  if (executionRole) {
    const workload: Workload = { id, kind: "ecs-execution", role: executionRole, needs: [], ignored: [], findings: [] };
    for (const container of containers) executionNeeds(stack, workload, container);
    result.push(workload);
  }
  return result;
}

function parseContainers(definition: Resource): Block[] {
  const raw = definition.block.container_definitions;
  try {
    const parsed: unknown = typeof raw === "string" ? JSON.parse(raw) : raw;
    return asArray(parsed).map((container) => asBlock(container) ?? {});
  } catch {
    return [];
  }
}

function executionNeeds(stack: LoadedStack, workload: Workload, container: Block): void {
  const name = asString(container.name) ?? "container";
  const repositories = referencesOfType(container.image, "aws_ecr_repository");
  if (repositories.length > 0) {
    workload.needs.push({ action: "ecr:GetAuthorizationToken", resources: "*", source: "ecs-image-pull", detail: `${name}'s image` });
    for (const action of ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]) {
      workload.needs.push({
        action,
        resources: repositories,
        source: "ecs-image-pull",
        detail: `${name}'s image in ${repositories.map((repository) => displayName(stack, repository)).join(", ")}`,
      });
    }
  }
  const logging = asBlock(container.logConfiguration);
  if (logging?.logDriver === "awslogs") {
    const options = asBlock(logging.options) ?? {};
    const groups = referencesOfType(options["awslogs-group"], "aws_cloudwatch_log_group");
    const actions: string[] = [...PLATFORM_NEEDS["ecs-awslogs"].actions];
    if (options["awslogs-create-group"] === "true") actions.push("logs:CreateLogGroup");
    for (const action of actions) {
      workload.needs.push({
        action,
        resources: groups.length > 0 ? groups : "any",
        source: "ecs-awslogs",
        detail: `${name}'s awslogs to ${groups.map((group) => displayName(stack, group)).join(", ") || String(options["awslogs-group"])}`,
      });
    }
  }
  for (const secret of asArray(container.secrets)) {
    const valueFrom = asString(asBlock(secret)?.valueFrom) ?? "";
    const refs = referencesIn(valueFrom);
    const ssm = refs.some((ref) => ref.startsWith("aws_ssm_parameter.")) || /^arn:aws[a-z-]*:ssm:/.test(valueFrom);
    workload.needs.push({
      action: ssm ? "ssm:GetParameters" : "secretsmanager:GetSecretValue",
      resources: refs.length > 0 ? refs : "any",
      source: "ecs-secrets",
      detail: `${name}'s secrets from ${refs.map((ref) => displayName(stack, ref)).join(", ") || valueFrom}`,
    });
  }
}

// ---- the code's calls -----------------------------------------------------------------------

function codeNeeds(workload: Workload, bundle: CodeBundle, profile: WorkloadProfile | undefined): void {
  const scan = scanBundle(bundle.code);
  if (scan.unrecognisedClients.length > 0) {
    workload.findings.push({
      rule: "bundle",
      message:
        `${workload.id}: ${bundle.origin} configures AWS SDK clients (${scan.unrecognisedClients.join(", ")}) whose commands were not recognised; ` +
        "the SDK's code shape changed: update scripts/proofs/sdk-operations.ts before trusting this proof",
    });
  }
  const notCalled = new Map((profile?.bundledNotCalled ?? []).map((entry) => [entry.action, entry]));
  const seenNotCalled = new Set<string>();
  for (const operation of scan.operations) {
    const mapping = iamActionsFor(operation.service, operation.operation);
    const label = `${operation.operation}Command`;
    if (mapping.kind === "credential-client" || mapping.kind === "sdk-internal") {
      workload.ignored.push({ operation: `${operation.service}.${operation.operation}`, reason: mapping.reason });
      continue;
    }
    if (mapping.kind === "unmapped") {
      workload.findings.push({ rule: "bundle", message: `${workload.id}: ${label} in ${bundle.origin}: ${mapping.problem}` });
      continue;
    }
    for (const action of mapping.actions) {
      const allowed = notCalled.get(action);
      if (allowed) {
        seenNotCalled.add(action);
        workload.ignored.push({ operation: action, reason: `bundled, not called: ${allowed.reason}` });
        continue;
      }
      workload.needs.push({ action, resources: "any", source: "code", detail: `${label} in ${workload.id}'s bundle` });
    }
  }
  for (const [action, entry] of notCalled) {
    if (!seenNotCalled.has(action)) {
      workload.findings.push({
        rule: "allow-list",
        message: `${workload.id}: WORKLOAD_PROFILES lists ${action} as bundled but not called, but ${bundle.origin} has no command for it; remove the stale entry`,
      });
      continue;
    }
    if (!bundle.sources) {
      workload.findings.push({
        rule: "allow-list",
        message: `${workload.id}: ${action} is allowed as bundled but not called, but the bundle's sources are unknown, so the claim cannot be checked`,
      });
      continue;
    }
    for (const source of bundle.sources) {
      const text = readFileSync(source, "utf8");
      const caller = entry.callers.find((name) => new RegExp(`\\b${name}\\b`).test(text));
      if (caller) {
        workload.findings.push({
          rule: "allow-list",
          message:
            `${workload.id}: ${relative(process.cwd(), source)} uses ${caller}, so ${action} is called after all: ` +
            "grant it and remove its bundled-not-called entry from WORKLOAD_PROFILES",
        });
      }
    }
  }
}

// ---- comparing needs with grants ------------------------------------------------------------

/** `kms:ViaService` service prefix of a statement, when it is a pure envelope-encryption companion. */
function companionService(statement: Statement): string | undefined {
  if (statement.actions.length === 0 || !statement.actions.every((action) => (ENVELOPE_KMS_ACTIONS as readonly string[]).includes(action))) return undefined;
  const via = statement.conditions.find((condition) => condition.variable.toLowerCase() === "kms:viaservice" && /^String(Equals|Like)$/.test(condition.test));
  const services = (via?.values ?? []).map((value) => /^([a-z0-9-]+)\.[a-z0-9-]+\.amazonaws\.com$/.exec(value)?.[1]);
  if (services.length !== 1 || !services[0]) return undefined;
  return services[0];
}

/** Whether a statement resource refers to one of the addresses. */
function refersTo(resource: string, addresses: readonly Address[]): boolean {
  return referencesIn(resource).some((address) => addresses.includes(address));
}

/** `*`, or an ARN naming every resource of a type (`arn:aws:dynamodb:r:a:table/*`, `arn:aws:s3:::*`). */
export function isUnscopedResource(resource: string): boolean {
  if (resource === "*") return true;
  return /^arn:[^:]*:[^:]*:[^:]*:[^:]*:(?:[A-Za-z0-9-]+[/:])?\*$/.test(resource);
}

function proveRole(stack: LoadedStack, grants: RoleGrants, workloads: readonly Workload[]): RoleReport {
  const rolePath = grants.role.path;
  const findings: Finding[] = workloads.flatMap((workload) => workload.findings.map((finding) => ({ ...finding, role: rolePath })));
  const needs = workloads.flatMap((workload) => workload.needs);
  const ignored = workloads.flatMap((workload) => workload.ignored);
  const allows = grants.statements.filter((statement) => statement.effect === "Allow");
  const who = workloads.map((workload) => workload.id).filter((id, index, all) => all.indexOf(id) === index).join(", ");
  const companions = new Map(allows.map((statement) => [statement, companionService(statement)]));

  for (const statement of allows) {
    const sid = statement.sid || statement.policy;
    if (statement.notActions.length > 0 || statement.notResources.length > 0) {
      findings.push({ rule: "uninspectable", role: rolePath, message: `${rolePath}: statement ${sid} uses NotAction/NotResource, which cannot be proven minimal; list actions and resources` });
      continue;
    }
    const via = companions.get(statement);
    if (via) {
      findings.push(...checkCompanion(stack, rolePath, statement, via, needs, allows));
      continue;
    }
    for (const pattern of statement.actions) {
      const matching = needs.filter((need) => actionMatches(pattern, need.action));
      if (matching.length === 0) {
        findings.push({
          rule: "not-used",
          role: rolePath,
          message:
            `${rolePath} grants ${pattern} (statement ${sid}) but ${who} never uses it: no command for it in the bundle and no platform need; ` +
            "it should not be granted",
        });
        continue;
      }
      if (/[*?]/.test(pattern)) {
        findings.push({
          rule: "wildcard-action",
          role: rolePath,
          message: `${rolePath} grants ${pattern} (statement ${sid}), more than ${who} uses (${[...new Set(matching.map((need) => need.action))].join(", ")}); grant those actions by name`,
        });
      }
      for (const need of matching) {
        if (need.resources === "any" || need.resources === "*") continue;
        const outside = statement.resources.filter((resource) => !refersTo(resource, need.resources as readonly Address[]));
        if (outside.length > 0) {
          findings.push({
            rule: "not-used",
            role: rolePath,
            message:
              `${rolePath} grants ${need.action} (statement ${sid}) on ${outside.join(", ")}, but ${need.source} needs it only on ` +
              `${(need.resources as readonly Address[]).map((address) => displayName(stack, address)).join(", ")} (${need.detail}); scope it to that`,
          });
        }
      }
    }
  }

  const direct = allows.filter((statement) => !companions.get(statement));
  for (const need of dedupeNeeds(needs)) {
    const covering = direct.filter((statement) => statement.actions.some((pattern) => actionMatches(pattern, need.action)));
    const missing =
      need.resources === "any"
        ? covering.length === 0
          ? ["any resource"]
          : []
        : need.resources === "*"
          ? covering.some((statement) => statement.resources.includes("*"))
            ? []
            : ["*"]
          : need.resources.filter((address) => !covering.some((statement) => statement.resources.some((resource) => refersTo(resource, [address]))));
    if (missing.length === 0) continue;
    const reason = need.source === "code" ? need.detail : `${need.detail}: ${PLATFORM_NEEDS[need.source].reason}`;
    findings.push({
      rule: "not-granted",
      role: rolePath,
      message:
        `${who} needs ${need.action}${need.resources === "any" ? "" : ` on ${missing.map((address) => (address.includes(".") ? displayName(stack, address) : address)).join(", ")}`} ` +
        `(${reason}) but ${rolePath} does not grant it: it would fail in production with AccessDenied`,
    });
  }

  findings.push(...scopeFindings(grants), ...managedFindings(grants, true), ...problemFindings(grants));
  return {
    role: rolePath,
    kind: workloads[0]!.kind,
    workloads: [...new Set(workloads.map((workload) => workload.id))],
    bundles: workloads.flatMap((workload) => (workload.bundle ? [workload.bundle] : [])),
    needs: dedupeNeeds(needs),
    ignored: dedupeIgnored(ignored),
    granted: allows.map((statement) => ({
      sid: statement.sid,
      actions: statement.actions,
      resources: statement.resources.map((resource) => referencesIn(resource).map((address) => displayName(stack, address))[0] ?? resource),
      companion: companions.get(statement) !== undefined,
    })),
    managedPolicies: grants.managedPolicies.map((policy) => policy.arn),
    findings,
  };
}

/**
 * A `kms:ViaService` companion is accepted when the role uses that service and
 * the key encrypts one of the resources the role's grants for that service name.
 */
function checkCompanion(
  stack: LoadedStack,
  rolePath: string,
  statement: Statement,
  service: string,
  needs: readonly Need[],
  allows: readonly Statement[],
): Finding[] {
  const sid = statement.sid || statement.policy;
  if (!needs.some((need) => need.action.startsWith(`${service}:`))) {
    return [
      {
        rule: "not-used",
        role: rolePath,
        message: `${rolePath} grants KMS through ${service} (statement ${sid}) but nothing it runs calls ${service}; it should not be granted`,
      },
    ];
  }
  const targets = allows
    .filter((other) => other !== statement && other.actions.some((action) => action.startsWith(`${service}:`)))
    .flatMap((other) => other.resources.flatMap((resource) => referencesIn(resource)));
  const keysOfTargets = new Set(targets.flatMap((target) => referencesOfType(resourceAt(stack, target)?.block ?? {}, "aws_kms_key")));
  return statement.resources
    .filter((resource) => !referencesOfType(resource, "aws_kms_key").some((key) => keysOfTargets.has(key)))
    .map((resource) => ({
      rule: "not-used" as const,
      role: rolePath,
      message:
        `${rolePath} may use key ${referencesIn(resource).map((address) => displayName(stack, address))[0] ?? resource} through ${service} (statement ${sid}), ` +
        `but none of the ${service} resources it is granted is encrypted with that key; it should not be granted`,
    }));
}

function scopeFindings(grants: RoleGrants): Finding[] {
  const findings: Finding[] = [];
  for (const statement of grants.statements.filter((candidate) => candidate.effect === "Allow")) {
    const unscoped = statement.resources.filter(isUnscopedResource);
    if (unscoped.length === 0) continue;
    const scopable = statement.actions.filter((action) => !UNSCOPABLE_ACTIONS[action]);
    if (scopable.length === 0) continue;
    findings.push({
      rule: "unscoped-resource",
      role: grants.role.path,
      message:
        `${grants.role.path} grants ${scopable.join(", ")} (statement ${statement.sid || statement.policy}) on ${unscoped.join(", ")}; ` +
        `scope it to the specific table, key, bucket, identity or queue ARN (only ${Object.keys(UNSCOPABLE_ACTIONS).join(", ")} may use "*")`,
    });
  }
  return findings;
}

function managedFindings(grants: RoleGrants, codeRole: boolean): Finding[] {
  return grants.managedPolicies.flatMap((policy) => {
    const allowed = ALLOWED_MANAGED_POLICIES[policy.arn];
    if (!codeRole && allowed && grants.trustedServices.includes(allowed.trustedService)) return [];
    return [
      {
        rule: "managed-policy" as const,
        role: grants.role.path,
        message: allowed
          ? `${grants.role.path} carries the AWS managed policy ${policy.arn}, allowed only on roles assumed by ${allowed.trustedService}` +
            `${codeRole ? " and never on a role whose code the proof reads" : ""}; grant what the code calls instead`
          : `${grants.role.path} carries the AWS managed policy ${policy.arn}, which cannot be analysed offline; grant what the code calls through the owning module's grant methods`,
      },
    ];
  });
}

function problemFindings(grants: RoleGrants): Finding[] {
  return grants.problems.map((problem) => ({ rule: "uninspectable" as const, role: grants.role.path, message: problem }));
}

function scopeOnly(grants: RoleGrants): RoleReport {
  return {
    role: grants.role.path,
    kind: "service",
    workloads: [],
    bundles: [],
    needs: [],
    ignored: [],
    granted: grants.statements
      .filter((statement) => statement.effect === "Allow")
      .map((statement) => ({ sid: statement.sid, actions: statement.actions, resources: statement.resources, companion: false })),
    managedPolicies: grants.managedPolicies.map((policy) => policy.arn),
    findings: [...scopeFindings(grants), ...managedFindings(grants, false), ...problemFindings(grants)],
  };
}

function dedupeNeeds(needs: readonly Need[]): Need[] {
  const byKey = new Map<string, Need>();
  for (const need of needs) {
    const key = `${need.action}|${need.source}|${JSON.stringify(need.resources)}`;
    if (!byKey.has(key)) byKey.set(key, need);
  }
  return [...byKey.values()].sort((a, b) => a.action.localeCompare(b.action));
}

function dedupeIgnored(ignored: readonly Ignored[]): Ignored[] {
  const byKey = new Map(ignored.map((entry) => [entry.operation, entry]));
  return [...byKey.values()].sort((a, b) => a.operation.localeCompare(b.operation));
}

