/**
 * @module http/health
 *
 * What `GET /healthz` answers, and what the log says about it. A process
 * manager or load balancer probes every few seconds: the log must say once
 * that the database stopped taking writes (with why), and once that it came
 * back, not repeat it on every probe. A probe writes (see
 * storage/sqlite/health), so answers are shared for a short while: a flood
 * of probes costs one write per interval, not one per request.
 */
import type { Logger } from '../logger.js';
import type { DatabaseHealth } from '../storage/sqlite/health.js';

/** The body of `/healthz`: `status` and `database` as before, and why when unavailable. */
export interface HealthReport {
  readonly status: 'ok' | 'unavailable';
  readonly database: boolean;
  /** A stable code for monitors: `database_missing`, `database_replaced`, `disk_full`, `write_failed`, `stopping`. */
  readonly reason?: string;
  /** The same in a sentence for the commune's staff. */
  readonly message?: string;
}

export interface HealthMonitor {
  check(): Promise<HealthReport>;
  /** From now on the service is going away: answer 503 without touching the database (it is closing). */
  markStopping(): void;
}

export interface HealthMonitorDeps {
  readonly probe: () => Promise<DatabaseHealth>;
  readonly logger: Logger;
  /** How long one probe's answer is reused (default 1 s; 0 probes every time). */
  readonly reuseMs?: number;
}

const OK: HealthReport = { status: 'ok', database: true };
const STOPPING: HealthReport = {
  status: 'unavailable',
  database: false,
  reason: 'stopping',
  message: 'Dịch vụ đang dừng (khởi động lại hoặc tắt máy); xin thử lại sau ít phút.',
};

export function createHealthMonitor(deps: HealthMonitorDeps): HealthMonitor {
  const reuseMs = deps.reuseMs ?? 1000;
  let stopping = false;
  /** The fault last logged, so the same one is not logged again until it clears. */
  let loggedFault: string | undefined;
  let last: { report: HealthReport; at: number } | undefined;
  let running: Promise<HealthReport> | undefined;

  function record(health: DatabaseHealth): HealthReport {
    if (health.ok) {
      if (loggedFault !== undefined) {
        deps.logger.info({ reason: loggedFault }, 'Cơ sở dữ liệu ghi được trở lại: /healthz trả lời 200');
        loggedFault = undefined;
      }
      return OK;
    }
    if (loggedFault !== health.reason) {
      deps.logger.error(
        { reason: health.reason, detail: health.message },
        'Cơ sở dữ liệu không ghi được: /healthz trả lời 503 cho đến khi sửa xong',
      );
      loggedFault = health.reason;
    }
    return { status: 'unavailable', database: false, reason: health.reason, message: health.message };
  }

  async function probeOnce(): Promise<HealthReport> {
    try {
      const report = record(await deps.probe());
      last = { report, at: performance.now() };
      return report;
    } finally {
      running = undefined;
    }
  }

  return {
    check: () => {
      if (stopping) return Promise.resolve(STOPPING);
      if (last && performance.now() - last.at < reuseMs) return Promise.resolve(last.report);
      running ??= probeOnce();
      return running;
    },
    markStopping: () => {
      stopping = true;
    },
  };
}
