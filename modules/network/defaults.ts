/** Opinionated defaults for `Network`, as data. */

/**
 * Seconds over which flow log records aggregate packets. 600 is the AWS
 * default; 60 shows traffic sooner in an investigation at the price of more records.
 */
export const DEFAULT_FLOW_LOG_AGGREGATION_INTERVAL_SECONDS = 600;
export const FLOW_LOG_AGGREGATION_INTERVALS_SECONDS = [60, 600] as const;

/** AZs a network spans: two for fail-over, three at most (the subnet plan keeps a fourth slot free). */
export const MIN_AVAILABILITY_ZONES = 2;
export const MAX_AVAILABILITY_ZONES = 3;

/** VPC prefix lengths accepted: /16 is AWS's largest VPC; /22 still yields /26 subnets (59 usable addresses). */
export const MIN_VPC_PREFIX_LENGTH = 16;
export const MAX_VPC_PREFIX_LENGTH = 22;

/**
 * Remote administration ports the default network ACL refuses from anywhere
 * (SSH and RDP). Nothing here is administered that way (ECS hosts use SSM),
 * and Security Hub control EC2.21 flags NACLs that admit them.
 */
export const DENIED_REMOTE_ADMIN_PORTS = [22, 3389] as const;

/** `per-az` keeps egress up when one AZ fails; `single` saves the hourly cost of the others (dev). */
export const NAT_GATEWAY_PLACEMENTS = ["per-az", "single"] as const;
