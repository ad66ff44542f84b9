import { Token } from "cdktf";
import { MONITORING_INTERVALS_SECONDS, SERVERLESS_V2_MIN_MAJOR, SERVERLESS_V2_MIN_MINOR } from "../defaults";

/** What the constructor checks, already defaulted. */
export interface CheckedProps {
  readonly engineVersion: string;
  readonly minCapacityAcu: number;
  readonly maxCapacityAcu: number;
  readonly instances: number;
  readonly backupRetentionDays: number;
  readonly subnetIds: readonly string[];
  readonly port: number;
  readonly databaseName: string;
  readonly masterUsername: string;
  readonly preferredBackupWindow: string;
  readonly preferredMaintenanceWindow: string;
  readonly monitoringIntervalSeconds: number;
}

/** PostgreSQL identifiers RDS accepts for the database and master user names. */
const IDENTIFIER = /^[a-z][a-z0-9_]{0,62}$/;
const BACKUP_WINDOW = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/;
const MAINTENANCE_WINDOW = /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/;

/** Throws a message naming the construct path, the value and the fix for the first invalid prop. */
export function validateProps(path: string, props: CheckedProps): { readonly majorVersion: number } {
  const fail = (message: string): never => {
    throw new Error(`${path}: ${message}`);
  };

  const version = /^(\d+)\.(\d+)$/.exec(props.engineVersion);
  if (!version) {
    return fail(`engineVersion "${props.engineVersion}" is not an Aurora PostgreSQL version; use major.minor such as "16.6"`);
  }
  const majorVersion = Number(version[1]);
  const minorVersion = Number(version[2]);
  const minMinor = SERVERLESS_V2_MIN_MINOR[majorVersion];
  if (majorVersion < SERVERLESS_V2_MIN_MAJOR || (minMinor !== undefined && minorVersion < minMinor)) {
    fail(
      `engineVersion ${props.engineVersion} cannot run Serverless v2 (db.serverless); ` +
        `use 13.6+, 14.3+, 15.2+ or 16.1+ (e.g. "16.6")`,
    );
  }

  checkAcu(fail, "minCapacityAcu", props.minCapacityAcu);
  checkAcu(fail, "maxCapacityAcu", props.maxCapacityAcu);
  if (props.minCapacityAcu > props.maxCapacityAcu) {
    fail(
      `minCapacityAcu ${props.minCapacityAcu} is above maxCapacityAcu ${props.maxCapacityAcu}; ` +
        "raise maxCapacityAcu or lower minCapacityAcu",
    );
  }

  if (!Number.isInteger(props.instances) || props.instances < 1 || props.instances > 15) {
    fail(
      `instances ${props.instances} is not a valid instance count; use a whole number from 1 (writer only) ` +
        "to 15 (writer plus 14 readers); 2 or more keeps a reader in another AZ for fail-over",
    );
  }

  if (!Number.isInteger(props.backupRetentionDays) || props.backupRetentionDays < 1 || props.backupRetentionDays > 35) {
    fail(`backupRetentionDays ${props.backupRetentionDays} is outside Aurora's range; use a whole number of days from 1 to 35`);
  }

  // A list produced by another resource is one token whose length is unknown until apply.
  if (!Token.isUnresolved(props.subnetIds)) {
    if (props.subnetIds.length < 2) {
      fail(
        `subnetIds has ${props.subnetIds.length} subnet(s); a DB subnet group needs subnets in at least 2 ` +
          "availability zones: pass the isolated subnet of every AZ",
      );
    }
    const literal = props.subnetIds.filter((id) => !Token.isUnresolved(id));
    const duplicate = literal.find((id, index) => literal.indexOf(id) !== index);
    if (duplicate !== undefined) {
      fail(`subnetIds lists ${duplicate} twice; list each isolated subnet once`);
    }
  }

  if (!Number.isInteger(props.port) || props.port < 1150 || props.port > 65535) {
    fail(`port ${props.port} is outside the range Aurora accepts; use a whole number from 1150 to 65535 (default 5432)`);
  }

  if (!IDENTIFIER.test(props.databaseName)) {
    fail(
      `databaseName "${props.databaseName}" is not a valid PostgreSQL database name; use 1 to 63 lower-case letters, ` +
        "digits or underscores, starting with a letter (e.g. \"taskboard\")",
    );
  }
  if (!IDENTIFIER.test(props.masterUsername) || props.masterUsername.startsWith("rds")) {
    fail(
      `masterUsername "${props.masterUsername}" is not a valid master user name; use 1 to 63 lower-case letters, ` +
        "digits or underscores, starting with a letter and not with \"rds\" (reserved), e.g. \"dbadmin\"",
    );
  }

  if (!BACKUP_WINDOW.test(props.preferredBackupWindow)) {
    fail(`preferredBackupWindow "${props.preferredBackupWindow}" is not a UTC window; use hh24:mi-hh24:mi such as "17:00-17:30"`);
  }
  if (!MAINTENANCE_WINDOW.test(props.preferredMaintenanceWindow)) {
    fail(
      `preferredMaintenanceWindow "${props.preferredMaintenanceWindow}" is not a UTC window; ` +
        "use ddd:hh24:mi-ddd:hh24:mi such as \"sun:18:00-sun:19:00\"",
    );
  }

  if (!(MONITORING_INTERVALS_SECONDS as readonly number[]).includes(props.monitoringIntervalSeconds)) {
    fail(
      `monitoringIntervalSeconds ${props.monitoringIntervalSeconds} is not an Enhanced Monitoring interval; ` +
        `use one of ${MONITORING_INTERVALS_SECONDS.join(", ")} (0 turns it off)`,
    );
  }

  return { majorVersion };
}

function checkAcu(fail: (message: string) => never, name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0.5 || value > 256 || !Number.isInteger(value * 2)) {
    fail(`${name} ${value} is not a Serverless v2 capacity; use a multiple of 0.5 from 0.5 to 256 ACU`);
  }
}

/** The database user in an `rds-db:connect` ARN: a PostgreSQL role name, never a wildcard. */
export function validateDbUser(path: string, dbUser: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(dbUser)) {
    throw new Error(
      `${path}: dbUser "${dbUser}" is not a PostgreSQL role name; use 1 to 63 lower-case letters, digits or ` +
        "underscores (no wildcards: each grant names one role that has been granted rds_iam)",
    );
  }
}
