// Kubernetes Events about a session: what `kubectl describe` and
// `kubectl get events` show a user about each transition.

import { API_VERSION, KIND, type DebugSession } from '../crds/types.ts';
import type { KubeClient } from '../kube/client.ts';
import type { Logger } from '../log/logger.ts';

export type EventType = 'Normal' | 'Warning';

export class EventRecorder {
  constructor(
    private readonly kube: KubeClient,
    private readonly component: string,
    private readonly log: Logger,
  ) {}

  async record(session: DebugSession, type: EventType, reason: string, message: string): Promise<void> {
    const { name, namespace, uid } = session.metadata;
    const now = new Date().toISOString();
    try {
      await this.kube.request('POST', `/api/v1/namespaces/${namespace}/events`, {
        body: {
          apiVersion: 'v1', kind: 'Event',
          metadata: { generateName: `${name}.`, namespace },
          involvedObject: { apiVersion: API_VERSION, kind: KIND, name, namespace, uid },
          type, reason, message: message.slice(0, 1024),
          source: { component: this.component },
          reportingComponent: this.component,
          firstTimestamp: now, lastTimestamp: now, count: 1,
        },
      });
    } catch (err) {
      // An Event is a courtesy to the user; failing to write one must not fail the reconcile.
      this.log.warn({ session: `${namespace}/${name}`, reason, err }, 'Failed to record event');
    }
  }
}
