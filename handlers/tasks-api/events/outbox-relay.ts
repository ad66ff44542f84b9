import { taskEventSchema, type TaskEvent } from "../../../contracts/events";
import type { Database } from "../db/database";
import type { Logger } from "../log";
import type { TaskEventLog } from "./task-event-log";

export interface OutboxRelayOptions {
  readonly db: Database;
  readonly eventLog: TaskEventLog;
  readonly log: Logger;
  /** Rows claimed per round trip; 25 is one DynamoDB BatchWriteItem. */
  readonly batchSize?: number;
  /** How long a claim keeps other relays off a batch; a relay that dies frees its rows after this. */
  readonly leaseSeconds?: number;
  /** After a failed delivery, how long the batch waits before the next try. */
  readonly retryDelaySeconds?: number;
  /** Period of the background drain that retries failures and picks up other instances' leftovers. */
  readonly intervalMs?: number;
  /**
   * How long a {@link OutboxRelay.nudge} waits before its pass, so that the writes of that moment share one claim,
   * one `BatchWriteItem` and one delete instead of three statements each. @default 20
   */
  readonly nudgeDelayMs?: number;
}

interface ClaimedRow {
  readonly id: string;
  readonly event: unknown;
  readonly attempts: number;
}

/**
 * Copies committed task events from the `tasks_outbox` table to the
 * DynamoDB activity log, then deletes them.
 *
 * Why an outbox: a task change and its events commit in one PostgreSQL
 * transaction, so an event exists exactly when its change does. Writing to
 * DynamoDB after the commit instead could lose an event (crash, throttle) or
 * record one for a change that rolled back. Delivery is at least once: a row
 * whose delete failed is sent again, which rewrites the same item (same
 * `taskId` + `at` key, same content), and the notifier is idempotent on
 * `eventId` besides.
 *
 * Claims are leases taken with `FOR UPDATE SKIP LOCKED`, so several service
 * instances drain one outbox without sending a row twice at once, and no
 * transaction stays open while DynamoDB is called.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly leaseSeconds: number;
  private readonly retryDelaySeconds: number;
  private readonly intervalMs: number;
  private readonly nudgeDelayMs: number;
  private nudgeTimer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private queued: Promise<number> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 25;
    this.leaseSeconds = options.leaseSeconds ?? 30;
    this.retryDelaySeconds = options.retryDelaySeconds ?? 5;
    this.intervalMs = options.intervalMs ?? 2_000;
    this.nudgeDelayMs = options.nudgeDelayMs ?? 20;
  }

  /**
   * Drains in the background after {@link OutboxRelayOptions.nudgeDelayMs}; returns at once. Safe to call after
   * every write: nudges while one is pending join it. (A reader of its own change calls {@link drain}, which does
   * not wait.)
   */
  nudge(): void {
    if (this.nudgeTimer) return;
    this.nudgeTimer = setTimeout(() => {
      this.nudgeTimer = undefined;
      void this.drain();
    }, this.nudgeDelayMs);
    this.nudgeTimer.unref();
  }

  /**
   * Delivers everything claimable, then resolves with the number of events
   * delivered. Calls during a pass share one follow-up pass, so a burst of
   * writes costs a few passes, not one each. Never rejects: failures are
   * logged and retried later.
   */
  drain(): Promise<number> {
    if (!this.running) {
      this.running = this.pass().finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    this.queued ??= this.running.then(() => {
      this.queued = undefined;
      return this.drain();
    });
    return this.queued;
  }

  /** Drains every `intervalMs` until {@link stop}. The timer never keeps the process alive by itself. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.nudge(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops the timers (a pending nudge too) and waits for a pass in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    clearTimeout(this.nudgeTimer);
    this.nudgeTimer = undefined;
    await this.queued;
    await this.running;
  }

  /** Events not yet delivered (for health and tests). */
  async backlog(): Promise<number> {
    const { rows } = await this.options.db.query<{ count: string | number }>("SELECT COUNT(*) AS count FROM tasks_outbox");
    return Number(rows[0]?.count ?? 0);
  }

  private async pass(): Promise<number> {
    let delivered = 0;
    for (;;) {
      let claimed: ClaimedRow[];
      try {
        claimed = await this.claim();
      } catch (error) {
        this.options.log.error("outbox.claim_failed", { error });
        return delivered;
      }
      if (claimed.length === 0) return delivered;
      const ids = claimed.map((row) => row.id);
      try {
        const events: TaskEvent[] = claimed.map((row) => taskEventSchema.parse(row.event));
        await this.options.eventLog.append(events);
        await this.options.db.query("DELETE FROM tasks_outbox WHERE id = ANY($1::bigint[])", [ids]);
        delivered += claimed.length;
        // A short batch took everything claimable; rows committed since then were nudged by their writers. Asking
        // again would cost a statement per pass that finds nothing.
        if (claimed.length < this.batchSize) return delivered;
      } catch (error) {
        // Loud on purpose: the events are safe in the outbox, but the activity log and the
        // notifications lag until this clears.
        this.options.log.error("outbox.delivery_failed", {
          error,
          events: claimed.length,
          maxAttempts: Math.max(...claimed.map((row) => row.attempts)),
          retryInSeconds: this.retryDelaySeconds,
        });
        await this.options.db
          .query("UPDATE tasks_outbox SET claimed_until = now() + make_interval(secs => $2) WHERE id = ANY($1::bigint[])", [
            ids,
            this.retryDelaySeconds,
          ])
          .catch((releaseError: unknown) => this.options.log.error("outbox.release_failed", { error: releaseError }));
        return delivered;
      }
    }
  }

  private async claim(): Promise<ClaimedRow[]> {
    const { rows } = await this.options.db.query<ClaimedRow>(
      `UPDATE tasks_outbox
          SET claimed_until = now() + make_interval(secs => $1), attempts = attempts + 1
        WHERE id IN (
          SELECT id FROM tasks_outbox
           WHERE claimed_until IS NULL OR claimed_until < now()
           ORDER BY id
           LIMIT $2
           FOR UPDATE SKIP LOCKED)
      RETURNING id::text AS id, event, attempts`,
      [this.leaseSeconds, this.batchSize],
    );
    // RETURNING has no order; deliver in commit order so a task's log reads in sequence.
    return [...rows].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  }
}
