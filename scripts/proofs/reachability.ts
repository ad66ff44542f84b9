/**
 * Network reachability, proven: from the synthesized security groups and
 * their rules, subnets, route tables and routes, the load balancer listener
 * and the VPC link, who can reach what; then the intended graph is asserted:
 *
 * - from the internet only the managed front doors (CloudFront, API Gateway):
 *   no security group admits a CIDR (least of all 0.0.0.0/0 or ::/0), nothing
 *   gets a public address, the load balancer is internal;
 * - the ALB only from the VPC link's security group, on its listener ports;
 * - the service only from the ALB, on its container port;
 * - Aurora only from the service's security group, on the database port (every
 *   task that runs with that group, such as the scheduled reminder, is listed);
 * - an interface endpoint (an AWS API such as KMS) only from our compute's
 *   security groups (ECS services and tasks, instances, Lambda), on 443;
 * - every other security group admits nothing;
 * - isolated subnets have no route out, private subnets default to a NAT
 *   gateway in a public subnet, public subnets to the internet gateway.
 *
 * Nodes are named after construct paths (`load-balancer/security-group`).
 */
import {
  allResources,
  asArray,
  asBlock,
  asNumber,
  asString,
  asStrings,
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

export type Peer =
  | { readonly kind: "security-group"; readonly address: Address }
  | { readonly kind: "cidr"; readonly cidr: string }
  | { readonly kind: "prefix-list"; readonly ref: string };

export interface SecurityGroupRule {
  readonly direction: "ingress" | "egress";
  readonly securityGroup: Address;
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly peer: Peer;
  readonly description: string;
  /** The rule's construct path (or the group's, for inline rules). */
  readonly path: string;
}

/** A resource that places network interfaces in a security group. */
export interface Attachment {
  readonly securityGroup: Address;
  readonly resource: Address;
  /** What it is, e.g. `ECS service`, `EventBridge Scheduler ECS task`. */
  readonly kind: string;
}

export interface Edge {
  readonly from: string;
  readonly to: string;
  /** `:80/tcp`, `:443/tcp`, `all traffic`, or a note for managed hops. */
  readonly via: string;
  /** Set when only one side of a security-group pair allows the traffic. */
  readonly halfOpen?: string;
}

export interface SubnetRoute {
  readonly subnet: string;
  readonly tier: string;
  readonly routeTable: string;
  /** `0.0.0.0/0 -> nat network/nat-a`, `gateway endpoint network/s3-endpoint`. */
  readonly routes: readonly string[];
}

export interface ReachabilityFinding {
  readonly rule: "internet-ingress" | "unexpected-ingress" | "missing-path" | "public-exposure" | "routing" | "uninspectable";
  readonly message: string;
}

export interface ReachabilityReport {
  readonly stack: string;
  readonly edges: readonly Edge[];
  /** Security group -> what runs in it. */
  readonly members: Readonly<Record<string, readonly string[]>>;
  readonly subnets: readonly SubnetRoute[];
  readonly findings: readonly ReachabilityFinding[];
}

const INTERNET = "internet";
const ANY_CIDR = new Set(["0.0.0.0/0", "::/0"]);

/** Friendly names of resources that attach security groups, and where the groups are. */
const ATTACHMENT_KINDS: Readonly<Record<string, string>> = {
  aws_lb: "load balancer",
  aws_ecs_service: "ECS service",
  aws_scheduler_schedule: "EventBridge Scheduler ECS task",
  aws_cloudwatch_event_target: "EventBridge ECS task",
  aws_rds_cluster: "Aurora cluster",
  aws_db_instance: "RDS instance",
  aws_apigatewayv2_vpc_link: "API Gateway VPC link",
  aws_launch_template: "EC2 instances",
  aws_instance: "EC2 instance",
  aws_lambda_function: "Lambda function (in VPC)",
  aws_vpc_endpoint: "interface endpoint",
};

const RULE_TYPES = new Set([
  "aws_vpc_security_group_ingress_rule",
  "aws_vpc_security_group_egress_rule",
  "aws_security_group_rule",
  "aws_security_group",
  "aws_default_security_group",
]);

/** Builds the graph of a stack and checks it against the intended one. */
export function checkReachability(stack: LoadedStack): ReachabilityReport {
  const findings: ReachabilityFinding[] = [];
  const groups = resourcesOf(stack, "aws_security_group");
  const name = (address: Address) => securityGroupName(stack, address);
  const rules = readRules(stack);
  const attachments = readAttachments(stack);
  const membersOf = (group: Address) => attachments.filter((attachment) => attachment.securityGroup === group);
  const groupsAttachedTo = (type: string) => [...new Set(attachments.filter((a) => a.resource.startsWith(`${type}.`)).map((a) => a.securityGroup))];

  // ---- the tiers of the intended graph ------------------------------------------------------
  const albGroups = groupsAttachedTo("aws_lb");
  const vpcLinkGroups = groupsAttachedTo("aws_apigatewayv2_vpc_link");
  const serviceGroups = groupsAttachedTo("aws_ecs_service");
  const databaseGroups = [...groupsAttachedTo("aws_rds_cluster"), ...groupsAttachedTo("aws_db_instance")];
  const endpointGroups = groupsAttachedTo("aws_vpc_endpoint");
  // Our own code, wherever it runs in the VPC: the clients an AWS API endpoint may admit.
  const computeGroups = [
    ...new Set(
      ["aws_ecs_service", "aws_scheduler_schedule", "aws_cloudwatch_event_target", "aws_launch_template", "aws_instance", "aws_lambda_function"].flatMap(
        groupsAttachedTo,
      ),
    ),
  ];
  const tiers: { readonly name: string; readonly groups: readonly Address[] }[] = [
    { name: "the VPC link", groups: vpcLinkGroups },
    { name: "the ALB", groups: albGroups },
    { name: "the service", groups: serviceGroups },
    { name: "Aurora", groups: databaseGroups },
    { name: "an interface endpoint", groups: endpointGroups },
  ];
  for (const [index, tier] of tiers.entries()) {
    for (const other of tiers.slice(index + 1)) {
      for (const shared of tier.groups.filter((group) => other.groups.includes(group))) {
        findings.push({
          rule: "unexpected-ingress",
          message: `${name(shared)} is shared by ${tier.name} and ${other.name}; give each tier its own security group, or one tier's peers reach the other`,
        });
      }
    }
  }

  const listenerPorts = resourcesOf(stack, "aws_lb_listener").map((listener) => asNumber(listener.block.port)).filter((port): port is number => port !== undefined);
  const containerPorts = resourcesOf(stack, "aws_ecs_service").flatMap((service) =>
    asArray(service.block.load_balancer).map((lb) => asNumber(asBlock(lb)?.container_port)).filter((port): port is number => port !== undefined),
  );
  const databasePorts = resourcesOf(stack, "aws_rds_cluster").map((cluster) => asNumber(cluster.block.port) ?? defaultDatabasePort(cluster.block));

  /** Who may be admitted into a group, and on which ports. */
  const intended = (group: Address): { peers: readonly Address[]; ports: readonly number[]; tier: string; peerTier: string } | undefined => {
    if (databaseGroups.includes(group)) return { peers: serviceGroups, ports: databasePorts, tier: "Aurora", peerTier: "the service" };
    if (serviceGroups.includes(group)) return { peers: albGroups, ports: containerPorts, tier: "the service", peerTier: "the ALB" };
    if (albGroups.includes(group)) return { peers: vpcLinkGroups, ports: listenerPorts, tier: "the ALB", peerTier: "the VPC link" };
    // An AWS API in the VPC; what a client may call through it is the endpoint policy's business (guardrails).
    if (endpointGroups.includes(group)) return { peers: computeGroups, ports: [443], tier: "an interface endpoint", peerTier: "our compute" };
    return undefined;
  };

  // ---- ingress: only the intended peers -----------------------------------------------------
  for (const rule of rules.filter((candidate) => candidate.direction === "ingress")) {
    const target = name(rule.securityGroup);
    const ports = portText(rule);
    if (rule.peer.kind === "cidr") {
      findings.push({
        rule: ANY_CIDR.has(rule.peer.cidr) ? "internet-ingress" : "unexpected-ingress",
        message: ANY_CIDR.has(rule.peer.cidr)
          ? `${rule.path}: ${target} admits ${rule.peer.cidr} ${ports}: the internet reaches only CloudFront and API Gateway; remove the rule and admit a security group with allowFrom`
          : `${rule.path}: ${target} admits the address range ${rule.peer.cidr} ${ports}; the intended graph admits security groups only (allowFrom a peer)`,
      });
      continue;
    }
    if (rule.peer.kind === "prefix-list") {
      findings.push({ rule: "unexpected-ingress", message: `${rule.path}: ${target} admits prefix list ${rule.peer.ref} ${ports}; the intended graph admits security groups only` });
      continue;
    }
    const peer = name(rule.peer.address);
    const expected = intended(rule.securityGroup);
    if (!expected) {
      findings.push({
        rule: "unexpected-ingress",
        message: `${rule.path}: ${target} admits ${peer} ${ports}, but ${target} (${describeMembers(stack, membersOf(rule.securityGroup))}) should admit nothing`,
      });
      continue;
    }
    if (!expected.peers.includes(rule.peer.address)) {
      findings.push({
        rule: "unexpected-ingress",
        message:
          `${rule.path}: ${target} (${expected.tier}) admits ${peer} ${ports}; ${expected.tier} may be reached only from ${expected.peerTier} ` +
          `(${expected.peers.map(name).join(", ") || "none found"}): remove this path`,
      });
      continue;
    }
    if (!coversOnly(rule, expected.ports)) {
      findings.push({
        rule: "unexpected-ingress",
        message: `${rule.path}: ${target} admits ${peer} ${ports}, but ${expected.tier} serves only port ${expected.ports.join(", ")}; narrow the rule to it`,
      });
    }
  }
  // Inline rules on the VPC's default security group count too: it must stay closed.
  for (const group of resourcesOf(stack, "aws_default_security_group")) {
    if (asArray(group.block.ingress).length > 0 || asArray(group.block.egress).length > 0) {
      findings.push({ rule: "unexpected-ingress", message: `${group.path}: the default security group has rules; keep it closed (ingress = [], egress = [])` });
    }
  }

  // ---- the intended paths exist, both ways ------------------------------------------------
  const pairs: { from: readonly Address[]; to: readonly Address[]; ports: readonly number[]; what: string }[] = [
    { from: vpcLinkGroups, to: albGroups, ports: listenerPorts, what: "the VPC link to the ALB listener" },
    { from: albGroups, to: serviceGroups, ports: containerPorts, what: "the ALB to the service's container port" },
    { from: serviceGroups, to: databaseGroups, ports: databasePorts, what: "the service to Aurora" },
  ];
  for (const pair of pairs) {
    if (pair.from.length === 0 || pair.to.length === 0) continue;
    for (const port of pair.ports) {
      const open = pair.to.some((to) => pair.from.some((from) => allows(rules, from, to, port, "ingress") && allows(rules, from, to, port, "egress")));
      if (!open) {
        findings.push({
          rule: "missing-path",
          message: `no open path for ${pair.what} on ${port}/tcp (${pair.from.map(name).join(", ")} -> ${pair.to.map(name).join(", ")}): allow it on both sides with allowFrom`,
        });
      }
    }
  }

  findings.push(...publicExposure(stack), ...routing(stack));

  // ---- the printed graph --------------------------------------------------------------------
  const edges: Edge[] = [...managedEdges(stack)];
  // Inbound hops in the order a request travels (VPC link, ALB, service, database), then the rest.
  const rank = (group: Address) => [vpcLinkGroups, albGroups, serviceGroups, databaseGroups].findIndex((tier) => tier.includes(group));
  const ingress = rules
    .filter((rule) => rule.direction === "ingress")
    .sort((a, b) => (rank(a.securityGroup) + 5) % 5 - ((rank(b.securityGroup) + 5) % 5));
  for (const rule of ingress) {
    const from = rule.peer.kind === "security-group" ? name(rule.peer.address) : rule.peer.kind === "cidr" ? rule.peer.cidr : `prefix list ${rule.peer.ref}`;
    const halfOpen =
      rule.peer.kind === "security-group" && !allows(rules, rule.peer.address, rule.securityGroup, rule.fromPort, "egress", rule.protocol)
        ? `${from}'s egress does not allow it`
        : undefined;
    edges.push({ from, to: name(rule.securityGroup), via: portText(rule), ...(halfOpen ? { halfOpen } : {}) });
  }
  for (const rule of rules.filter((candidate) => candidate.direction === "egress")) {
    const peer = rule.peer;
    if (peer.kind === "security-group") {
      const matched = ingress.some(
        (other) => other.securityGroup === peer.address && other.peer.kind === "security-group" && other.peer.address === rule.securityGroup,
      );
      if (!matched) edges.push({ from: name(rule.securityGroup), to: name(peer.address), via: portText(rule), halfOpen: `${name(peer.address)} does not admit it` });
      continue;
    }
    const to = peer.kind === "cidr" ? peer.cidr : `prefix list ${prefixListName(stack, peer.ref)}`;
    edges.push({ from: name(rule.securityGroup), to, via: `${portText(rule)} (egress)` });
  }
  const members: Record<string, string[]> = {};
  for (const group of groups) members[name(group.address)] = membersOf(group.address).map((member) => memberText(stack, member));
  return { stack: stack.name, edges, members, subnets: subnetRoutes(stack), findings };
}

function defaultDatabasePort(cluster: Block): number {
  return String(cluster.engine ?? "").includes("mysql") ? 3306 : 5432;
}

/** `load-balancer/security-group` for `prod/load-balancer/security-group/group`. */
function securityGroupName(stack: LoadedStack, address: Address): string {
  const path = displayName(stack, address);
  return path.endsWith("/group") ? path.slice(0, -"/group".length) : path;
}

function prefixListName(stack: LoadedStack, ref: string): string {
  const endpoint = referencesOfType(ref, "aws_vpc_endpoint")[0];
  return endpoint ? displayName(stack, endpoint) : ref;
}

function describeMembers(stack: LoadedStack, members: readonly Attachment[]): string {
  return members.length === 0 ? "attached to nothing" : members.map((member) => memberText(stack, member)).join(", ");
}

function memberText(stack: LoadedStack, member: Attachment): string {
  return `${member.kind} ${member.resource.startsWith("output.") ? member.resource.slice("output.".length) : displayName(stack, member.resource)}`;
}

function portText(rule: Pick<SecurityGroupRule, "protocol" | "fromPort" | "toPort">): string {
  if (rule.protocol === "-1" || rule.protocol === "all") return "all traffic";
  const ports = rule.fromPort === rule.toPort ? `${rule.fromPort}` : `${rule.fromPort}-${rule.toPort}`;
  return `:${ports}/${rule.protocol}`;
}

function coversOnly(rule: SecurityGroupRule, ports: readonly number[]): boolean {
  if (rule.protocol !== "tcp" && rule.protocol !== "6") return false;
  for (let port = rule.fromPort; port <= rule.toPort; port += 1) if (!ports.includes(port)) return false;
  return true;
}

function ruleAllowsPort(rule: SecurityGroupRule, port: number, protocol = "tcp"): boolean {
  if (rule.protocol === "-1" || rule.protocol === "all") return true;
  return rule.protocol === protocol && rule.fromPort <= port && port <= rule.toPort;
}

/** Whether `from` may send to `to` on a port: the ingress on `to`, or the egress on `from`. */
function allows(rules: readonly SecurityGroupRule[], from: Address, to: Address, port: number, side: "ingress" | "egress", protocol = "tcp"): boolean {
  return rules.some((rule) => {
    if (rule.direction !== side || !ruleAllowsPort(rule, port, protocol)) return false;
    if (side === "ingress") return rule.securityGroup === to && rule.peer.kind === "security-group" && rule.peer.address === from;
    if (rule.securityGroup !== from) return false;
    // A CIDR egress covering everything reaches in-VPC peers too.
    return (rule.peer.kind === "security-group" && rule.peer.address === to) || (rule.peer.kind === "cidr" && ANY_CIDR.has(rule.peer.cidr));
  });
}

/** Security group rules from every place Terraform accepts them. */
export function readRules(stack: LoadedStack): SecurityGroupRule[] {
  const rules: SecurityGroupRule[] = [];
  const portsOf = (block: Block) => {
    const protocol = String(block.ip_protocol ?? block.protocol ?? "-1").toLowerCase();
    const all = protocol === "-1" || protocol === "all";
    return { protocol: all ? "-1" : protocol, fromPort: all ? 0 : asNumber(block.from_port) ?? 0, toPort: all ? 65535 : asNumber(block.to_port) ?? 65535 };
  };
  for (const direction of ["ingress", "egress"] as const) {
    for (const rule of resourcesOf(stack, `aws_vpc_security_group_${direction}_rule`)) {
      const group = referenceOf(rule.block.security_group_id);
      if (!group) continue;
      const peer: Peer | undefined = rule.block.referenced_security_group_id
        ? { kind: "security-group", address: referenceOf(rule.block.referenced_security_group_id) ?? String(rule.block.referenced_security_group_id) }
        : rule.block.cidr_ipv4 || rule.block.cidr_ipv6
          ? { kind: "cidr", cidr: String(rule.block.cidr_ipv4 ?? rule.block.cidr_ipv6) }
          : rule.block.prefix_list_id
            ? { kind: "prefix-list", ref: String(rule.block.prefix_list_id) }
            : undefined;
      if (!peer) continue;
      rules.push({ direction, securityGroup: group, ...portsOf(rule.block), peer, description: asString(rule.block.description) ?? "", path: rule.path });
    }
  }
  for (const rule of resourcesOf(stack, "aws_security_group_rule")) {
    const group = referenceOf(rule.block.security_group_id);
    const direction = rule.block.type === "egress" ? "egress" : "ingress";
    if (!group) continue;
    rules.push(...peersOfLegacy(rule.block, rule.block.self === true ? group : undefined).map((peer) => ({
      direction,
      securityGroup: group,
      ...portsOf(rule.block),
      peer,
      description: asString(rule.block.description) ?? "",
      path: rule.path,
    } as const)));
  }
  for (const group of resourcesOf(stack, "aws_security_group")) {
    for (const direction of ["ingress", "egress"] as const) {
      for (const inline of asArray(group.block[direction])) {
        const block = asBlock(inline) ?? {};
        for (const peer of peersOfLegacy(block, block.self === true ? group.address : undefined)) {
          rules.push({ direction, securityGroup: group.address, ...portsOf(block), peer, description: asString(block.description) ?? "", path: `${group.path} (inline ${direction})` });
        }
      }
    }
  }
  return rules;
}

function peersOfLegacy(block: Block, self: Address | undefined): Peer[] {
  const peers: Peer[] = [];
  for (const cidr of [...asStrings(block.cidr_blocks), ...asStrings(block.ipv6_cidr_blocks)]) peers.push({ kind: "cidr", cidr });
  for (const ref of asStrings(block.prefix_list_ids)) peers.push({ kind: "prefix-list", ref });
  for (const value of [...asStrings(block.security_groups), ...asStrings(block.source_security_group_id)]) {
    peers.push({ kind: "security-group", address: referenceOf(value) ?? value });
  }
  if (self) peers.push({ kind: "security-group", address: self });
  return peers;
}

/** Every resource that refers to a security group, other than the rules themselves. */
export function readAttachments(stack: LoadedStack): Attachment[] {
  const attachments: Attachment[] = [];
  for (const resource of allResources(stack)) {
    if (RULE_TYPES.has(resource.type)) continue;
    for (const group of referencesOfType(withoutMetadata(resource.block), "aws_security_group")) {
      attachments.push({ securityGroup: group, resource: resource.address, kind: ATTACHMENT_KINDS[resource.type] ?? resource.type });
    }
  }
  // A group handed out as an output is for tasks started outside the stack (the tasks-api's one-off `migrate`).
  for (const [output, block] of Object.entries(stack.json.output ?? {})) {
    for (const group of referencesOfType(block.value, "aws_security_group")) {
      attachments.push({ securityGroup: group, resource: `output.${output}`, kind: "one-off tasks started with stack output" });
    }
  }
  return attachments;
}

function withoutMetadata(block: Block): Block {
  const { ["//"]: _metadata, depends_on: _dependsOn, ...rest } = block;
  return rest;
}

/** The managed hops that involve no security group: the internet to the front doors, and on to their targets. */
function managedEdges(stack: LoadedStack): Edge[] {
  const edges: Edge[] = [];
  for (const distribution of resourcesOf(stack, "aws_cloudfront_distribution")) {
    edges.push({ from: INTERNET, to: `${distribution.path} (CloudFront)`, via: ":443/tcp" });
    for (const origin of asArray(distribution.block.origin)) {
      const block = asBlock(origin) ?? {};
      const target = referencesIn(block.domain_name)[0];
      if (target) edges.push({ from: `${distribution.path} (CloudFront)`, to: frontDoorName(stack, target), via: `origin ${asString(block.origin_id) ?? ""}`.trim() });
    }
  }
  for (const api of [...resourcesOf(stack, "aws_apigatewayv2_api"), ...resourcesOf(stack, "aws_api_gateway_rest_api")]) {
    edges.push({ from: INTERNET, to: frontDoorName(stack, api.address), via: api.block.disable_execute_api_endpoint === true ? "custom domain only" : ":443/tcp" });
  }
  for (const integration of resourcesOf(stack, "aws_apigatewayv2_integration")) {
    const api = referenceOf(integration.block.api_id);
    const from = api ? frontDoorName(stack, api) : "API Gateway";
    const uri = referencesIn(integration.block.integration_uri)[0];
    if (integration.block.connection_type === "VPC_LINK") {
      const link = referenceOf(integration.block.connection_id);
      const linkGroups = link ? referencesOfType(resourceAt(stack, link)?.block.security_group_ids, "aws_security_group") : [];
      edges.push({
        from,
        to: linkGroups.map((group) => securityGroupName(stack, group)).join(", ") || (link ? displayName(stack, link) : "VPC link"),
        via: `(VPC link ${link ? displayName(stack, link) : "?"}, integration to ${uri ? displayName(stack, uri) : "?"})`,
      });
    } else if (uri) {
      edges.push({ from, to: `${displayName(stack, uri)} (Lambda)`, via: "AWS_PROXY integration" });
    }
  }
  return edges;
}

function frontDoorName(stack: LoadedStack, address: Address): string {
  const type = address.split(".")[0] ?? "";
  const kind = type.startsWith("aws_apigateway") ? "API Gateway" : type === "aws_s3_bucket" ? "S3" : type === "aws_lb" ? "load balancer" : type;
  return `${displayName(stack, address)} (${kind})`;
}

/** Anything that would make a resource reachable from the internet without a front door. */
function publicExposure(stack: LoadedStack): ReachabilityFinding[] {
  const findings: ReachabilityFinding[] = [];
  const expose = (resource: Resource, what: string, fix: string) =>
    findings.push({ rule: "public-exposure", message: `${resource.path}: ${what}; from the internet only CloudFront and API Gateway may be reached (${fix})` });
  for (const lb of resourcesOf(stack, "aws_lb")) if (lb.block.internal !== true) expose(lb, "the load balancer is internet-facing", "set internal = true");
  for (const service of resourcesOf(stack, "aws_ecs_service")) {
    if (asBlock(service.block.network_configuration)?.assign_public_ip === true) expose(service, "the service's tasks get public IPs", "assign_public_ip = false");
  }
  for (const schedule of resourcesOf(stack, "aws_scheduler_schedule")) {
    const network = asBlock(asBlock(asBlock(schedule.block.target)?.ecs_parameters)?.network_configuration);
    if (network?.assign_public_ip === true) expose(schedule, "the scheduled task gets a public IP", "assign_public_ip = false");
  }
  for (const template of resourcesOf(stack, "aws_launch_template")) {
    for (const nic of asArray(template.block.network_interfaces)) {
      const value = asBlock(nic)?.associate_public_ip_address;
      if (value === true || value === "true") expose(template, "instances get public IPs", "associate_public_ip_address = false");
    }
  }
  for (const instance of [...resourcesOf(stack, "aws_rds_cluster_instance"), ...resourcesOf(stack, "aws_db_instance")]) {
    if (instance.block.publicly_accessible === true) expose(instance, "the database instance is publicly accessible", "publicly_accessible = false");
  }
  for (const subnet of resourcesOf(stack, "aws_subnet")) {
    if (subnet.block.map_public_ip_on_launch === true) expose(subnet, "the subnet gives every interface a public IP", "map_public_ip_on_launch = false");
  }
  for (const url of resourcesOf(stack, "aws_lambda_function_url")) expose(url, "a Lambda function URL is a public endpoint", "route through API Gateway");
  return findings;
}

interface RouteTableInfo {
  readonly address: Address;
  readonly routes: { readonly destination: string; readonly target: string; readonly targetType: string }[];
  readonly endpoints: readonly string[];
}

function routeTables(stack: LoadedStack): Map<Address, RouteTableInfo> {
  const tables = new Map<Address, RouteTableInfo>();
  const tableFor = (address: Address) => {
    let table = tables.get(address);
    if (!table) {
      table = { address, routes: [], endpoints: [] };
      tables.set(address, table);
    }
    return table;
  };
  const targetOf = (block: Block) => {
    for (const key of ["gateway_id", "nat_gateway_id", "egress_only_gateway_id", "transit_gateway_id", "vpc_peering_connection_id", "network_interface_id", "vpc_endpoint_id", "carrier_gateway_id", "local_gateway_id", "core_network_arn", "instance_id"]) {
      const value = asString(block[key]);
      if (value) {
        const ref = referenceOf(value);
        return { target: ref ?? value, targetType: ref?.split(".")[0] ?? (value === "local" ? "local" : key) };
      }
    }
    return { target: "?", targetType: "unknown" };
  };
  for (const table of [...resourcesOf(stack, "aws_route_table"), ...resourcesOf(stack, "aws_default_route_table")]) {
    const info = tableFor(table.address);
    for (const route of asArray(table.block.route)) {
      const block = asBlock(route) ?? {};
      info.routes.push({ destination: String(block.cidr_block ?? block.ipv6_cidr_block ?? block.destination_prefix_list_id ?? "?"), ...targetOf(block) });
    }
  }
  for (const route of resourcesOf(stack, "aws_route")) {
    const table = referenceOf(route.block.route_table_id);
    if (!table) continue;
    tableFor(table).routes.push({
      destination: String(route.block.destination_cidr_block ?? route.block.destination_ipv6_cidr_block ?? route.block.destination_prefix_list_id ?? "?"),
      ...targetOf(route.block),
    });
  }
  for (const endpoint of resourcesOf(stack, "aws_vpc_endpoint")) {
    for (const table of referencesOfType(endpoint.block.route_table_ids, "aws_route_table")) {
      (tableFor(table).endpoints as string[]).push(endpoint.path);
    }
  }
  return tables;
}

function subnetTables(stack: LoadedStack): Map<Address, Address | undefined> {
  const associations = new Map<Address, Address | undefined>();
  for (const subnet of resourcesOf(stack, "aws_subnet")) associations.set(subnet.address, undefined);
  for (const association of resourcesOf(stack, "aws_route_table_association")) {
    const subnet = referenceOf(association.block.subnet_id);
    const table = referenceOf(association.block.route_table_id);
    if (subnet && table) associations.set(subnet, table);
  }
  return associations;
}

function mainRouteTable(stack: LoadedStack): Address | undefined {
  return resourcesOf(stack, "aws_default_route_table")[0]?.address;
}

function tierOf(subnet: Resource): string {
  return String(asBlock(subnet.block.tags)?.Tier ?? "").toLowerCase();
}

function subnetRoutes(stack: LoadedStack): SubnetRoute[] {
  const tables = routeTables(stack);
  const main = mainRouteTable(stack);
  return [...subnetTables(stack)].map(([subnetAddress, tableAddress]) => {
    const subnet = resourceAt(stack, subnetAddress)!;
    const table = tableAddress ?? main;
    const info = table ? tables.get(table) : undefined;
    return {
      subnet: subnet.path,
      tier: tierOf(subnet) || "untagged",
      routeTable: table ? displayName(stack, table) : "the VPC's unmanaged main route table",
      routes: [
        ...(info?.routes ?? []).map((route) => `${route.destination} -> ${route.target.includes(".") ? displayName(stack, route.target) : route.target}`),
        ...(info?.endpoints ?? []).map((endpoint) => `gateway endpoint ${endpoint}`),
      ],
    };
  });
}

function routing(stack: LoadedStack): ReachabilityFinding[] {
  const findings: ReachabilityFinding[] = [];
  const tables = routeTables(stack);
  const main = mainRouteTable(stack);
  const associations = subnetTables(stack);
  const subnetTier = new Map<Address, string>();
  const publicSubnets = new Set<Address>();
  for (const [subnetAddress, tableAddress] of associations) {
    const subnet = resourceAt(stack, subnetAddress)!;
    const tier = tierOf(subnet);
    subnetTier.set(subnetAddress, tier);
    if (tier === "public") publicSubnets.add(subnetAddress);
    const table = tableAddress ?? main;
    if (!table) {
      findings.push({ rule: "routing", message: `${subnet.path}: no route table association and no managed main route table; its routes cannot be proven (associate a route table)` });
      continue;
    }
    const routes = tables.get(table)?.routes ?? [];
    const tableName = displayName(stack, table);
    const defaults = routes.filter((route) => ANY_CIDR.has(route.destination));
    if (tier === "isolated") {
      for (const route of routes) {
        findings.push({
          rule: "routing",
          message: `${subnet.path} is isolated but its route table ${tableName} routes ${route.destination} to ${route.target.includes(".") ? displayName(stack, route.target) : route.target}; isolated subnets have no route out: remove the route`,
        });
      }
    } else if (tier === "private") {
      const natDefault = defaults.filter((route) => route.targetType === "aws_nat_gateway");
      if (natDefault.length !== 1 || defaults.length !== 1) {
        findings.push({
          rule: "routing",
          message: `${subnet.path} is private but its route table ${tableName} has default routes [${defaults.map((route) => `${route.destination} -> ${route.targetType}`).join(", ") || "none"}]; it needs exactly one, to a NAT gateway`,
        });
      }
    } else if (tier === "public") {
      const igwDefault = defaults.filter((route) => route.targetType === "aws_internet_gateway");
      if (igwDefault.length !== 1 || defaults.length !== 1) {
        findings.push({
          rule: "routing",
          message: `${subnet.path} is public but its route table ${tableName} has default routes [${defaults.map((route) => `${route.destination} -> ${route.targetType}`).join(", ") || "none"}]; it needs exactly one, to the internet gateway`,
        });
      }
    } else {
      findings.push({ rule: "routing", message: `${subnet.path} has no Tier tag (public, private or isolated); the proof cannot tell which routes it may have` });
    }
  }
  for (const nat of resourcesOf(stack, "aws_nat_gateway")) {
    const subnet = referenceOf(nat.block.subnet_id);
    if (nat.block.connectivity_type !== "private" && (!subnet || !publicSubnets.has(subnet))) {
      findings.push({ rule: "routing", message: `${nat.path}: a public NAT gateway must sit in a public subnet, not ${subnet ? displayName(stack, subnet) : "an unknown subnet"}` });
    }
  }
  const expectTier = (type: string, attribute: (block: Block) => unknown, tier: string, what: string) => {
    for (const resource of resourcesOf(stack, type)) {
      for (const subnet of referencesOfType(attribute(resource.block), "aws_subnet")) {
        if (subnetTier.get(subnet) !== tier) {
          findings.push({ rule: "routing", message: `${resource.path}: ${what} must use ${tier} subnets, not ${displayName(stack, subnet)} (${subnetTier.get(subnet) || "untagged"})` });
        }
      }
    }
  };
  expectTier("aws_db_subnet_group", (block) => block.subnet_ids, "isolated", "the database");
  expectTier("aws_lb", (block) => block.subnets, "private", "the internal ALB");
  expectTier("aws_ecs_service", (block) => asBlock(block.network_configuration)?.subnets, "private", "the service's tasks");
  expectTier("aws_apigatewayv2_vpc_link", (block) => block.subnet_ids, "private", "the VPC link");
  return findings;
}

/** The report as text: the edge list, what runs in each security group, and the routes per tier. */
export function formatReachability(report: ReachabilityReport): string[] {
  const lines = [`network reachability (${report.stack})`];
  const width = Math.max(...report.edges.map((edge) => edge.from.length), 8);
  for (const edge of report.edges) {
    lines.push(`  ${edge.from.padEnd(width)} -> ${edge.to} ${edge.via}${edge.halfOpen ? `  [half-open: ${edge.halfOpen}]` : ""}`);
  }
  lines.push("  security groups:");
  for (const [group, members] of Object.entries(report.members)) lines.push(`    ${group}: ${members.join("; ") || "nothing attached"}`);
  lines.push("  routes:");
  const byTier = new Map<string, SubnetRoute[]>();
  for (const subnet of report.subnets) byTier.set(subnet.tier, [...(byTier.get(subnet.tier) ?? []), subnet]);
  for (const [tier, subnets] of byTier) {
    const summaries = [...new Set(subnets.map((subnet) => subnet.routes.map((route) => route.replace(/-[a-z]{2}-[a-z]+-\d[a-z]\b/g, "-<az>")).join("; ") || "local only"))];
    lines.push(`    ${tier} (${subnets.length} subnets): ${summaries.join(" | ")}`);
  }
  lines.push(report.findings.length === 0 ? "  result: the graph is the intended one" : `  result: ${report.findings.length} problem(s)`);
  for (const finding of report.findings) lines.push(`  FAIL [${finding.rule}] ${finding.message}`);
  return lines;
}
