// Pure helpers for the conditions list: set one condition, keeping its
// lastTransitionTime when its status did not change (as Kubernetes does).

import type { Condition } from './types.ts';

export type ConditionInput = Omit<Condition, 'lastTransitionTime'>;

export function setCondition(existing: Condition[] | undefined, next: ConditionInput, now: Date): Condition[] {
  const list = existing ?? [];
  const old = list.find((c) => c.type === next.type);
  const lastTransitionTime = old && old.status === next.status ? old.lastTransitionTime : now.toISOString();
  const updated: Condition = { ...next, lastTransitionTime };
  return old ? list.map((c) => (c.type === next.type ? updated : c)) : [...list, updated];
}

export function findCondition(list: Condition[] | undefined, type: string): Condition | undefined {
  return list?.find((c) => c.type === type);
}
