/**
 * @module channels/zalo/adapter
 *
 * A small axios adapter for the Zalo calls: one `http(s).request` over the
 * keep-alive agents, the body collected up to a size cap, then axios's own
 * response handling (JSON parsing, errors) as usual.
 *
 * Why: every reply to a resident is one call, and under load the calls are
 * most of what the Zalo channel spends. axios's general Node adapter (streams,
 * redirects, proxies, decompression, progress events, form data) cost about
 * 100 µs of CPU per call more than this one on a 2-core VM, for features these
 * calls never use (measured on loopback: 373–448 µs against 288–333 µs per call,
 * client and server together).
 *
 * It only takes the plain case, and hands everything else to axios's own
 * adapter unchanged: a proxy in use, redirects to follow, answers to
 * decompress, a body that is not a string or bytes once axios has serialised
 * it, a response type other than JSON or text, cancellation, authentication,
 * a socket path or a custom transport or DNS lookup.
 */
import { request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import axios, {
  AxiosError,
  AxiosHeaders,
  type AxiosAdapter,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';

/** Largest answer read when the config sets no limit (Zalo's answers are a few hundred bytes). */
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

/** Whether the lean path can serve this request exactly as axios's own adapter would. */
function isPlain(config: InternalAxiosRequestConfig): boolean {
  const data: unknown = config.data;
  return (
    config.proxy === false &&
    // Redirects are not followed and answers not decompressed here, exactly as with these two settings.
    config.maxRedirects === 0 &&
    config.decompress === false &&
    config.transport === undefined &&
    config.lookup === undefined &&
    (data === undefined || data === null || typeof data === 'string' || Buffer.isBuffer(data)) &&
    (config.responseType === undefined || config.responseType === 'json' || config.responseType === 'text') &&
    config.signal === undefined &&
    config.cancelToken === undefined &&
    config.auth === undefined &&
    config.socketPath === undefined &&
    config.onUploadProgress === undefined &&
    config.onDownloadProgress === undefined
  );
}

/** The request headers as Node wants them, with the body's length. */
function outgoingHeaders(config: InternalAxiosRequestConfig, body: Buffer | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(AxiosHeaders.from(config.headers).toJSON() as Record<string, unknown>)) {
    if (typeof value === 'string' || typeof value === 'number' || value === true) out[name] = String(value);
    else if (Array.isArray(value)) out[name] = value.join(', ');
  }
  if (body) out['content-length'] = String(body.byteLength);
  return out;
}

/** Settles like axios's own adapters: resolved when `validateStatus` accepts the status. */
function settle(
  config: InternalAxiosRequestConfig,
  response: AxiosResponse<string>,
  resolve: (r: AxiosResponse<string>) => void,
  reject: (e: unknown) => void,
): void {
  const validate = config.validateStatus;
  if (!validate || validate(response.status)) {
    resolve(response);
    return;
  }
  const code = response.status >= 500 ? AxiosError.ERR_BAD_RESPONSE : AxiosError.ERR_BAD_REQUEST;
  reject(
    new AxiosError(
      `Request failed with status code ${response.status}`,
      code,
      config,
      response.request as unknown,
      response,
    ),
  );
}

/** Reads the answer's body, up to `limit` bytes. */
function collect(
  config: InternalAxiosRequestConfig,
  req: ClientRequest,
  res: IncomingMessage,
  limit: number,
  resolve: (r: AxiosResponse<string>) => void,
  reject: (e: unknown) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    size += chunk.byteLength;
    if (size > limit) {
      req.destroy();
      res.destroy();
      reject(new AxiosError(`maxContentLength size of ${limit} exceeded`, AxiosError.ERR_BAD_RESPONSE, config, req));
      return;
    }
    chunks.push(chunk);
  });
  res.on('error', (err) => reject(AxiosError.from(err, undefined, config, req)));
  res.on('end', () => {
    if (size > limit) return;
    const response: AxiosResponse<string> = {
      data: (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks))?.toString('utf8') ?? '',
      status: res.statusCode ?? 0,
      statusText: res.statusMessage ?? '',
      headers: AxiosHeaders.from(res.headers as Record<string, string>),
      config,
      request: req,
    };
    settle(config, response, resolve, reject);
  });
}

/**
 * The adapter: the lean path for plain requests, `fallback` (axios's own
 * Node adapter by default) for the rest.
 */
export function leanAdapter(fallback: AxiosAdapter = axios.getAdapter('http')): AxiosAdapter {
  return (config) => {
    if (!isPlain(config)) return fallback(config);
    const url = new URL(
      config.params !== undefined || config.baseURL !== undefined ? axios.getUri(config) : (config.url ?? ''),
    );
    const data: unknown = config.data;
    const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.isBuffer(data) ? data : undefined;
    const limit =
      config.maxContentLength !== undefined && config.maxContentLength > 0
        ? config.maxContentLength
        : DEFAULT_MAX_RESPONSE_BYTES;
    const secure = url.protocol === 'https:';
    return new Promise<AxiosResponse<string>>((resolve, reject) => {
      const req = (secure ? httpsRequest : httpRequest)(
        {
          protocol: url.protocol,
          hostname: url.hostname.replace(/^\[|\]$/g, ''),
          port: url.port || undefined,
          path: `${url.pathname}${url.search}`,
          method: (config.method ?? 'get').toUpperCase(),
          agent: (secure ? config.httpsAgent : config.httpAgent) as RequestOptions['agent'],
          headers: outgoingHeaders(config, body),
        },
        (res) => collect(config, req, res, limit, resolve, reject),
      );
      req.on('error', (err: NodeJS.ErrnoException) => reject(AxiosError.from(err, err.code, config, req)));
      if (config.timeout) {
        req.setTimeout(config.timeout, () => {
          req.destroy();
          reject(new AxiosError(`timeout of ${config.timeout}ms exceeded`, AxiosError.ECONNABORTED, config, req));
        });
      }
      req.end(body);
    });
  };
}
