/**
 * Turns a synthesized stack into an architecture graph: the resources that
 * matter become nodes, and the references between resources become edges.
 *
 * Most resources are not worth a box (policies, rules, listeners, roles,
 * security groups, targets, permissions): they are folded into the node they
 * belong to, so a reference *from* one of them counts as a reference from
 * that node. "Belongs to" comes from the JSON too:
 * - an attachment belongs to the resource its parent attribute names
 *   (`aws_apigatewayv2_integration.api_id`, `aws_iam_role_policy.role`,
 *   `aws_vpc_security_group_ingress_rule.security_group_id`, ...);
 * - a shared part belongs to the node that uses it as its own
 *   (a role through `role`/`task_role_arn`, a security group through
 *   `security_groups`, a task definition through `task_definition`, a policy
 *   document through `policy`, ...).
 * So `aws_iam_role_policy → role → aws_lambda_function` makes the grants of a
 * function's policy documents edges from the function, and a security group
 * rule that admits group A into group B is an edge from A's owner to B's.
 */
import { referencesIn, resourcesOf, type Block, type Reference, type StackJson, type StackResource } from "./stack";

export const GROUPS = [
  { id: "edge", title: "Edge" },
  { id: "api", title: "API" },
  { id: "compute", title: "Compute (VPC)" },
  { id: "data", title: "Data" },
  { id: "events", title: "Events" },
  { id: "observability", title: "Observability" },
] as const;
export type GroupId = (typeof GROUPS)[number]["id"];
const GROUP_ORDER: readonly GroupId[] = GROUPS.map((group) => group.id);

export type Shape = "box" | "store" | "function" | "queue" | "shield";

/**
 * What an edge means. A merged edge takes its style and label from the first
 * kind it has in this order: a network hop's port says more than the env var
 * that names the same database.
 */
export const EDGE_KINDS = ["network", "flow", "dead-letter", "logs", "iam", "association"] as const;
export type EdgeKind = (typeof EDGE_KINDS)[number];

export interface DiagramNode {
  /** Stable key: the Terraform address, or `<type>.*` for an aggregate. */
  readonly key: string;
  readonly type: string;
  /** What it is: `CloudFront`, `DynamoDB table`, `internal ALB`. */
  readonly kind: string;
  /** Which one: from the construct path (`tables/task-events`). */
  readonly name: string;
  readonly group: GroupId;
  readonly shape: Shape;
}

export interface DiagramEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  /** Sorted, distinct; the labels of the edge's first kind. */
  readonly labels: readonly string[];
}

export interface Diagram {
  readonly nodes: readonly DiagramNode[];
  readonly edges: readonly DiagramEdge[];
  /** Nodes of the kinds drawn that nothing connects (left out of the picture, named under it). */
  readonly unconnected: readonly DiagramNode[];
  readonly resourceCount: number;
}

// ---- which resources are nodes ------------------------------------------------

interface NodeSpec {
  readonly kind: string | ((body: Block) => string);
  /** `by-caller`: the group of what sends to it (a Lambda behind the API is in API, one behind a rule in Events). */
  readonly group: GroupId | "by-caller";
  readonly shape?: Shape;
  /** All resources of the type become one node (36 alarms are one box). */
  readonly aggregate?: boolean;
}

