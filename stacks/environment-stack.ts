import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import type { EnvironmentConfig } from "../config";
import { Network } from "../modules/network";
import { TaskboardTables } from "../modules/tables";
import { AuroraPostgres } from "../modules/aurora";
import { InternalLoadBalancer } from "../modules/alb";
import { PlatformStack, useS3State } from "./platform-stack";

/**
 * One environment of the task board: the whole AWS estate, composed from
 * `modules/` and sized by the environment's configuration.
 *
 * Construct ids here are part of each stateful resource's address: renaming
 * `network`, `tables` or `database` would replace them (a test pins them).
 */
export class EnvironmentStack extends PlatformStack {
  readonly network: Network;
  readonly tables: TaskboardTables;
  readonly database: AuroraPostgres;
  readonly loadBalancer: InternalLoadBalancer;

  constructor(scope: Construct, id: string, config: EnvironmentConfig) {
    super(scope, id, config);
    useS3State(this, config);

    this.network = new Network(this, "network", {
      cidr: config.network.cidr,
      availabilityZones: config.availabilityZones,
      natGateways: config.network.natGateways,
      flowLogRetentionDays: config.logRetentionDays,
    });

    this.tables = new TaskboardTables(this, "tables", { deletionProtection: config.deletionProtection });

    this.database = new AuroraPostgres(this, "database", {
      vpcId: this.network.vpcId,
      subnetIds: this.network.isolatedSubnetIds,
      engineVersion: config.database.engineVersion,
      minCapacityAcu: config.database.minCapacityAcu,
      maxCapacityAcu: config.database.maxCapacityAcu,
      instances: config.database.instances,
      backupRetentionDays: config.database.backupRetentionDays,
      deletionProtection: config.deletionProtection,
      finalSnapshot: config.deletionProtection,
      logRetentionDays: config.logRetentionDays,
    });

    this.loadBalancer = new InternalLoadBalancer(this, "load-balancer", {
      vpcId: this.network.vpcId,
      subnetIds: this.network.privateSubnetIds,
      deletionProtection: config.deletionProtection,
      accessLogs: { expireAfterDays: config.logRetentionDays, forceDestroy: !config.deletionProtection },
    });

    new TerraformOutput(this, "vpc_id", { value: this.network.vpcId });
    new TerraformOutput(this, "database_endpoint", { value: this.database.endpoint });
    new TerraformOutput(this, "load_balancer_dns_name", { value: this.loadBalancer.loadBalancerDnsName });
  }
}
