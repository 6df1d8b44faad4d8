/**
 * @module rag/chatModel
 *
 * The optional OpenAI-compatible chat model behind the core's `ChatModel`
 * port, and the prompt templates it uses. The SDK is imported lazily so the
 * embedded default (no key) never loads it; SDK and network errors become
 * `UpstreamUnavailableError`, and the answerer then falls back to the
 * extractive answer.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UpstreamUnavailableError } from '../core/errors.js';
import type { ChatCallOptions, ChatMessage, ChatModel, PromptTemplates } from '../core/ports.js';

export interface ChatModelOptions {
  readonly model: string;
  readonly apiKey?: string;
  readonly baseURL?: string;
  readonly timeoutMs: number;
  /** For tests: a fetch of our own (nock cannot see the SDK's fetch). */
  readonly fetch?: typeof fetch;
}

export class OpenAiChatModel implements ChatModel {
  private client: Promise<import('openai').OpenAI> | undefined;

  constructor(private readonly options: ChatModelOptions) {}

  private sdk(): Promise<import('openai').OpenAI> {
    this.client ??= import('openai').then(
      ({ OpenAI }) =>
        new OpenAI({
          // A local OpenAI-compatible server may need no key; the SDK insists on one.
          apiKey: this.options.apiKey ?? 'not-needed',
          baseURL: this.options.baseURL,
          timeout: this.options.timeoutMs,
          maxRetries: 1,
          ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
        }),
    );
    return this.client;
  }

  /**
   * One answer from the model. `timeoutMs` bounds the whole call, the SDK's
   * retry and its pause included: the SDK's own `timeout` is per attempt, so
   * a slow model once kept a resident waiting twice the limit (31 s). The
   * caller's signal (the answer's deadline, shared with a follow-up's
   * rewrite) ends it sooner.
   */
  async complete(messages: readonly ChatMessage[], options: ChatCallOptions = {}): Promise<string> {
    try {
      const client = await this.sdk();
      const limit = AbortSignal.timeout(this.options.timeoutMs);
      const res = await client.chat.completions.create(
        {
          model: this.options.model,
          messages: messages.map((m) => ({ role: m.role, content: m.content })),
          temperature: 0.2,
          max_tokens: 400,
        },
        { signal: options.signal ? AbortSignal.any([limit, options.signal]) : limit },
      );
      return res.choices[0]?.message?.content ?? '';
    } catch (err) {
      throw unavailable(err);
    }
  }

  /**
   * The same request with `stream: true`: the reply's text pieces as they
   * arrive. One time limit for the whole stream, as for `complete`; leaving
   * the loop early (a sentence failed its check) cancels the request.
   */
  async *stream(messages: readonly ChatMessage[], options: ChatCallOptions = {}): AsyncGenerator<string> {
    const limit = AbortSignal.timeout(this.options.timeoutMs);
    const stop = new AbortController();
    const signal = AbortSignal.any([limit, stop.signal, ...(options.signal ? [options.signal] : [])]);
    try {
      const client = await this.sdk();
      const chunks = await client.chat.completions.create(
        {
          model: this.options.model,
          messages: messages.map((m) => ({ role: m.role, content: m.content })),
          temperature: 0.2,
          max_tokens: 400,
          stream: true,
        },
        { signal },
      );
      for await (const chunk of chunks) {
        const piece = chunk.choices[0]?.delta?.content;
        if (piece) yield piece;
      }
    } catch (err) {
      throw unavailable(err);
    } finally {
      stop.abort();
    }
  }
}

function unavailable(err: unknown): UpstreamUnavailableError {
  return new UpstreamUnavailableError('chat model', err instanceof Error ? err.message : String(err), { cause: err });
}

/**
 * Reads prompts/system.md, prompts/answer.md and (when present) prompts/rewrite.md;
 * a missing required file, or one without its placeholders, is a start-up error naming it.
 */
export function loadPrompts(dir: string): PromptTemplates {
  const read = (name: string): string => {
    try {
      return readFileSync(join(dir, name), 'utf8').trim();
    } catch (err) {
      throw new Error(
        `prompt file ${join(dir, name)} cannot be read: ${err instanceof Error ? err.message : String(err)}`,
        {
          cause: err,
        },
      );
    }
  };
  const prompts = { system: read('system.md'), answer: read('answer.md') };
  if (!prompts.answer.includes('{{question}}') || !prompts.answer.includes('{{context}}')) {
    throw new Error(`prompt file ${join(dir, 'answer.md')} must contain {{context}} and {{question}}`);
  }
  // An older prompts folder without rewrite.md still starts: follow-ups are then read without the model.
  if (!existsSync(join(dir, 'rewrite.md'))) return prompts;
  const rewrite = read('rewrite.md');
  if (!rewrite.includes('{{question}}') || !rewrite.includes('{{history}}')) {
    throw new Error(`prompt file ${join(dir, 'rewrite.md')} must contain {{history}} and {{question}}`);
  }
  return { ...prompts, rewrite };
}