const NODE_SPECS: Readonly<Record<string, NodeSpec>> = {
  aws_cloudfront_distribution: { kind: "CloudFront", group: "edge" },
  aws_wafv2_web_acl: { kind: "WAF web ACL", group: "edge", shape: "shield" },
  aws_s3_bucket: { kind: "S3 bucket", group: "by-caller", shape: "store" },
  aws_apigatewayv2_api: { kind: (body) => `API Gateway ${String(body.protocol_type ?? "HTTP")} API`, group: "api" },
  aws_apigatewayv2_vpc_link: { kind: "VPC link", group: "api" },
  aws_lambda_function: { kind: "Lambda", group: "by-caller", shape: "function" },
  aws_lb: { kind: (body) => `${body.internal === true ? "internal " : ""}${body.load_balancer_type === "network" ? "NLB" : "ALB"}`, group: "compute" },
  aws_ecs_service: { kind: "ECS service", group: "compute" },
  aws_ecs_cluster: { kind: "ECS cluster", group: "compute" },
  aws_ecr_repository: { kind: "ECR repository", group: "compute", shape: "store" },
  aws_rds_cluster: { kind: (body) => (String(body.engine ?? "").includes("postgresql") ? "Aurora PostgreSQL" : "Aurora"), group: "data", shape: "store" },
  aws_dynamodb_table: { kind: "DynamoDB table", group: "data", shape: "store" },
  aws_pipes_pipe: { kind: "EventBridge Pipe", group: "events" },
  aws_cloudwatch_event_bus: { kind: "event bus", group: "events" },
  aws_cloudwatch_event_rule: { kind: "event rule", group: "events" },
  aws_cloudwatch_event_archive: { kind: "event archive", group: "events", shape: "store" },
  aws_scheduler_schedule: { kind: "Scheduler schedule", group: "events" },
  aws_sesv2_email_identity: { kind: "SES identity", group: "events" },
  aws_sns_topic: { kind: "SNS topic", group: "by-caller", shape: "queue" },
  aws_sqs_queue: { kind: "SQS queue", group: "by-caller", shape: "queue" },
  aws_cloudtrail: { kind: "CloudTrail", group: "observability" },
  aws_cloudwatch_metric_alarm: { kind: "CloudWatch alarms", group: "observability", aggregate: true },
};

// ---- which resources fold into a node -------------------------------------------

/** Attachments: the attribute naming the resource they belong to. */
const ATTACHED_TO: Readonly<Record<string, string>> = {
  aws_apigatewayv2_integration: "api_id",
  aws_apigatewayv2_authorizer: "api_id",
  aws_apigatewayv2_route: "api_id",
  aws_apigatewayv2_stage: "api_id",
  aws_lb_listener: "load_balancer_arn",
  aws_lb_listener_rule: "listener_arn",
  aws_cloudwatch_event_target: "rule",
  aws_lambda_permission: "function_name",
  aws_lambda_function_event_invoke_config: "function_name",
  aws_lambda_event_source_mapping: "function_name",
  aws_iam_role_policy: "role",
  aws_iam_role_policy_attachment: "role",
  aws_s3_bucket_logging: "bucket",
  aws_s3_bucket_policy: "bucket",
  aws_sqs_queue_policy: "queue_url",
  aws_sns_topic_policy: "arn",
  aws_sns_topic_subscription: "topic_arn",
  aws_vpc_security_group_ingress_rule: "security_group_id",
  aws_vpc_security_group_egress_rule: "security_group_id",
  aws_security_group_rule: "security_group_id",
  aws_cloudwatch_log_delivery: "delivery_source_name",
  aws_cloudwatch_log_delivery_source: "resource_arn",
  aws_sesv2_configuration_set_event_destination: "configuration_set_name",
};

/** Shared parts: the referring attribute paths (suffixes) through which a node makes them its own. */
const OWNED_THROUGH: Readonly<Record<string, readonly string[]>> = {
  aws_iam_role: ["role", "role_arn", "task_role_arn", "execution_role_arn", "iam_role_arn", "cloud_watch_logs_role_arn"],
  aws_security_group: ["security_groups", "vpc_security_group_ids", "security_group_ids"],
  aws_ecs_task_definition: ["task_definition", "task_definition_arn"],
  aws_lb_target_group: ["load_balancer.target_group_arn"],
  "data.aws_iam_policy_document": ["policy"],
  aws_sesv2_configuration_set: ["configuration_set_name"],
  aws_cloudwatch_log_delivery_destination: ["delivery_destination_arn"],
};

