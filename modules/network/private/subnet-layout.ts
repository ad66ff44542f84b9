/**
 * The subnet address plan, as pure functions so it is unit-tested without synthesizing.
 *
 * The VPC is cut into four equal tier blocks (public, private, isolated, one
 * spare), and each tier block into four equal AZ slots (three used at most, one
 * spare). Every subnet is therefore 1/16 of the VPC: a /16 gives /20 subnets
 * (4,091 usable addresses), a /22 gives /26 subnets (59 usable). A subnet's
 * range depends only on its tier and AZ position, so adding a third AZ or a
 * fourth tier later never moves an existing subnet.
 */

export const SUBNET_TIERS = ["public", "private", "isolated"] as const;
export type SubnetTier = (typeof SUBNET_TIERS)[number];

/** Tier blocks the VPC is cut into: the three tiers plus one kept free. */
export const TIER_SLOTS = 4;
/** AZ slots in each tier block: up to three AZs plus one kept free. */
export const AZ_SLOTS = 4;

export interface Ipv4Cidr {
  /** The network address as an unsigned 32-bit number. */
  readonly address: number;
  readonly prefixLength: number;
}

export interface PlannedSubnet {
  readonly tier: SubnetTier;
  /** Position of the AZ in the configured list; the subnet's slot in its tier block. */
  readonly azIndex: number;
  readonly cidr: string;
}

/**
 * Parses `a.b.c.d/n`. Returns a reason instead of throwing so the construct can
 * wrap it in a message that names its path.
 */
export function parseIpv4Cidr(text: string): Ipv4Cidr | { readonly error: string } {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!match) return { error: "is not an IPv4 CIDR of the form a.b.c.d/n" };
  const octets = match.slice(1, 5).map(Number);
  const prefixLength = Number(match[5]);
  if (octets.some((octet) => octet > 255)) return { error: "has an octet above 255" };
  if (prefixLength > 32) return { error: "has a prefix length above 32" };
  const address = octets.reduce((acc, octet) => acc * 256 + octet, 0);
  if (address % blockSize(prefixLength) !== 0) {
    return { error: `has host bits set; the network address is ${formatIpv4Cidr({ address: address - (address % blockSize(prefixLength)), prefixLength })}` };
  }
  return { address, prefixLength };
}

export function formatIpv4Cidr(cidr: Ipv4Cidr): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(cidr.address / 2 ** shift) % 256);
  return `${octets.join(".")}/${cidr.prefixLength}`;
}

/** Number of addresses in a block of this prefix length. */
export function blockSize(prefixLength: number): number {
  return 2 ** (32 - prefixLength);
}

/**
 * The subnets for `azCount` AZs in the VPC range `vpc`, ordered by tier
 * (public, private, isolated) and then AZ position.
 */
export function planSubnets(vpc: Ipv4Cidr, azCount: number): PlannedSubnet[] {
  if (!Number.isInteger(azCount) || azCount < 1 || azCount > AZ_SLOTS - 1) {
    throw new Error(`planSubnets: azCount must be 1 to ${AZ_SLOTS - 1}, got ${azCount}`);
  }
  const subnetPrefix = vpc.prefixLength + Math.log2(TIER_SLOTS) + Math.log2(AZ_SLOTS);
  if (subnetPrefix > 28) {
    throw new Error(`planSubnets: a /${vpc.prefixLength} VPC would need /${subnetPrefix} subnets; AWS's smallest is /28`);
  }
  const size = blockSize(subnetPrefix);
  return SUBNET_TIERS.flatMap((tier, tierIndex) =>
    Array.from({ length: azCount }, (_, azIndex) => ({
      tier,
      azIndex,
      cidr: formatIpv4Cidr({ address: vpc.address + (tierIndex * AZ_SLOTS + azIndex) * size, prefixLength: subnetPrefix }),
    })),
  );
}
