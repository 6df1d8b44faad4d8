/**
 * @module rag/embeddings
 *
 * The `Embedder` port of dense retrieval and its adapter over any
 * OpenAI-compatible `/embeddings` endpoint (OpenAI, or a local server such as
 * Ollama, llama.cpp, vLLM or LM Studio through `OPENAI_BASE_URL`).
 *
 * The SDK is imported on first use, not at module load: an install without
 * embeddings never pays its start-up cost, and one with embeddings pays it once,
 * at the first ingestion. Every failure (network, timeout, HTTP status, a reply
 * of the wrong shape) leaves as `UpstreamUnavailableError`, so nothing above
 * this file knows an OpenAI error type.
 */
import type OpenAI from 'openai';
import { UpstreamUnavailableError } from '../core/errors.js';

export interface Embedder {
  /** Model name; cached vectors are keyed by it, so changing the model re-embeds once. */
  readonly model: string;
  /** One vector per text, in order. Rejects with `UpstreamUnavailableError`. */
  embed(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]>;
}

export interface EmbedOptions {
  /** Per-call timeout; a question must not wait as long as an ingestion may. */
  readonly timeoutMs?: number;
  /** Per-call retries (default: the client's). */
  readonly maxRetries?: number;
}

export interface OpenAiEmbedderOptions {
  readonly model: string;
  /** May be absent when `baseURL` points at a local server that wants no key. */
  readonly apiKey?: string;
  readonly baseURL?: string;
  /** Replaces the global `fetch` (tests, proxies). */
  readonly fetch?: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** Milliseconds per request (default 30 s: a batch of passages on a small CPU server is slow). */
  readonly timeoutMs?: number;
  /** Texts per request (default 64, well under every server's limit and OpenAI's 2048). */
  readonly batchSize?: number;
}

const SERVICE = 'embeddings';
const DEFAULT_BATCH = 64;
const DEFAULT_TIMEOUT_MS = 30_000;
/** Local servers ignore the key but the SDK refuses to send a request without one. */
const PLACEHOLDER_KEY = 'no-key';

type Client = OpenAI;

export class OpenAiEmbedder implements Embedder {
  readonly model: string;
  private readonly batchSize: number;
  private client: Promise<Client> | undefined;

  constructor(private readonly options: OpenAiEmbedderOptions) {
    if (options.apiKey === undefined && options.baseURL === undefined) {
      throw new RangeError('OpenAiEmbedder needs an API key or a base URL');
    }
    this.model = options.model;
    this.batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH);
  }

  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += this.batchSize) {
      out.push(...(await this.embedBatch(texts.slice(i, i + this.batchSize), options)));
    }
    return out;
  }

  private async embedBatch(texts: readonly string[], options: EmbedOptions): Promise<Float32Array[]> {
    const client = await this.getClient();
    // Servers reject empty strings; a passage never is one, but a blank question could be.
    const input = texts.map((t) => (t.trim() === '' ? ' ' : t));
    let data: unknown;
    try {
      const response = await client.embeddings.create(
        // 'float' explicitly: the SDK otherwise asks for base64, which several local servers ignore.
        { model: this.model, input, encoding_format: 'float' },
        {
          // The SDK rejects an explicit `undefined`: pass only what the caller set.
          ...(options.timeoutMs !== undefined && { timeout: options.timeoutMs }),
          ...(options.maxRetries !== undefined && { maxRetries: options.maxRetries }),
        },
      );
      data = response.data;
    } catch (err) {
      throw new UpstreamUnavailableError(SERVICE, describe(err), { cause: err });
    }
    return toVectors(data, input.length);
  }

  private getClient(): Promise<Client> {
    this.client ??= import('openai').then(
      ({ default: OpenAIClient }) =>
        new OpenAIClient({
          apiKey: this.options.apiKey ?? PLACEHOLDER_KEY,
          baseURL: this.options.baseURL ?? 'https://api.openai.com/v1',
          fetch: this.options.fetch,
          timeout: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          maxRetries: 1,
        }),
    );
    return this.client;
  }
}

/** The SDK's message with the HTTP status when there is one, without the request body. */
function describe(err: unknown): string {
  if (err instanceof Error) {
    const status = (err as { status?: unknown }).status;
    return typeof status === 'number' ? `HTTP ${status}: ${err.message}` : err.message;
  }
  return String(err);
}

/** Checks the reply (OpenAI-compatible servers vary) and returns vectors in input order. */
function toVectors(data: unknown, expected: number): Float32Array[] {
  const items: readonly unknown[] = Array.isArray(data) ? (data as unknown[]) : [];
  if (items.length !== expected) {
    throw new UpstreamUnavailableError(SERVICE, `expected ${expected} embeddings, got ${items.length}`);
  }
  const out = new Array<Float32Array | undefined>(expected).fill(undefined);
  let dims = -1;
  items.forEach((item, position) => {
    const { index: rawIndex, embedding } = (item ?? {}) as { index?: unknown; embedding?: unknown };
    const index = typeof rawIndex === 'number' && Number.isInteger(rawIndex) ? rawIndex : position;
    if (index < 0 || index >= expected || out[index] !== undefined) {
      throw new UpstreamUnavailableError(SERVICE, `embedding index ${index} out of range or repeated`);
    }
    const values: readonly unknown[] = Array.isArray(embedding) ? (embedding as unknown[]) : [];
    if (values.length === 0 || !values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new UpstreamUnavailableError(SERVICE, `embedding ${index} is not a list of numbers`);
    }
    if (dims >= 0 && values.length !== dims) {
      throw new UpstreamUnavailableError(SERVICE, `embeddings of different lengths (${dims} and ${values.length})`);
    }
    dims = values.length;
    out[index] = Float32Array.from(values as number[]);
  });
  return out as Float32Array[];
}
