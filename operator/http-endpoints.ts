// Plain HTTP endpoints for the kubelet and Prometheus: /healthz, /readyz,
// /metrics. Bound to the address given, loopback by default.

import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Route = () => Promise<{ status: number; body: string; contentType?: string }>;

export async function serve(address: string, routes: Record<string, Route>): Promise<http.Server> {
  const [host, port] = splitHostPort(address);
  const server = http.createServer(async (req, res) => {
    const route = routes[(req.url ?? '/').split('?')[0]!];
    if (!route) {
      res.writeHead(404).end('not found\n');
      return;
    }
    try {
      const { status, body, contentType } = await route();
      res.writeHead(status, { 'content-type': contentType ?? 'text/plain' }).end(body);
    } catch (err) {
      res.writeHead(500).end(`${(err as Error).message}\n`);
    }
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  return server;
}

export function splitHostPort(address: string): [string, number] {
  const i = address.lastIndexOf(':');
  if (i < 0) throw new Error(`address "${address}" must be host:port`);
  const port = Number(address.slice(i + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`address "${address}" has no valid port`);
  return [address.slice(0, i).replace(/^\[|\]$/g, '') || '127.0.0.1', port];
}

export const boundPort = (server: http.Server) => (server.address() as AddressInfo).port;
