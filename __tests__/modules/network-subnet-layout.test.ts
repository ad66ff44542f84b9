import { describe, expect, it } from "vitest";
import {
  SUBNET_TIERS,
  formatIpv4Cidr,
  parseIpv4Cidr,
  planSubnets,
  type Ipv4Cidr,
} from "../../modules/network/private/subnet-layout";

/** Independent of the module's parser: [first, last] address of a CIDR as numbers. */
function range(cidr: string): [number, number] {
  const [ip, bits] = cidr.split("/") as [string, string];
  const start = ip.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
  return [start, start + 2 ** (32 - Number(bits)) - 1];
}

function vpc(cidr: string): Ipv4Cidr {
  const parsed = parseIpv4Cidr(cidr);
  if ("error" in parsed) throw new Error(parsed.error);
  return parsed;
}

describe("planSubnets", () => {
  it("gives a /16 one /20 per tier and AZ, each tier in its own quarter of the VPC", () => {
    expect(planSubnets(vpc("10.30.0.0/16"), 3)).toEqual([
      { tier: "public", azIndex: 0, cidr: "10.30.0.0/20" },
      { tier: "public", azIndex: 1, cidr: "10.30.16.0/20" },
      { tier: "public", azIndex: 2, cidr: "10.30.32.0/20" },
      { tier: "private", azIndex: 0, cidr: "10.30.64.0/20" },
      { tier: "private", azIndex: 1, cidr: "10.30.80.0/20" },
      { tier: "private", azIndex: 2, cidr: "10.30.96.0/20" },
      { tier: "isolated", azIndex: 0, cidr: "10.30.128.0/20" },
      { tier: "isolated", azIndex: 1, cidr: "10.30.144.0/20" },
      { tier: "isolated", azIndex: 2, cidr: "10.30.160.0/20" },
    ]);
  });

  it("gives a /22 /26 subnets (the smallest VPC accepted)", () => {
    const plan = planSubnets(vpc("172.16.4.0/22"), 2);
    expect(plan.map((s) => s.cidr)).toEqual([
      "172.16.4.0/26",
      "172.16.4.64/26",
      "172.16.5.0/26",
      "172.16.5.64/26",
      "172.16.6.0/26",
      "172.16.6.64/26",
    ]);
  });

  for (const prefix of [16, 17, 18, 19, 20, 21, 22]) {
    for (const azCount of [2, 3]) {
      it(`keeps /${prefix} x ${azCount} AZs inside the VPC, non-overlapping, one subnet per tier and AZ`, () => {
        const vpcCidr = `10.0.0.0/${prefix}`;
        const [vpcStart, vpcEnd] = range(vpcCidr);
        const plan = planSubnets(vpc(vpcCidr), azCount);

        expect(plan).toHaveLength(SUBNET_TIERS.length * azCount);
        for (const tier of SUBNET_TIERS) {
          expect(plan.filter((s) => s.tier === tier).map((s) => s.azIndex)).toEqual([...Array(azCount).keys()]);
        }
        const ranges = plan.map((s) => range(s.cidr));
        for (const [start, end] of ranges) {
          expect(start).toBeGreaterThanOrEqual(vpcStart);
          expect(end).toBeLessThanOrEqual(vpcEnd);
          expect(end - start + 1).toBe(2 ** (32 - (prefix + 4)));
        }
        const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
        sorted.slice(1).forEach(([start], index) => expect(start).toBeGreaterThan(sorted[index]![1]));
        // Room to grow: at least a quarter of the VPC is left unallocated.
        const used = ranges.reduce((sum, [start, end]) => sum + end - start + 1, 0);
        expect(used).toBeLessThanOrEqual((vpcEnd - vpcStart + 1) * 0.75);
      });
    }
  }

  it("never moves an existing subnet when a third AZ is added", () => {
    const two = planSubnets(vpc("10.20.0.0/16"), 2);
    const three = planSubnets(vpc("10.20.0.0/16"), 3);
    expect(three).toEqual(expect.arrayContaining(two));
  });

  it("throws for AZ counts the plan has no slot for", () => {
    expect(() => planSubnets(vpc("10.0.0.0/16"), 4)).toThrow(/azCount must be 1 to 3/);
    expect(() => planSubnets(vpc("10.0.0.0/16"), 0)).toThrow(/azCount must be 1 to 3/);
  });

  it("throws when subnets would be smaller than AWS's /28", () => {
    expect(() => planSubnets(vpc("10.0.0.0/25"), 2)).toThrow(/\/29 subnets/);
  });
});

describe("parseIpv4Cidr", () => {
  it("parses a network address and formats it back", () => {
    const parsed = vpc("10.20.0.0/16");
    expect(parsed).toEqual({ address: 10 * 2 ** 24 + 20 * 2 ** 16, prefixLength: 16 });
    expect(formatIpv4Cidr(parsed)).toBe("10.20.0.0/16");
    expect(formatIpv4Cidr(vpc("255.255.255.240/28"))).toBe("255.255.255.240/28");
  });

  it.each([
    ["10.20.0.0", /a\.b\.c\.d\/n/],
    ["10.20.0/16", /a\.b\.c\.d\/n/],
    ["10.256.0.0/16", /octet above 255/],
    ["10.20.0.0/33", /prefix length above 32/],
    ["10.20.1.0/16", /host bits set; the network address is 10\.20\.0\.0\/16/],
  ])("rejects %s", (text, reason) => {
    const parsed = parseIpv4Cidr(text);
    expect(parsed).toHaveProperty("error", expect.stringMatching(reason));
  });
});
