/** The ECR lifecycle policy document, typed after the API's JSON shape. */
export interface LifecyclePolicyDocument {
  readonly rules: readonly LifecycleRule[];
}

export interface LifecycleRule {
  readonly rulePriority: number;
  readonly description: string;
  readonly selection:
    | {
        readonly tagStatus: "untagged";
        readonly countType: "sinceImagePushed";
        readonly countUnit: "days";
        readonly countNumber: number;
      }
    | {
        readonly tagStatus: "tagged";
        readonly tagPatternList: readonly string[];
        readonly countType: "imageCountMoreThan";
        readonly countNumber: number;
      };
  readonly action: { readonly type: "expire" };
}

/** Expire untagged images after `untaggedExpiryDays`; keep the newest `keepTaggedImages` tagged ones. */
export function lifecyclePolicy(options: { untaggedExpiryDays: number; keepTaggedImages: number }): LifecyclePolicyDocument {
  return {
    rules: [
      {
        rulePriority: 1,
        description: `Expire untagged images ${options.untaggedExpiryDays} days after push`,
        selection: {
          tagStatus: "untagged",
          countType: "sinceImagePushed",
          countUnit: "days",
          countNumber: options.untaggedExpiryDays,
        },
        action: { type: "expire" },
      },
      {
        rulePriority: 2,
        description: `Keep the newest ${options.keepTaggedImages} tagged images`,
        selection: {
          tagStatus: "tagged",
          tagPatternList: ["*"],
          countType: "imageCountMoreThan",
          countNumber: options.keepTaggedImages,
        },
        action: { type: "expire" },
      },
    ],
  };
}
