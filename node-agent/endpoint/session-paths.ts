// The agent's URLs: what it publishes in status and what it serves.
// `/sessions/<namespace>/<name>/{attach,recording,logs}`.

export type SessionAction = 'attach' | 'recording' | 'logs';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const ACTIONS: readonly string[] = ['attach', 'recording', 'logs'];

export interface SessionPath {
  namespace: string;
  name: string;
  action: SessionAction;
}

/** undefined for anything but a well-formed session path; names are checked as Kubernetes checks them. */
export function parseSessionPath(url: string | undefined): SessionPath | undefined {
  const path = (url ?? '').split('?', 1)[0]!;
  const parts = path.split('/');
  if (parts.length !== 5 || parts[0] !== '' || parts[1] !== 'sessions') return undefined;
  const [, , namespace, name, action] = parts as [string, string, string, string, string];
  if (namespace.length > 63 || !DNS_LABEL.test(namespace)) return undefined;
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) return undefined;
  if (!ACTIONS.includes(action)) return undefined;
  return { namespace, name, action: action as SessionAction };
}

/** host:port as URLs want it (IPv6 in brackets). */
export function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export function attachURL(advertise: string, port: number, namespace: string, name: string): string {
  return `wss://${hostPort(advertise, port)}/sessions/${namespace}/${name}/attach`;
}

export function endpointURL(advertise: string, port: number): string {
  return `https://${hostPort(advertise, port)}`;
}