/**
 * When two nodes use the same part (the tasks-api's task definition and
 * security group are also used by the reminder's schedule), the first type
 * here owns it; the other keeps a plain edge to the owner.
 */
const OWNER_PRIORITY = [
  "aws_ecs_service",
  "aws_lambda_function",
  "aws_lb",
  "aws_rds_cluster",
  "aws_apigatewayv2_vpc_link",
  "aws_pipes_pipe",
  "aws_cloudfront_distribution",
  "aws_sesv2_email_identity",
  "aws_cloudtrail",
];

// ---- what a reference means ---------------------------------------------------------

interface EdgeRule {
  readonly type?: string;
  /** Dotted attribute path; `*` at the end matches any rest, a leading `…` any prefix. */
  readonly path: string;
  readonly kind: EdgeKind | "skip";
  readonly label?: string | ((body: Block, path: readonly string[]) => string);
  /** The reference points against the flow: the referred-to resource sends to the referrer. */
  readonly reverse?: boolean;
  /** Start the edge at the node this attribute names, when it names one (an integration through a VPC link). */
  readonly fromAttribute?: string;
}

function portLabel(body: Block): string {
  const protocol = String(body.ip_protocol ?? body.protocol ?? "tcp");
  if (protocol === "-1" || protocol === "all") return "all traffic";
  const from = body.from_port;
  const to = body.to_port;
  return from === to || to === undefined ? `${protocol}/${String(from)}` : `${protocol}/${String(from)}-${String(to)}`;
}

/** First match wins. Without a match a reference is a plain `flow` edge. */
const EDGE_RULES: readonly EdgeRule[] = [
  { path: "…dead_letter_config.arn", kind: "dead-letter", label: "dead letters" },
  { path: "…redrive_policy", kind: "dead-letter", label: "dead letters" },
  { path: "destination_config.on_failure.destination", kind: "dead-letter", label: "failures" },
  { type: "aws_lambda_permission", path: "source_arn", kind: "iam", label: "lambda:InvokeFunction", reverse: true },
  { type: "aws_vpc_security_group_ingress_rule", path: "referenced_security_group_id", kind: "network", label: portLabel, reverse: true },
  { type: "aws_vpc_security_group_egress_rule", path: "referenced_security_group_id", kind: "network", label: portLabel },
  { type: "aws_security_group_rule", path: "source_security_group_id", kind: "network", label: portLabel, reverse: true },
  { type: "aws_pipes_pipe", path: "source", kind: "flow", label: "stream", reverse: true },
  { type: "aws_pipes_pipe", path: "target", kind: "flow", label: "events" },
  { type: "aws_cloudwatch_event_rule", path: "event_bus_name", kind: "flow", label: "events", reverse: true },
  { type: "aws_cloudwatch_event_archive", path: "event_source_arn", kind: "flow", label: "archive", reverse: true },
  { type: "aws_cloudwatch_event_target", path: "arn", kind: "flow", label: "target" },
  // The target's bus is its rule's bus: the bus → rule edge already says so.
  { type: "aws_cloudwatch_event_target", path: "event_bus_name", kind: "skip" },
  { type: "aws_apigatewayv2_integration", path: "connection_id", kind: "flow", label: "private integration" },
  { type: "aws_apigatewayv2_integration", path: "integration_uri", kind: "flow", label: "integration", fromAttribute: "connection_id" },
  { type: "aws_apigatewayv2_authorizer", path: "authorizer_uri", kind: "flow", label: "authorizer" },
  { type: "aws_cloudfront_distribution", path: "origin.domain_name", kind: "flow", label: "origin" },
  { type: "aws_cloudfront_distribution", path: "web_acl_id", kind: "association", label: "web ACL" },
  { type: "aws_lb", path: "access_logs.bucket", kind: "logs", label: "access logs" },
  { type: "aws_s3_bucket_logging", path: "target_bucket", kind: "logs", label: "access logs" },
  { type: "aws_cloudwatch_log_delivery_destination", path: "delivery_destination_configuration.destination_resource_arn", kind: "logs", label: "access logs" },
  { type: "aws_cloudtrail", path: "s3_bucket_name", kind: "logs", label: "trail" },
  { type: "aws_cloudtrail", path: "advanced_event_selector.*", kind: "association", label: "data events" },
  { type: "aws_lb_listener", path: "default_action.target_group_arn", kind: "flow", label: "forward" },
  { type: "aws_ecs_service", path: "cluster", kind: "association", label: "runs on" },
  { type: "aws_scheduler_schedule", path: "target.arn", kind: "flow", label: "RunTask" },
  { type: "aws_scheduler_schedule", path: "target.ecs_parameters.task_definition_arn", kind: "association", label: "task definition" },
  { type: "aws_sesv2_configuration_set_event_destination", path: "event_destination.sns_destination.topic_arn", kind: "flow", label: "sending events" },
  { type: "aws_cloudwatch_metric_alarm", path: "alarm_actions", kind: "flow", label: "alarm" },
  { type: "aws_cloudwatch_metric_alarm", path: "ok_actions", kind: "flow", label: "alarm" },
  { type: "aws_cloudwatch_metric_alarm", path: "insufficient_data_actions", kind: "flow", label: "alarm" },
  // What an alarm watches is not a connection; every resource has alarms.
  { type: "aws_cloudwatch_metric_alarm", path: "*", kind: "skip" },
  // A node placed in another node's security group (the reminder's task in the service's): same network identity.
  { path: "…security_groups", kind: "association", label: "security group" },
  { path: "…security_group_ids", kind: "association", label: "security group" },
  { path: "…vpc_security_group_ids", kind: "association", label: "security group" },
  { type: "aws_lambda_function", path: "environment.variables.*", kind: "flow", label: (_body, path) => path[path.length - 1] ?? "" },
];

