// A TCP connection to a pod's port through the API server's pods/portforward
// subresource, as a Duplex stream: how the CLI reaches an agent whose node
// address is not routable from the user's machine. WebSocket protocol
// v4.channel.k8s.io: for the one port asked for, channel 0 carries data and
// channel 1 errors, and the first frame on each is the port number
// (2 bytes, little-endian), which is not data.

import { Duplex } from 'node:stream';
import WebSocket from 'ws';
import type { KubeClient } from '../kube/client.ts';

const DATA = 0;
const ERROR = 1;
export const PORT_FORWARD_PROTOCOLS = ['v4.channel.k8s.io'];

export class PortForwardStream extends Duplex {
  private readonly portSeen = [false, false];

  constructor(private readonly ws: WebSocket) {
    super();
    ws.on('message', (data: Buffer) => this.receive(data));
    ws.on('close', () => this.push(null));
    ws.on('error', (err) => this.destroy(err));
  }

  private receive(frame: Buffer): void {
    const channel = frame[0];
    if (channel !== DATA && channel !== ERROR) return;
    let payload = frame.subarray(1);
    if (!this.portSeen[channel]) {
      this.portSeen[channel] = true;
      payload = payload.subarray(2);
    }
    if (payload.length === 0) return;
    if (channel === ERROR) {
      this.destroy(new Error(`port-forward through the API server failed: ${payload.toString('utf8').trim()}`));
      return;
    }
    if (!this.push(payload)) this.ws.pause();
  }

  override _read(): void {
    this.ws.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    if (this.ws.readyState !== WebSocket.OPEN) return done(new Error('port-forward connection is closed'));
    this.ws.send(Buffer.concat([Buffer.of(DATA), chunk]), done);
  }

  override _final(done: (err?: Error | null) => void): void {
    // The protocol has no half-close: ending our side ends the connection.
    this.ws.close();
    done();
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
    done(err);
  }
}

/** Opens a port-forward to `pod`'s `port`; rejects with the API server's answer when it refuses. */
export async function portForward(kube: KubeClient, namespace: string, pod: string, port: number): Promise<PortForwardStream> {
  const url = kube.url(`/api/v1/namespaces/${namespace}/pods/${pod}/portforward`, { ports: port });
  url.protocol = url.protocol === 'http:' ? 'ws:' : 'wss:';
  const ws = new WebSocket(url, PORT_FORWARD_PROTOCOLS, {
    ...kube.tlsOptions(),
    headers: await kube.authHeaders(),
    perMessageDeflate: false,
    handshakeTimeout: 15_000,
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('utf8')));
      res.on('end', () => {
        let message = body.trim();
        try {
          message = JSON.parse(body).message ?? message;
        } catch {}
        reject(new Error(`the API server refused port-forward to pod ${namespace}/${pod}: HTTP ${res.statusCode}${message ? `: ${message}` : ''}`));
      });
      ws.terminate();
    });
    ws.once('error', reject);
    ws.once('open', () => {
      ws.off('error', reject);
      resolve();
    });
  });
  return new PortForwardStream(ws);
}
