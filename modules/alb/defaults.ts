/**
 * Opinionated defaults for `InternalLoadBalancer`, kept as data so a reviewer
 * reads the choices in one place.
 */

/** The container port the task API listens on. */
export const DEFAULT_TARGET_PORT = 8080;

export const DEFAULT_HEALTH_CHECK_PATH = "/health";

/** ALB default; API Gateway's integration timeout (30 s) is well inside it. */
export const DEFAULT_IDLE_TIMEOUT_SECONDS = 60;

/** The range `aws_lb.idle_timeout` accepts for an Application Load Balancer. */
export const IDLE_TIMEOUT_RANGE_SECONDS = { min: 1, max: 4000 } as const;

/** Days access log objects are kept before the bucket lifecycle expires them. */
export const DEFAULT_ACCESS_LOG_EXPIRE_DAYS = 90;

/** Key prefix for access logs; ELB appends `/AWSLogs/<account id>/...`. */
export const DEFAULT_ACCESS_LOG_PREFIX = "alb";

export const LISTENER_PORTS = { http: 80, https: 443 } as const;

/**
 * TLS 1.3 and TLS 1.2 with forward-secret AEAD ciphers only; the policy AWS
 * recommends for new HTTPS listeners.
 */
export const TLS_SECURITY_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/**
 * Target health check. Two passes in 15 s intervals put a new task in service
 * within ~30 s; three failures (45 s) take a sick one out without flapping on
 * one slow response.
 */
export const HEALTH_CHECK = {
  matcher: "200",
  intervalSeconds: 15,
  timeoutSeconds: 5,
  healthyThreshold: 2,
  unhealthyThreshold: 3,
} as const;

/**
 * Seconds a deregistering target keeps serving in-flight requests. The API's
 * requests are short; AWS's 300 s default only slows every deploy.
 */
export const DEREGISTRATION_DELAY_SECONDS = 30;

/**
 * The Elastic Load Balancing account that writes access logs, for Regions
 * launched before August 2022. Regions launched later (and any Region not
 * listed) use the service principal `logdelivery.elasticloadbalancing.amazonaws.com`.
 *
 * Source: "Enable access logs for your Application Load Balancer", step 2
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html),
 * cross-checked against the map in terraform-provider-aws
 * (`internal/service/elb/service_account_data_source.go`) and aws-cdk's region-info facts.
 * Only the `aws` partition: the platform builds ARNs in that partition
 * (GovCloud and China accounts live in other partitions).
 */
export const ELB_LOG_DELIVERY_ACCOUNTS: Readonly<Record<string, string>> = {
  "us-east-1": "127311923021", // US East (N. Virginia)
  "us-east-2": "033677994240", // US East (Ohio)
  "us-west-1": "027434742980", // US West (N. California)
  "us-west-2": "797873946194", // US West (Oregon)
  "af-south-1": "098369216593", // Africa (Cape Town)
  "ap-east-1": "754344448648", // Asia Pacific (Hong Kong)
  "ap-southeast-3": "589379963580", // Asia Pacific (Jakarta)
  "ap-south-1": "718504428378", // Asia Pacific (Mumbai)
  "ap-northeast-3": "383597477331", // Asia Pacific (Osaka)
  "ap-northeast-2": "600734575887", // Asia Pacific (Seoul)
  "ap-southeast-1": "114774131450", // Asia Pacific (Singapore)
  "ap-southeast-2": "783225319266", // Asia Pacific (Sydney)
  "ap-northeast-1": "582318560864", // Asia Pacific (Tokyo)
  "ca-central-1": "985666609251", // Canada (Central)
  "eu-central-1": "054676820928", // Europe (Frankfurt)
  "eu-west-1": "156460612806", // Europe (Ireland)
  "eu-west-2": "652711504416", // Europe (London)
  "eu-south-1": "635631232127", // Europe (Milan)
  "eu-west-3": "009996457667", // Europe (Paris)
  "eu-north-1": "897822967062", // Europe (Stockholm)
  "me-south-1": "076674570225", // Middle East (Bahrain)
  "sa-east-1": "507241528517", // South America (São Paulo)
};

/** The log delivery principal for Regions launched in August 2022 or later. */
export const ELB_LOG_DELIVERY_SERVICE_PRINCIPAL = "logdelivery.elasticloadbalancing.amazonaws.com";
