/**
 * The fake Zalo API of bench:zalo on a thread of its own. On the bench's main
 * thread it shared one event loop with the load generator, so under load the
 * time each acknowledgement waited for that loop was counted as the service's
 * (the loop was ~45% busy at 1,500 events/s). Here the fake API answers on its
 * own loop and reports each message it receives to the main thread, a batch
 * per loop turn, with the time it arrived.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startFakeZalo, type FakeSend } from '../../test/fakes/zaloApi.js';

export interface FakeZaloThreadInit {
  readonly appSecret: string;
  readonly refreshToken: string;
}

/** One received message, as reported to the bench's main thread. */
export interface ReportedSend {
  readonly userId: string;
  readonly text: string;
  readonly at: number;
}

export type FromFakeZalo =
  { readonly type: 'url'; readonly url: string } | { readonly type: 'sends'; readonly sends: readonly ReportedSend[] };

const port = parentPort;
if (!port) throw new Error('bench/lib/fakeZaloThread runs only as a worker thread');

let batch: ReportedSend[] = [];
function report(s: FakeSend): void {
  if (batch.length === 0) {
    setImmediate(() => {
      const sends = batch;
      batch = [];
      port?.postMessage({ type: 'sends', sends } satisfies FromFakeZalo);
    });
  }
  batch.push({ userId: s.userId, text: s.text, at: s.at });
}

const init = workerData as FakeZaloThreadInit;
const fake = await startFakeZalo({ ...init, onSend: report, record: false });
port.on('message', () => {
  void fake.close().then(() => port.close());
});
port.postMessage({ type: 'url', url: fake.url } satisfies FromFakeZalo);
