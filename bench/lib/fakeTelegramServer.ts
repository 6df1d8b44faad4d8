/**
 * A fake Telegram Bot API server on 127.0.0.1 for a bot running in another
 * process (bench:scale points the service's TELEGRAM_API_ROOT at it): it
 * answers `POST /bot<token>/<method>` like Telegram (lib/fakeBotApi) and
 * tells the bench of every message shown, as it arrives.
 */
import { createServer, type Server } from 'node:http';
import { RecordingBotApi, type Shown } from './fakeBotApi.js';

export interface FakeTelegramServer {
  readonly url: string;
  readonly api: RecordingBotApi;
  close(): Promise<void>;
}

export async function startFakeTelegram(
  onShown: (chatId: number, shown: Shown, method: string) => void,
): Promise<FakeTelegramServer> {
  const api = new RecordingBotApi();
  api.onShown = onShown;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = /\/([A-Za-z]+)$/.exec(req.url ?? '')?.[1] ?? '';
      let body: Record<string, unknown> = {};
      try {
        if (chunks.length > 0) body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        // grammY sends JSON for everything this bench triggers; anything else is answered as an empty call
      }
      const text = JSON.stringify({ ok: true, result: api.handle(method, body) });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const a = server.address();
  return {
    url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`,
    api,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
