/**
 * @module core/errors
 *
 * Errors named by cause. Adapters convert foreign errors (axios, SQLite, the
 * OpenAI SDK) into these at the boundary, so the core never sees a transport
 * error type and the HTTP edge can map each cause to one status code.
 */

/** Input that failed validation; `issues` name each bad field. */
export class ValidationError extends Error {
  constructor(
    message: string,
    readonly issues: readonly string[] = [],
  ) {
    super(message);
    this.name = 'ValidationError';
  }
}

/** Something the caller named does not exist (a quiz id, a document). */
export class NotFoundError extends Error {
  constructor(
    readonly what: string,
    readonly id: string,
  ) {
    super(`${what} not found: ${id}`);
    this.name = 'NotFoundError';
  }
}

/** A remote service we depend on (LLM, embeddings, a channel API) is not answering. */
export class UpstreamUnavailableError extends Error {
  constructor(
    readonly service: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${service}: ${message}`, options);
    this.name = 'UpstreamUnavailableError';
  }
}
