/**
 * A small stand-in for Zalo's OA Open API and OAuth server on 127.0.0.1, for
 * tests that run the real channel over real sockets (and for bench:zalo). It
 * behaves like Zalo where the channel depends on it: the access token in the
 * `access_token` header must be the current one (else -216), a refresh token
 * works once and is rotated, and answers use Zalo's `{error, data}` envelope.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface FakeSend {
  readonly userId: string;
  readonly text: string;
  readonly body: Record<string, unknown>;
  /** performance.timeOrigin + performance.now() at arrival (ms). */
  readonly at: number;
}

export interface FakeZaloOptions {
  readonly appSecret: string;
  readonly refreshToken: string;
  readonly displayName?: string;
  /** Called for every message received (the bench measures arrival times here). */
  readonly onSend?: (send: FakeSend) => void;
  /** Keep the sends in memory (tests); the bench turns it off. */
  readonly record?: boolean;
}

export interface FakeZalo {
  readonly url: string;
  readonly sends: FakeSend[];
  readonly refreshes: number;
  readonly accessToken: string;
  /** Resolves when at least `n` messages have arrived in all. */
  waitForSends(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) });
  res.end(data);
}

export async function startFakeZalo(opts: FakeZaloOptions): Promise<FakeZalo> {
  let validRefresh = opts.refreshToken;
  let accessToken = '';
  let refreshes = 0;
  let generation = 0;
  let messageId = 0;
  const sends: FakeSend[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  let total = 0;

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = await readBody(req);
      if (req.method === 'POST' && url.pathname === '/v4/oa/access_token') {
        const form = new URLSearchParams(body);
        if (req.headers.secret_key !== opts.appSecret)
          return json(res, 200, { error: -14002, error_name: 'Invalid secret key' });
        if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== validRefresh) {
          return json(res, 200, { error: -14014, error_name: 'Invalid refresh token' });
        }
        generation += 1;
        refreshes += 1;
        accessToken = `access-${generation}`;
        validRefresh = `refresh-${generation}`;
        return json(res, 200, { access_token: accessToken, refresh_token: validRefresh, expires_in: '90000' });
      }
      if (!accessToken || req.headers.access_token !== accessToken) {
        return json(res, 200, { error: -216, message: 'Access token is invalid' });
      }
      if (req.method === 'POST' && url.pathname === '/v3.0/oa/message/cs') {
        const parsed = JSON.parse(body) as { recipient: { user_id: string }; message: { text?: string } };
        const send: FakeSend = {
          userId: parsed.recipient.user_id,
          text: parsed.message.text ?? '',
          body: parsed,
          at: performance.timeOrigin + performance.now(),
        };
        opts.onSend?.(send);
        if (opts.record !== false) sends.push(send);
        total += 1;
        for (const w of waiters.filter((w) => total >= w.n)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
        messageId += 1;
        return json(res, 200, {
          error: 0,
          message: 'Success',
          data: { message_id: `m${messageId}`, user_id: send.userId },
        });
      }
      if (req.method === 'GET' && url.pathname === '/v3.0/oa/user/detail') {
        return json(res, 200, {
          error: 0,
          message: 'Success',
          data: { display_name: opts.displayName ?? 'Bà con', user_is_follower: true },
        });
      }
      json(res, 404, { error: -201, message: 'not found' });
    })().catch(() => {
      if (!res.headersSent) json(res, 500, { error: -1 });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}`,
    sends,
    get refreshes() {
      return refreshes;
    },
    get accessToken() {
      return accessToken;
    },
    waitForSends(n, timeoutMs = 10_000) {
      if (total >= n) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${total} of ${n} Zalo sends arrived`)), timeoutMs);
        waiters.push({
          n,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
