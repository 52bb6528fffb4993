// `kubectl dbg list` output, shaped like `kubectl get`: upper-case headers,
// columns three spaces apart, kubectl's AGE format, <none> for empty cells.

import type { DebugSession } from '../crds/types.ts';

export interface TableOptions {
  allNamespaces: boolean;
  wide: boolean;
  now: Date;
}

export function sessionTable(sessions: DebugSession[], opts: TableOptions): string {
  const headers = ['NAME', 'POD', 'CONTAINER', 'NODE', 'PHASE', 'AGE'];
  if (opts.wide) headers.push('IMAGE', 'REASON', 'CLIENTS');
  if (opts.allNamespaces) headers.unshift('NAMESPACE');
  const rows = sessions.map((s) => {
    const status = s.status ?? {};
    const row = [
      s.metadata.name ?? '',
      status.target?.pod ?? targetText(s),
      status.target?.container ?? s.spec.target.container ?? '<none>',
      status.target?.nodeName ?? '<none>',
      status.phase ?? 'Pending',
      s.metadata.creationTimestamp ? humanDuration(opts.now.getTime() - Date.parse(s.metadata.creationTimestamp)) : '<unknown>',
    ];
    if (opts.wide) row.push(status.runtime?.image ?? s.spec.image ?? '<default>', reasonOf(s), String(status.runtime?.attachedClients ?? 0));
    if (opts.allNamespaces) row.unshift(s.metadata.namespace ?? '');
    return row;
  });
  return formatColumns([headers, ...rows]);
}

/** The pod a session asked for, before the operator resolved a selector or workload. */
function targetText(s: DebugSession): string {
  const t = s.spec.target;
  if (t.pod) return t.pod;
  if (t.workload) return `${t.workload.kind.toLowerCase()}/${t.workload.name}`;
  if (t.selector) return Object.entries(t.selector.matchLabels).map(([k, v]) => `${k}=${v}`).join(',');
  return '<none>';
}

/** Why it ended, or what it waits for. */
function reasonOf(s: DebugSession): string {
  const conditions = s.status?.conditions ?? [];
  const finished = conditions.find((c) => c.type === 'Finished' && c.status === 'True');
  const pending = conditions.find((c) => c.status !== 'True');
  return finished?.reason ?? pending?.reason ?? '<none>';
}

export function formatColumns(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]! + 3))).join('')).join('\n') + '\n';
}

/** kubectl's HumanDuration (k8s.io/apimachinery/pkg/util/duration): precise when young, coarse when old. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const years = Math.floor(hours / 24 / 365);
  if (years < 8) {
    const days = Math.floor(hours / 24) % 365;
    return days === 0 ? `${years}y` : `${years}y${days}d`;
  }
  return `${years}y`;
}
