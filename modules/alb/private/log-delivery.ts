import type { PolicyPrincipal } from "../../core/policy";
import { ELB_LOG_DELIVERY_ACCOUNTS, ELB_LOG_DELIVERY_SERVICE_PRINCIPAL } from "../defaults";

/**
 * Who writes ALB access logs in `region`: the Region's Elastic Load Balancing
 * account for Regions launched before August 2022 (they do not accept the
 * service principal), the log delivery service principal everywhere else.
 */
export function logDeliveryPrincipal(region: string, partition: string): PolicyPrincipal {
  const account = ELB_LOG_DELIVERY_ACCOUNTS[region];
  return account
    ? { type: "AWS", identifiers: [`arn:${partition}:iam::${account}:root`] }
    : { type: "Service", identifiers: [ELB_LOG_DELIVERY_SERVICE_PRINCIPAL] };
}
