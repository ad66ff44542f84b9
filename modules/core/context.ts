import { createHash } from "node:crypto";
import type { IConstruct } from "constructs";

const CONTEXT_KEY = "taskboard:platform";

export interface PlatformContextProps {
  /** Application name, the first word of every physical name (`taskboard`). */
  readonly app: string;
  /** Environment name (`dev`, `staging`, `prod`). */
  readonly environment: string;
  /** The AWS account the stack deploys to; used to build ARNs without a data source lookup. */
  readonly accountId: string;
  /** The stack's home region. */
  readonly region: string;
}

export interface NameOptions {
  /** The service's length limit for this name. @default 64 */
  readonly maxLength?: number;
  /** Separator between words; some services (ElastiCache, RDS) dislike none, a few want `_`. @default "-" */
  readonly separator?: string;
}

/**
 * Where a construct learns which app, environment, account and region it
 * belongs to, and the one place physical names are built.
 *
 * Set once on each stack; every module reads it with `PlatformContext.of(this)`,
 * so account ids and names are never threaded through props by hand.
 */
export class PlatformContext {
  static set(scope: IConstruct, props: PlatformContextProps): PlatformContext {
    const context = new PlatformContext(props);
    scope.node.setContext(CONTEXT_KEY, context);
    return context;
  }

  static of(scope: IConstruct): PlatformContext {
    const context: unknown = scope.node.tryGetContext(CONTEXT_KEY);
    if (!(context instanceof PlatformContext)) {
      throw new Error(
        `${scope.node.path || "<root>"}: no PlatformContext above this construct. ` +
          "Create it inside a stack that calls PlatformContext.set(stack, {...}) first.",
      );
    }
    return context;
  }

  readonly app: string;
  readonly environment: string;
  readonly accountId: string;
  readonly region: string;
  readonly partition = "aws";

  private constructor(props: PlatformContextProps) {
    this.app = props.app;
    this.environment = props.environment;
    this.accountId = props.accountId;
    this.region = props.region;
  }

  /**
   * A physical name `<app>-<environment>-<purpose>`, lower-case, trimmed to the
   * service's limit. A trimmed name keeps a short hash of the full name so two
   * long purposes never collide.
   */
  name(purpose: string, options: NameOptions = {}): string {
    const separator = options.separator ?? "-";
    const maxLength = options.maxLength ?? 64;
    const words = [this.app, this.environment, purpose].map((word) => sanitize(word, separator));
    const full = words.filter(Boolean).join(separator);
    if (full.length <= maxLength) return full;
    const hash = createHash("sha256").update(full).digest("hex").slice(0, 6);
    const head = full.slice(0, maxLength - hash.length - separator.length).replace(/[-_]+$/, "");
    return `${head}${separator}${hash}`;
  }

  /** A name prefix for `namePrefix` / `bucketPrefix` arguments: the provider appends a unique suffix. */
  namePrefix(purpose: string, options: NameOptions = {}): string {
    // Terraform's generated suffix is 26 characters; leave room for it.
    const maxLength = (options.maxLength ?? 64) - 26;
    return `${this.name(purpose, { ...options, maxLength: maxLength - 1 })}${options.separator ?? "-"}`;
  }

  /** An ARN in this stack's partition, account and region; pass `region: ""` for global services like IAM. */
  arn(service: string, resource: string, options: { region?: string; account?: string } = {}): string {
    const region = options.region ?? this.region;
    const account = options.account ?? this.accountId;
    return `arn:${this.partition}:${service}:${region}:${account}:${resource}`;
  }

  /** The account's root principal ARN, used in key and bucket policies to delegate to IAM. */
  get accountRootArn(): string {
    return `arn:${this.partition}:iam::${this.accountId}:root`;
  }
}

function sanitize(word: string, separator: string): string {
  return word
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, separator)
    .replace(new RegExp(`^${escape(separator)}+|${escape(separator)}+$`, "g"), "");
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