function pathMatches(pattern: string, path: readonly string[]): boolean {
  const dotted = path.join(".");
  if (pattern === "*") return true;
  if (pattern.startsWith("…")) return dotted === pattern.slice(1) || dotted.endsWith(`.${pattern.slice(1)}`);
  if (pattern.endsWith(".*")) return dotted.startsWith(pattern.slice(0, -1));
  return dotted === pattern;
}

function ruleFor(type: string, path: readonly string[]): EdgeRule | undefined {
  return EDGE_RULES.find((rule) => (rule.type === undefined || rule.type === type) && pathMatches(rule.path, path));
}

/** `dynamodb:BatchWriteItem`, `dynamodb:Query` → `dynamodb:BatchWriteItem +1`. */
function actionsLabel(actions: unknown): string {
  const list = (Array.isArray(actions) ? actions : [actions]).filter((action): action is string => typeof action === "string").sort();
  if (list.length === 0) return "";
  return list.length === 1 ? list[0]! : `${list[0]} +${list.length - 1}`;
}

// ---- building ----------------------------------------------------------------------

interface RawEdge {
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly kind: EdgeKind;
  readonly label: string;
}

/** Builds the architecture graph of a synthesized stack. Deterministic: same JSON (in any key order), same graph. */
export function buildDiagram(stack: StackJson): Diagram {
  const resources = resourcesOf(stack);
  const addresses = [...resources.keys()].sort();
  const referencesOf = new Map<string, Reference[]>();
  const referrersOf = new Map<string, { readonly from: StackResource; readonly path: readonly string[] }[]>();
  for (const address of addresses) {
    const resource = resources.get(address)!;
    const references = referencesIn(resource.body, resources);
    referencesOf.set(address, references);
    for (const reference of references) {
      const list = referrersOf.get(reference.target) ?? [];
      list.push({ from: resource, path: reference.path });
      referrersOf.set(reference.target, list);
    }
  }

  // The node a resource is, or folds into; undefined when it is neither (KMS keys, log groups, subnets...).
  const nodeKeys = new Map<string, string | undefined>();
  const resolving = new Set<string>();
  const nodeOf = (address: string): string | undefined => {
    if (nodeKeys.has(address)) return nodeKeys.get(address);
    const resource = resources.get(address);
    if (!resource || resolving.has(address)) return undefined;
    resolving.add(address);
    let key: string | undefined;
    const spec = NODE_SPECS[resource.type];
    if (spec) key = spec.aggregate ? `${resource.type}.*` : address;
    else if (ATTACHED_TO[resource.type] !== undefined) {
      const parent = referencesOf.get(address)!.find((reference) => reference.path.join(".") === ATTACHED_TO[resource.type]);
      key = parent ? nodeOf(parent.target) : undefined;
    } else if (OWNED_THROUGH[resource.type] !== undefined) {
      const patterns = OWNED_THROUGH[resource.type]!;
      const owners = (referrersOf.get(address) ?? [])
        // An attachment naming this part as its parent is a child of it, not its owner.
        .filter(({ from, path }) => ATTACHED_TO[from.type] !== path.join("."))
        .filter(({ path }) => patterns.some((pattern) => pathMatches(`…${pattern}`, path)))
        .map(({ from }) => nodeOf(from.address))
        .filter((owner): owner is string => owner !== undefined);
      const rank = (owner: string) => {
        const index = OWNER_PRIORITY.indexOf(resources.get(owner)?.type ?? "");
        return index < 0 ? OWNER_PRIORITY.length : index;
      };
      key = [...new Set(owners)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))[0];
    }
    resolving.delete(address);
    nodeKeys.set(address, key);
    return key;
  };

  const raw: RawEdge[] = [];
  for (const address of addresses) {
    const resource = resources.get(address)!;
    const self = nodeOf(address);
    if (resource.type === "data.aws_iam_policy_document") {
      raw.push(...policyEdges(resource, self, resources, nodeOf));
      continue;
    }
    if (resource.type === "aws_ecs_task_definition") raw.push(...containerEdges(resource, self, resources, nodeOf));
    for (const reference of referencesOf.get(address)!) {
      if (resource.type === "aws_ecs_task_definition" && reference.path[0] === "container_definitions") continue;
      const rule = ruleFor(resource.type, reference.path);
      if (rule?.kind === "skip") continue;
      let from = self;
      if (rule?.fromAttribute) {
        const via = referencesOf.get(address)!.find((other) => other.path.join(".") === rule.fromAttribute);
        const viaNode = via ? nodeOf(via.target) : undefined;
        if (viaNode) from = viaNode;
      }
      const to = nodeOf(reference.target);
      const label = typeof rule?.label === "function" ? rule.label(resource.body, reference.path) : (rule?.label ?? "");
      raw.push(rule?.reverse ? { from: to, to: from, kind: rule.kind, label } : { from, to, kind: rule?.kind ?? "flow", label });
    }
  }

  const edges = mergeEdges(raw);
  const nodes = describeNodes(resources, addresses, nodeOf, edges);
  // A node whose only edge ships its own logs (the Lambda artifacts bucket) shows nothing about the system.
  const connected = new Set(edges.flatMap((edge) => (edge.kind === "logs" ? [edge.to] : [edge.from, edge.to])));
  const byKey = new Map(nodes.map((node) => [node.key, node]));
  const nameOf = (key: string) => byKey.get(key)?.name ?? key;
  return {
    nodes: nodes.filter((node) => connected.has(node.key)),
    edges: edges.filter((edge) => connected.has(edge.from)).sort((a, b) => nameOf(a.from).localeCompare(nameOf(b.from)) || nameOf(a.to).localeCompare(nameOf(b.to))),
    unconnected: nodes.filter((node) => !connected.has(node.key)),
    resourceCount: [...resources.values()].filter((resource) => !resource.type.startsWith("data.")).length,
  };
}

