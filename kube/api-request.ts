// Names a REST request the way the API server's own apiserver_request_total
// does (verb LIST/WATCH/GET/POST/PUT/PATCH/APPLY/DELETE, resource with its
// subresource), so a program's count of what it sent reads side by side with
// what the API server counted.

import { PATCH, type RequestOptions } from './client.ts';

export interface RequestKind {
  verb: string;
  /** Plural resource, with `/subresource` when there is one: `pods`, `debugsessions/status`. */
  resource: string;
}

export function describeRequest(method: string, path: string, opts: Pick<RequestOptions, 'query' | 'contentType'> = {}): RequestKind {
  const { resource, named } = resourceOf(path);
  const verb = method.toUpperCase();
  if (verb === 'GET' && (opts.query?.watch === true || opts.query?.watch === 'true')) return { verb: 'WATCH', resource };
  if (verb === 'GET' && !named) return { verb: 'LIST', resource };
  if (verb === 'PATCH' && opts.contentType === PATCH.apply) return { verb: 'APPLY', resource };
  return { verb, resource };
}

/** `/api/v1/namespaces/ns/pods/web/status` → `pods/status`, named; a collection is not named. */
function resourceOf(path: string): { resource: string; named: boolean } {
  const parts = path.split('?')[0]!.split('/').filter(Boolean);
  // /api/v1/... or /apis/<group>/<version>/...
  let rest = parts[0] === 'api' ? parts.slice(2) : parts[0] === 'apis' ? parts.slice(3) : parts;
  // namespaces/<ns>/<resource>..., but `namespaces` and `namespaces/<ns>` are the namespaces themselves.
  if (rest[0] === 'namespaces' && rest.length > 2) rest = rest.slice(2);
  const [resource = 'unknown', name, subresource] = rest;
  return { resource: subresource ? `${resource}/${subresource}` : resource, named: name !== undefined };
}
