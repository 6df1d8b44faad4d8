/**
 * Optional dense retrieval end to end: the real OpenAI SDK talks to a fake
 * OpenAI-compatible server on 127.0.0.1 (nock 13 does not see the SDK's
 * fetch). The fake embeds a text as a hashed bag of its folded syllables, with
 * a few synonyms mapped onto the same syllables, so "similar" texts are close
 * and a word that appears nowhere in the knowledge base can still match a
 * passage by meaning, which is what dense retrieval adds to lexical search.
 * The service runs on SQLite or PostgreSQL (test/testService.ts): its
 * ingestion, its embedding cache and its search are the database's.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamUnavailableError } from '../../src/core/errors.js';
import type { DocumentHit, SearchResult } from '../../src/core/ports.js';
import { DenseIndex, embeddingText } from '../../src/rag/denseIndex.js';
import { OpenAiEmbedder } from '../../src/rag/embeddings.js';
import { SqliteKnowledgeSearch } from '../../src/rag/knowledgeSearch.js';
import { reciprocalRankFusion } from '../../src/rag/rrf.js';
import { BUNDLED_KNOWLEDGE, memoryLogger, tempDir, writeTree } from '../helpers.js';
import { testService, type TestService } from '../testService.js';

// ---- The fake OpenAI-compatible embeddings server ----

const DIMS = 96;
/** Words the fake model "understands" as another: the knowledge base never uses the left-hand side. */
const SYNONYMS: Record<string, string[]> = {
  smartphone: ['dien', 'thoai'],
  dtdd: ['dien', 'thoai'],
  scam: ['lua', 'dao'],
};
const FORM_WORDS = new Set([
  'la',
  'gi',
  'the',
  'nao',
  'nhu',
  'cho',
  'va',
  'co',
  'khong',
  'cua',
  'de',
  'o',
  'lam',
  'sao',
]);