/**
 * A policy document's statements: an identity policy (no `principals`) lets
 * its owner act on the resources it names; a resource policy (with
 * `principals`) lets the resources it names (in conditions such as
 * `aws:SourceArn`) act on its owner.
 */
function policyEdges(
  resource: StackResource,
  owner: string | undefined,
  resources: ReadonlyMap<string, StackResource>,
  nodeOf: (address: string) => string | undefined,
): RawEdge[] {
  const statements = Array.isArray(resource.body.statement) ? (resource.body.statement as unknown[]) : [];
  return statements.flatMap((statement): RawEdge[] => {
    if (typeof statement !== "object" || statement === null) return [];
    const body = statement as Block;
    const label = actionsLabel(body.actions);
    const isResourcePolicy = Array.isArray(body.principals) && body.principals.length > 0;
    if (body.effect === "Deny") return [];
    return referencesIn(body, resources).map(({ target }) => {
      const other = nodeOf(target);
      return isResourcePolicy ? { from: other, to: owner, kind: "iam", label } : { from: owner, to: other, kind: "iam", label };
    });
  });
}

/** References inside an ECS task definition's container definitions (a JSON string): labelled with the variable or secret name. */
function containerEdges(
  resource: StackResource,
  owner: string | undefined,
  resources: ReadonlyMap<string, StackResource>,
  nodeOf: (address: string) => string | undefined,
): RawEdge[] {
  const text = resource.body.container_definitions;
  if (typeof text !== "string") return [];
  let containers: unknown;
  try {
    containers = JSON.parse(text);
  } catch {
    return referencesIn(text, resources).map(({ target }) => ({ from: owner, to: nodeOf(target), kind: "flow", label: "" }));
  }
  const edges: RawEdge[] = [];
  for (const container of Array.isArray(containers) ? containers : []) {
    if (typeof container !== "object" || container === null) continue;
    const body = container as Block;
    for (const { target } of referencesIn(body.image, resources)) edges.push({ from: owner, to: nodeOf(target), kind: "flow", label: "image" });
    for (const entry of [...(Array.isArray(body.environment) ? body.environment : []), ...(Array.isArray(body.secrets) ? body.secrets : [])]) {
      if (typeof entry !== "object" || entry === null) continue;
      const { name, value, valueFrom } = entry as { name?: unknown; value?: unknown; valueFrom?: unknown };
      for (const { target } of referencesIn([value, valueFrom], resources)) {
        edges.push({ from: owner, to: nodeOf(target), kind: "flow", label: typeof name === "string" ? name : "" });
      }
    }
  }
  return edges;
}

