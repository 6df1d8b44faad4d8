/**
 * @module shutdown
 *
 * What a stop signal does, for `npm start` and `cli serve` alike. A process
 * manager (systemd, a container's PID 1, a supervisor) sends SIGTERM and
 * kills hard a little later, so the stop has a bound: new requests get 503
 * (webhooks are delivered again by Telegram and Zalo), turns in flight
 * finish, replies not yet sent stay queued in the database, the database
 * closes; whatever is still running after `graceMs` is cut short by exiting
 * with code 1. A second signal exits at once, for someone at a terminal who
 * does not want to wait.
 */
import type { Logger } from './logger.js';

/** How long a graceful stop may take before the process exits anyway. */
export const STOP_GRACE_MS = 10_000;

export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * Stops `service` on the first SIGINT or SIGTERM and exits: 0 when the stop
 * finished, 1 when it failed or took longer than `graceMs`.
 */
export function stopOnSignals(service: Stoppable, logger: Logger, graceMs = STOP_GRACE_MS): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'tín hiệu dừng lần hai: thoát ngay');
      process.exit(1);
    }
    stopping = true;
    const started = performance.now();
    logger.info({ signal, graceMs }, 'đang dừng: không nhận yêu cầu mới, chờ các lượt đang xử lý xong');
    const timer = setTimeout(() => {
      logger.error({ graceMs }, 'dừng quá lâu: thoát, bỏ dở phần còn lại (tin chưa gửi vẫn nằm trong hàng đợi)');
      process.exit(1);
    }, graceMs);
    timer.unref();
    service.stop().then(
      () => {
        logger.info({ ms: Math.round(performance.now() - started) }, 'đã dừng');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'dừng không trọn vẹn');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
