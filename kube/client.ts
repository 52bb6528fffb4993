// A small JSON client for the Kubernetes REST API: what the three programs
// need (get, list, create, patch, server-side apply, delete, watch streams)
// over one keep-alive HTTPS agent, with API errors as KubeError.

import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { Credentials } from './kubeconfig.ts';

export class KubeError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'KubeError';
  }
}

export const isNotFound = (err: unknown) => err instanceof KubeError && err.code === 404;
export const isConflict = (err: unknown) => err instanceof KubeError && err.code === 409;

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
}

export const PATCH = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

/** Called once per request sent, watches and other streams included: how a program counts its API traffic. */
export type RequestHook = (method: string, path: string, opts: RequestOptions) => void;

export class KubeClient {
  private readonly agent: https.Agent;

  constructor(
    readonly credentials: Credentials,
    private readonly onRequest?: RequestHook,
  ) {
    this.agent = new https.Agent({
      keepAlive: true,
      ca: credentials.ca,
      cert: credentials.cert,
      key: credentials.key,
      rejectUnauthorized: !credentials.insecureSkipTLSVerify,
    });
  }

  get namespace(): string {
    return this.credentials.namespace;
  }

  async request<T = any>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.open(method, path, opts);
    const text = await readAll(res);
    if ((res.statusCode ?? 500) >= 300) throw errorFrom(res.statusCode ?? 500, text);
    return text ? JSON.parse(text) : (undefined as T);
  }

  /** Opens a streaming response (watch, logs); the caller reads and destroys it. */
  async stream(path: string, opts: RequestOptions = {}): Promise<IncomingMessage> {
    const res = await this.open('GET', path, opts);
    if ((res.statusCode ?? 500) >= 300) throw errorFrom(res.statusCode ?? 500, await readAll(res));
    return res;
  }

  /** Headers that authenticate a request made outside this client (e.g. a WebSocket). */
  async authHeaders(): Promise<Record<string, string | string[]>> {
    const token = await this.credentials.token?.();
    const headers: Record<string, string | string[]> = token ? { authorization: `Bearer ${token}` } : {};
    // Ignoring a kubeconfig's impersonation would act with the real user's
    // rights where the user asked for fewer.
    const as = this.credentials.impersonate;
    if (as) {
      headers['impersonate-user'] = as.user;
      if (as.groups?.length) headers['impersonate-group'] = as.groups;
      if (as.uid) headers['impersonate-uid'] = as.uid;
      for (const [key, values] of Object.entries(as.extra ?? {})) headers[`impersonate-extra-${encodeURIComponent(key)}`] = values;
    }
    return headers;
  }

  /** TLS options for connections made outside this client. */
  tlsOptions(): https.RequestOptions {
    const c = this.credentials;
    return { ca: c.ca, cert: c.cert, key: c.key, rejectUnauthorized: !c.insecureSkipTLSVerify };
  }

  url(path: string, query?: Query): URL {
    const url = new URL(path, this.credentials.server);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  close(): void {
    this.agent.destroy();
  }

  private async open(method: string, path: string, opts: RequestOptions): Promise<IncomingMessage> {
    this.onRequest?.(method, path, opts);
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const headers: Record<string, string | string[]> = { accept: 'application/json', ...(await this.authHeaders()) };
    if (body !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
    return new Promise((resolve, reject) => {
      const req = https.request(this.url(path, opts.query), { method, headers, agent: this.agent, signal: opts.signal }, resolve);
      req.on('error', reject);
      req.end(body);
    });
  }
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

function errorFrom(code: number, text: string): KubeError {
  try {
    const status = JSON.parse(text);
    return new KubeError(code, status.reason ?? '', status.message ?? text);
  } catch {
    return new KubeError(code, '', text.slice(0, 500) || `HTTP ${code}`);
  }
}