/**
 * One edge per ordered pair of nodes. A permission (`iam`) between two nodes
 * that another edge already connects, either way, is dropped: the pipe's
 * right to read the stream is the stream → pipe edge seen from the other end.
 */
function mergeEdges(raw: readonly RawEdge[]): DiagramEdge[] {
  const byPair = new Map<string, { from: string; to: string; labels: Map<EdgeKind, Set<string>> }>();
  for (const edge of raw) {
    if (edge.from === undefined || edge.to === undefined || edge.from === edge.to) continue;
    const pair = `${edge.from}\u0000${edge.to}`;
    const merged = byPair.get(pair) ?? { from: edge.from, to: edge.to, labels: new Map<EdgeKind, Set<string>>() };
    const labels = merged.labels.get(edge.kind) ?? new Set<string>();
    if (edge.label) labels.add(edge.label);
    merged.labels.set(edge.kind, labels);
    byPair.set(pair, merged);
  }
  const connectedOtherwise = new Set<string>();
  for (const { from, to, labels } of byPair.values()) {
    if ([...labels.keys()].some((kind) => kind !== "iam")) {
      connectedOtherwise.add(`${from}\u0000${to}`);
      connectedOtherwise.add(`${to}\u0000${from}`);
    }
  }
  const edges: DiagramEdge[] = [];
  for (const [pair, { from, to, labels }] of byPair) {
    const kinds = EDGE_KINDS.filter((kind) => labels.has(kind) && !(kind === "iam" && connectedOtherwise.has(pair)));
    const kind = kinds[0];
    if (kind === undefined) continue;
    edges.push({ from, to, kind, labels: [...labels.get(kind)!].sort() });
  }
  return edges;
}

