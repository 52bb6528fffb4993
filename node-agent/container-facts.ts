// What status reports of a container, read from Docker's inspect. Docker
// writes the zero time (0001-01-01) for "not yet", which status leaves out.

import type { ContainerFacts } from './agent-status.ts';
import type { ContainerDetails } from './docker/engine.ts';

export function containerFacts(d: ContainerDetails): ContainerFacts {
  const exited = d.State.Status === 'exited' || d.State.Status === 'dead';
  const time = (t: string) => (t && !t.startsWith('0001-') ? new Date(t).toISOString() : undefined);
  return {
    containerID: d.Id,
    image: d.Config.Image,
    startedAt: time(d.State.StartedAt),
    exitCode: exited ? d.State.ExitCode : undefined,
    finishedAt: exited ? time(d.State.FinishedAt) : undefined,
  };
}
