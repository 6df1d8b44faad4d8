/**
 * The open loop of bench:zalo on a thread of its own: signed webhook events at
 * a fixed offered rate, each timed from its post to its 200.
 * Alone on its loop (the fake Zalo API and the bookkeeping of replies run on
 * other threads), the time an answer waits here is the service's, not the
 * load generator's.
 *
 * Residents follow a short script (follow → quizzes → first quiz → skip the
 * form → answers), many in parallel; one resident's next event is posted
 * after the previous one was acknowledged, as Zalo delivers them.
 */
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { followEvent, signed, textEvent } from '../../test/fixtures/zalo.js';

export interface OpenLoopJob {
  readonly port: number;
  readonly rate: number;
  readonly seconds: number;
  /** Resident ids start with this, so two runs never share a resident. */
  readonly prefix: string;
}

export interface OpenLoopResult {
  /** Acknowledgement times (ms), from the post to the 200. */
  readonly acks: readonly number[];
  readonly failures: number;
  /** performance.timeOrigin-based time of the first event and of the last acknowledgement (ms). */
  readonly startedAt: number;
  readonly ackedAt: number;
  /** Per resident, when each of its events was posted (ms), to match with the replies it gets. */
  readonly posted: Readonly<Record<string, readonly number[]>>;
  readonly firstError?: string;
}

const SCRIPT = ['follow', '1', '1', '2', '1', '1', '1', '1'] as const;
const now = (): number => performance.timeOrigin + performance.now();
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function post(port: number, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/webhooks/zalo',
        method: 'POST',
        agent,
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function run(job: OpenLoopJob): Promise<OpenLoopResult> {
  const acks: number[] = [];
  const posted: Record<string, number[]> = {};
  const total = Math.round(job.rate * job.seconds);
  const residents = Array.from({ length: Math.ceil(total / SCRIPT.length) }, (_, i) => ({
    id: `${job.prefix}-${i}`,
    step: 0,
    busy: Promise.resolve(),
  }));
  let failures = 0;
  let firstError: string | undefined;
  let msg = 0;
  const t0 = now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / job.rate;
    const wait = due - now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const r = residents[i % residents.length];
    if (!r) continue;
    const step = SCRIPT[r.step++ % SCRIPT.length] ?? '1';
    const times = (posted[r.id] ??= []);
    r.busy = r.busy
      .then(async () => {
        const at = new Date();
        const event =
          step === 'follow' ? followEvent(r.id, at) : textEvent(r.id, step, at, `${job.prefix}${(msg++).toString(16)}`);
        const d = signed(event);
        const sent = now();
        times.push(sent);
        const status = await post(job.port, d.body, d.headers);
        acks.push(now() - sent);
        if (status !== 200) {
          failures += 1;
          firstError ??= `webhook answered ${status}`;
        }
      })
      .catch((err: unknown) => {
        failures += 1;
        firstError ??= err instanceof Error ? err.message : String(err);
      });
    inflight.push(r.busy);
  }
  await Promise.all(inflight);
  return { acks, failures, startedAt: t0, ackedAt: now(), posted, firstError };
}

const port = parentPort;
if (!port) throw new Error('bench/lib/zaloOpenLoop runs only as a worker thread');
const result = await run(workerData as OpenLoopJob);
agent.destroy();
port.postMessage(result);