function fold(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .flatMap((t) => SYNONYMS[t] ?? [t])
    .filter((t) => !FORM_WORDS.has(t));
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export function fakeVector(text: string): number[] {
  const v = new Array<number>(DIMS).fill(0);
  for (const t of fold(text)) v[fnv1a(t) % DIMS]! += 1;
  return v;
}

interface FakeState {
  /** POST /v1/embeddings requests received. */
  requests: number;
  /** Texts embedded, over all requests. */
  inputs: string[];
  authorizations: (string | undefined)[];
  /** Answer every request with this HTTP status instead (e.g. 503). */
  failWith?: number;
}

interface FakeServer {
  readonly baseURL: string;
  readonly state: FakeState;
  reset(): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function handle(state: FakeState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  const send = (status: number, payload: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
  };
  if (req.method !== 'POST' || req.url !== '/v1/embeddings') return send(404, { error: { message: 'not found' } });
  state.requests++;
  state.authorizations.push(req.headers.authorization);
  if (state.failWith !== undefined) return send(state.failWith, { error: { message: 'model is loading' } });
  const parsed = JSON.parse(body) as { input: string | string[]; model: string; encoding_format?: string };
  const input = Array.isArray(parsed.input) ? parsed.input : [parsed.input];
  state.inputs.push(...input);
  send(200, {
    object: 'list',
    model: parsed.model,
    data: input.map((text, index) => {
      const v = fakeVector(text);
      const embedding =
        parsed.encoding_format === 'base64' ? Buffer.from(Float32Array.from(v).buffer).toString('base64') : v;
      return { object: 'embedding', index, embedding };
    }),
    usage: { prompt_tokens: input.length, total_tokens: input.length },
  });
}

async function startFakeServer(): Promise<FakeServer> {
  const state: FakeState = { requests: 0, inputs: [], authorizations: [] };
  const server: Server = createServer((req, res) => void handle(state, req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    state,
    reset() {
      state.requests = 0;
      state.inputs = [];
      state.authorizations = [];
      delete state.failWith;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---- A small knowledge folder where lexical and dense rankings disagree ----

const KNOWLEDGE: Record<string, string> = {
  'dien-thoai.md': [
    '# Làm quen điện thoại thông minh',
    '',
    'Bật máy, sạc pin và kết nối wifi cho điện thoại thông minh. Điện thoại cần đủ pin trước khi cập nhật.',
  ].join('\n'),
  'mat-khau.md': [
    '# Đặt mật khẩu mạnh',
    '',
    'Hướng dẫn đặt mật khẩu cho điện thoại: mật khẩu nên dài, có chữ hoa, chữ thường và số. Không chia sẻ mật khẩu cho ai.',
  ].join('\n'),
  'ho-so.md': [
    '# Nộp hồ sơ trực tuyến',
    '',
    'Hướng dẫn nộp hồ sơ: đăng nhập cổng dịch vụ công, chọn thủ tục, điền tờ khai và nộp hồ sơ.',
  ].join('\n'),
  'lua-dao.md': [
    '# Nhận biết lừa đảo qua mạng',
    '',
    'Kẻ gian gọi điện giả danh công an, yêu cầu chuyển tiền hoặc đọc mã OTP. Lừa đảo thường hối thúc.',
  ].join('\n'),
  'zalo.md': [
    '# Trò chuyện trên Zalo',
    '',
    'Cài Zalo, kết bạn bằng số điện thoại và gửi tin nhắn, gọi video cho người thân.',
  ].join('\n'),
};

/** The knowledge folder under `root`, and the fake's embeddings endpoint when given. */
function envOf(root: string, fake?: FakeServer): Record<string, string> {
  return {
    KNOWLEDGE_DIR: join(root, 'knowledge'),
    ...(fake && { OPENAI_BASE_URL: fake.baseURL, EMBEDDINGS_MODEL: 'fake-embed' }),
  };
}

function refs(docs: readonly DocumentHit[]): string[] {
  return docs.map((d) => d.ref);
}

/** A fresh knowledge folder and database; each test gets its own. */
function workspace(): { root: string; cleanup: () => void } {
  const tmp = tempDir('hocvuso-dense-');
  writeTree(join(tmp.dir, 'knowledge'), KNOWLEDGE);
  return { root: tmp.dir, cleanup: tmp.cleanup };
}

/** The service over a fresh database, the folder under `root` ingested (and embedded) as it starts. */
function servicesAt(root: string, fake: FakeServer | undefined): Promise<TestService> {
  return testService({ env: envOf(root, fake) });
}

/** What the same index answers with lexical ranking alone. */
function lexicalOf(services: Pick<TestService, 'index'>): SqliteKnowledgeSearch {
  return new SqliteKnowledgeSearch(services.index);
}

function warnings(lines: readonly string[], text: string): number {
  return lines.filter((l) => l.includes(text)).length;
}

const DOWN = 'embeddings endpoint unavailable';

describe('OpenAiEmbedder against an OpenAI-compatible server', () => {
  let fake: FakeServer;
  beforeAll(async () => {
    fake = await startFakeServer();
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  it('returns one vector per text, in order, in batches', async () => {
    const embedder = new OpenAiEmbedder({ model: 'fake-embed', baseURL: fake.baseURL, batchSize: 64 });
    const texts = Array.from({ length: 150 }, (_, i) => `đoạn văn số ${i} về điện thoại`);
    const vectors = await embedder.embed(texts);
    expect(fake.state.requests).toBe(3);
    expect(vectors).toHaveLength(150);
    expect(Array.from(vectors[149]!)).toEqual(fakeVector(texts[149]!));
    expect(vectors[0]).toBeInstanceOf(Float32Array);
  });

  it('sends a placeholder key to a local server that needs none, and the real key when set', async () => {
    await new OpenAiEmbedder({ model: 'm', baseURL: fake.baseURL }).embed(['a']);
    await new OpenAiEmbedder({ model: 'm', baseURL: fake.baseURL, apiKey: 'sk-test-123' }).embed(['a']);
    expect(fake.state.authorizations).toEqual(['Bearer no-key', 'Bearer sk-test-123']);
  });

  it('turns an HTTP error into UpstreamUnavailableError naming the status', async () => {
    fake.state.failWith = 503;
    const embedder = new OpenAiEmbedder({ model: 'm', baseURL: fake.baseURL });
    const err: unknown = await embedder.embed(['a'], { maxRetries: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamUnavailableError);
    expect(Object.getPrototypeOf(err)).toBe(UpstreamUnavailableError.prototype);
    expect((err as Error).message).toMatch(/^embeddings: HTTP 503/);
  });

  it('turns a refused connection into UpstreamUnavailableError', async () => {
    const gone = await startFakeServer();
    await gone.close();
    const embedder = new OpenAiEmbedder({ model: 'm', baseURL: gone.baseURL });
    await expect(embedder.embed(['a'], { maxRetries: 0 })).rejects.toBeInstanceOf(UpstreamUnavailableError);
  });

  it('rejects a reply with the wrong number of vectors', async () => {
    const short: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      const json = (await res.json()) as { data: unknown[] };
      return new Response(JSON.stringify({ ...json, data: json.data.slice(1) }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    };
    const embedder = new OpenAiEmbedder({ model: 'm', baseURL: fake.baseURL, fetch: short });
    await expect(embedder.embed(['a', 'b'])).rejects.toThrow(/expected 2 embeddings, got 1/);
  });
});

describe('dense retrieval fused with lexical ranking', () => {
  let fake: FakeServer;
  let ws: { root: string; cleanup: () => void };
  let services: TestService | undefined;
  beforeAll(async () => {
    fake = await startFakeServer();
  });
  afterEach(async () => {
    await services?.close();
    services = undefined;
    ws?.cleanup();
    fake.reset();
  });
  afterAll(() => fake.close());

  it('embeds each passage once: a second ingestion, a restart or a forced re-index asks for nothing', async () => {
    ws = workspace();
    // The first ingestion: the one the service ran as it started.
    services = await servicesAt(ws.root, fake);
    const passages = services.index.passageCount();
    expect(passages).toBe(Object.keys(KNOWLEDGE).length);
    expect(fake.state.inputs).toHaveLength(passages);
    expect(services.dense?.size).toBe(passages);
    expect(await services.embeddings.count('fake-embed')).toBe(passages);

    await services.ingest();
    await services.ingest({ force: true });
    const [a, b] = await Promise.all([services.dense!.sync(), services.dense!.sync()]);
    expect([a.embedded, b.embedded, b.vectors]).toEqual([0, 0, passages]);
    // A restart: another service over the same database, ingesting as it starts.
    const restarted = await services.another();
    expect(fake.state.inputs).toHaveLength(passages);
    expect(restarted.dense?.size).toBe(passages);

    // An edited file costs exactly its new passage.
    writeTree(join(ws.root, 'knowledge'), {
      'zalo.md': '# Trò chuyện trên Zalo\n\nGửi ảnh và gọi video cho con cháu.',
    });
    await restarted.ingest();
    expect(fake.state.inputs).toHaveLength(passages + 1);
    expect(fake.state.inputs.at(-1)).toContain('Gửi ảnh và gọi video');
  });

  it('brings in a document whose words the question does not use but whose meaning it matches', async () => {
    ws = workspace();
    services = await servicesAt(ws.root, fake);
    const question = 'Hướng dẫn sử dụng dtdd';
    const lexical = await lexicalOf(services).search(question, 5);
    expect(refs(lexical.documents)).not.toContain('dien-thoai.md');

    const answer = await services.engine.ask(question);
    const found = answer.sources.find((s) => s.ref === 'dien-thoai.md');
    expect(found).toMatchObject({ title: 'Làm quen điện thoại thông minh', score: 0 });
    // Found by meaning only: listed, but it never makes the answer confident by itself.
    const fused = await services.search.search(question, 5);
    const hit = fused.documents.find((d) => d.ref === 'dien-thoai.md');
    expect(hit?.best.coverage).toBe(0);
    expect(hit?.best.text).toContain('Bật máy, sạc pin');
    expect(fused.documents[0]?.best.coverage).toBeGreaterThan(0);
  });

  it('re-orders documents by reciprocal rank fusion of the lexical and dense rankings', async () => {
    ws = workspace();
    services = await servicesAt(ws.root, fake);
    const question = 'Hướng dẫn sử dụng dtdd';
    const lexical = refs((await lexicalOf(services).search(question, 10)).documents);
    const fused = refs((await services.search.search(question, 10)).documents);
    // Lexically both pages say "hướng dẫn"; only the password page also speaks of the phone.
    expect(lexical).toEqual(['ho-so.md', 'mat-khau.md']);
    expect(fused.slice(0, 2)).toEqual(['mat-khau.md', 'ho-so.md']);

    // The fused order is exactly RRF (k = 60) of the lexical ranking and a brute-force cosine ranking.
    const q = fakeVector(question);
    const cosine = (v: number[]): number => {
      const dot = v.reduce((s, x, i) => s + x * q[i]!, 0);
      return dot / (Math.hypot(...v) * Math.hypot(...q) || 1);
    };
    const byDoc = new Map<string, number>();
    for (const p of services.index.allPassages()) {
      const c = cosine(fakeVector(embeddingText(p)));
      byDoc.set(p.docRef, Math.max(byDoc.get(p.docRef) ?? -Infinity, c));
    }
    const dense = [...byDoc.entries()].sort((a, b) => b[1] - a[1]).map(([ref]) => ref);
    expect(dense[0]).toBe('dien-thoai.md');
    expect(fused).toEqual(reciprocalRankFusion([lexical, dense]).map((f) => f.id));
    // Scores stay the lexical evidence: fusion changes the order, not what a score means.
    const scores = new Map((await lexicalOf(services).search(question, 10)).documents.map((d) => [d.ref, d.score]));
    for (const d of (await services.search.search(question, 10)).documents) {
      expect(d.score).toBe(scores.get(d.ref) ?? 0);
    }
  });

  it('answers with lexical ranking when the endpoint is down at query time, and logs it once', async () => {
    ws = workspace();
    const own = await startFakeServer();
    services = await servicesAt(ws.root, own);
    expect(services.dense?.size).toBe(Object.keys(KNOWLEDGE).length);
    await own.close();

    const questions = ['Hướng dẫn sử dụng dtdd', 'Cách đặt mật khẩu cho dtdd', 'nộp hồ sơ trực tuyến'];
    for (const q of questions) {
      const expected: SearchResult = await lexicalOf(services).search(q, 5);
      const got = await services.search.search(q, 5);
      expect(got.documents).toEqual(expected.documents);
      const answer = await services.engine.ask(q);
      expect(answer.text.trim()).not.toBe('');
    }
    expect((await services.engine.ask('nộp hồ sơ trực tuyến')).confident).toBe(true);
    expect(warnings(services.logLines, DOWN)).toBe(1);
  });

  it('starts lexical-only when the endpoint is down at ingestion, without failing it', async () => {
    ws = workspace();
    fake.state.failWith = 500;
    services = await servicesAt(ws.root, fake);
    // The ingestion the service ran as it started, with the endpoint down.
    const report = services.opened;
    expect(report.added).toHaveLength(Object.keys(KNOWLEDGE).length);
    expect(services.dense?.size).toBe(0);
    const q = 'Hướng dẫn sử dụng dtdd';
    expect((await services.search.search(q, 5)).documents).toEqual((await lexicalOf(services).search(q, 5)).documents);
    expect(warnings(services.logLines, DOWN)).toBe(1);
  });
});

describe('recovery after an outage', () => {
  let fake: FakeServer;
  let ws: { root: string; cleanup: () => void };
  let services: TestService;
  beforeAll(async () => {
    fake = await startFakeServer();
    ws = workspace();
    services = await servicesAt(ws.root, undefined);
  });
  afterAll(async () => {
    await services?.close();
    ws.cleanup();
    await fake.close();
  });

  it('pauses after a failure, then resumes dense ranking and says so', async () => {
    let now = 0;
    const log = memoryLogger();
    const dense = new DenseIndex({
      embedder: new OpenAiEmbedder({ model: 'fake-embed', baseURL: fake.baseURL }),
      cache: services.embeddings,
      index: services.index,
      logger: log.logger,
      now: () => now,
    });
    expect(await dense.sync()).toMatchObject({ vectors: Object.keys(KNOWLEDGE).length });
    const q = 'Hướng dẫn sử dụng dtdd';
    const lexical = [...(await lexicalOf(services).search(q, 10)).documents];

    fake.state.failWith = 503;
    expect(await dense.fuse(q, lexical)).toEqual(lexical);
    const calls = fake.state.requests;
    now += 10_000;
    expect(await dense.fuse('another question', lexical)).toEqual(lexical);
    expect(fake.state.requests).toBe(calls); // paused: residents do not wait for a dead endpoint

    delete fake.state.failWith;
    now += 60_000;
    expect(refs(await dense.fuse(q, lexical))).toContain('dien-thoai.md');
    expect(warnings(log.lines, DOWN)).toBe(1);
    expect(warnings(log.lines, 'dense ranking resumed')).toBe(1);
  });
});

describe('without the embeddings variables', () => {
  let services: TestService;
  beforeAll(async () => {
    services = await testService();
  });
  afterAll(async () => {
    await services?.close();
  });

  it('has no dense index, and searches exactly as lexical ranking alone', async () => {
    expect(services.config.KNOWLEDGE_DIR).toBe(BUNDLED_KNOWLEDGE);
    expect(services.dense).toBeUndefined();
    const lexical = lexicalOf(services);
    for (const q of [
      'Đăng ký định danh mức 2 ở đâu?',
      'quen mat khau vneid thi lam sao',
      'Nộp hồ sơ trên cổng dịch vụ công như thế nào?',
      'thoi tiet ngay mai the nao',
      'cach nhan biet lua dao qua dien thoai',
    ]) {
      expect(await services.search.search(q, 5)).toEqual(await lexical.search(q, 5));
    }
  });
});
