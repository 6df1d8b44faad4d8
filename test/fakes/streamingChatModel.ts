/**
 * A ChatModel that streams scripted pieces, recording each request and how
 * many pieces the caller pulled, so a test sees both what reached the draft
 * and that a failed sentence stopped the model.
 */
import type { ChatCallOptions, ChatMessage, ChatModel } from '../../src/core/ports.js';

export class StreamingChatModel implements ChatModel {
  readonly calls: { messages: readonly ChatMessage[]; signal?: AbortSignal }[] = [];
  /** Pieces handed out (the stream is lazy: a stopped caller pulls no more). */
  pulled = 0;
  /** True once the caller closed the stream early. */
  closed = false;

  constructor(
    private readonly pieces: readonly (string | Error)[],
    private readonly whole = pieces.filter((p): p is string => typeof p === 'string').join(''),
  ) {}

  complete(messages: readonly ChatMessage[], options: ChatCallOptions = {}): Promise<string> {
    this.calls.push({ messages, signal: options.signal });
    return Promise.resolve(this.whole);
  }

  async *stream(messages: readonly ChatMessage[], options: ChatCallOptions = {}): AsyncGenerator<string> {
    this.calls.push({ messages, signal: options.signal });
    let finished = false;
    try {
      for (const piece of this.pieces) {
        this.pulled++;
        await Promise.resolve();
        if (piece instanceof Error) throw piece;
        yield piece;
      }
      finished = true;
    } finally {
      if (!finished) this.closed = true;
    }
  }
}