/** Segments that only repeat what the node's kind already says. */
const GENERIC_SEGMENTS = new Set([
  "api",
  "bucket",
  "bus",
  "cluster",
  "distribution",
  "function",
  "identity",
  "pipe",
  "queue",
  "repository",
  "rule",
  "schedule",
  "service",
  "table",
  "topic",
  "trail",
  "vpc-link",
  "web-acl",
]);

function describeNodes(
  resources: ReadonlyMap<string, StackResource>,
  addresses: readonly string[],
  nodeOf: (address: string) => string | undefined,
  edges: readonly DiagramEdge[],
): DiagramNode[] {
  const members = new Map<string, StackResource[]>();
  for (const address of addresses) {
    const resource = resources.get(address)!;
    if (!NODE_SPECS[resource.type]) continue;
    const key = nodeOf(address)!;
    members.set(key, [...(members.get(key) ?? []), resource]);
  }

  // Names: the construct path without a last segment that only repeats the kind, unless that makes two names equal.
  const fullName = (resource: StackResource) => resource.path.join("/");
  const shortName = (resource: StackResource) => {
    const path = [...resource.path];
    const last = path[path.length - 1];
    if (path.length > 1 && last !== undefined && (GENERIC_SEGMENTS.has(last) || last === path[path.length - 2])) path.pop();
    return path.join("/");
  };
  const shortCounts = new Map<string, number>();
  for (const list of members.values()) {
    if (!NODE_SPECS[list[0]!.type]!.aggregate) shortCounts.set(shortName(list[0]!), (shortCounts.get(shortName(list[0]!)) ?? 0) + 1);
  }

  // Groups: fixed by kind, or the group of what sends to the node (resolved over a few passes: a DLQ of a Lambda of a rule).
  const groups = new Map<string, GroupId>();
  for (const [key, list] of members) {
    const group = NODE_SPECS[list[0]!.type]!.group;
    if (group !== "by-caller") groups.set(key, group);
  }
  const senders = (key: string, kinds: readonly EdgeKind[]) => edges.filter((edge) => edge.to === key && kinds.includes(edge.kind)).map((edge) => edge.from);
  for (let pass = 0; pass < members.size; pass += 1) {
    let changed = false;
    for (const key of members.keys()) {
      if (groups.has(key)) continue;
      const callers = senders(key, ["flow", "network", "dead-letter"]);
      const known = callers.map((caller) => groups.get(caller)).filter((group): group is GroupId => group !== undefined);
      if (known.length > 0) {
        groups.set(key, known.sort((a, b) => GROUP_ORDER.indexOf(a) - GROUP_ORDER.indexOf(b))[0]!);
        changed = true;
      } else if (callers.length === 0 && senders(key, ["logs"]).length > 0) {
        // Only logs arrive: a log or audit bucket.
        groups.set(key, "observability");
        changed = true;
      }
    }
    if (!changed) break;
  }

  return [...members.entries()].map(([key, list]): DiagramNode => {
    const first = list[0]!;
    const spec = NODE_SPECS[first.type]!;
    const kind = typeof spec.kind === "function" ? spec.kind(first.body) : spec.kind;
    const short = shortName(first);
    const name = spec.aggregate ? "alarms" : (shortCounts.get(short) ?? 0) > 1 ? fullName(first) : short;
    return { key, type: first.type, kind: spec.aggregate ? `${list.length} ${kind}` : kind, name, group: groups.get(key) ?? "compute", shape: spec.shape ?? "box" };
  });
}
