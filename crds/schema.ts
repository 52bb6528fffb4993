// The structural OpenAPI schema of DebugSession v1alpha1. The API server
// rejects what breaks it, with the message given here, so clients never see a
// session the operator cannot understand.

type Schema = Record<string, unknown>;

const DNS1123_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const DNS1123_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
// A Docker image reference: [registry[:port]/]path[:tag][@digest], lowercase path.
const IMAGE_REFERENCE =
  '^[a-zA-Z0-9]+([._-][a-zA-Z0-9]+)*(:[0-9]+)?(/[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$';
const LABEL_KEY = '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$';
const LABEL_VALUE = '^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$';

const str = (extra: Schema = {}): Schema => ({ type: 'string', ...extra });
const int = (minimum: number, maximum: number, extra: Schema = {}): Schema => ({
  type: 'integer', format: 'int32', minimum, maximum, ...extra,
});
const stringList = (maxItems: number, description: string): Schema => ({
  type: 'array', maxItems, description, items: str({ maxLength: 4096 }),
});

const target: Schema = {
  type: 'object',
  description: 'What to debug: exactly one of pod, selector or workload, in the session\'s own namespace.',
  properties: {
    pod: str({ maxLength: 253, pattern: DNS1123_SUBDOMAIN, description: 'Name of a pod in this namespace.' }),
    selector: {
      type: 'object',
      description: 'Pods with all these labels; the operator picks the oldest running one, ties broken by name.',
      required: ['matchLabels'],
      properties: {
        matchLabels: {
          type: 'object', minProperties: 1, maxProperties: 32,
          additionalProperties: str({ maxLength: 63, pattern: LABEL_VALUE }),
          'x-kubernetes-validations': [{
            rule: 'self.all(k, k.size() <= 317 && k.matches(\'' + LABEL_KEY.replaceAll('\\', '\\\\') + '\'))',
            message: 'selector.matchLabels keys must be valid label keys',
          }],
        },
      },
    },
    workload: {
      type: 'object',
      description: 'A workload in this namespace whose running pods are candidates, picked as for selector.',
      required: ['kind', 'name'],
      properties: {
        kind: str({ enum: ['Deployment', 'StatefulSet', 'DaemonSet'] }),
        name: str({ maxLength: 253, pattern: DNS1123_SUBDOMAIN }),
      },
    },
    container: str({ maxLength: 63, pattern: DNS1123_LABEL, description: 'Container to join; default: the pod\'s first container.' }),
  },
  'x-kubernetes-validations': [{
    rule: '[has(self.pod), has(self.selector), has(self.workload)].filter(x, x).size() == 1',
    message: 'spec.target needs exactly one of pod, selector or workload',
  }],
};

const attach: Schema = {
  type: 'object',
  description: 'Hash of a one-time secret a client presents to the agent; writing it needs RBAC on this session.',
  required: ['tokenSHA256', 'expiresAt'],
  properties: {
    tokenSHA256: str({ pattern: '^[a-f0-9]{64}$', description: 'Lowercase hex SHA-256 of the secret.' }),
    expiresAt: str({ format: 'date-time', description: 'The secret is refused after this instant.' }),
  },
};

/** Fields that may never change after creation; everything in spec but attach. */
export const IMMUTABLE_SPEC_FIELDS = [
  'target', 'image', 'imagePullPolicy', 'command', 'args', 'tty', 'stdin',
  'activeDeadlineSeconds', 'idleTimeoutSeconds',
] as const;

const immutabilityRule = IMMUTABLE_SPEC_FIELDS
  .map((f) => `has(self.${f}) == has(oldSelf.${f}) && (!has(self.${f}) || self.${f} == oldSelf.${f})`)
  .join(' && ');

export const specSchema: Schema = {
  type: 'object',
  required: ['target'],
  properties: {
    target,
    image: str({ maxLength: 512, pattern: IMAGE_REFERENCE, description: 'Debug image; default: the agent\'s tools image.' }),
    imagePullPolicy: str({ enum: ['Always', 'IfNotPresent', 'Never'], default: 'IfNotPresent' }),
    command: stringList(64, 'Replaces the image entrypoint; default: a shell.'),
    args: stringList(256, 'Arguments to the command.'),
    tty: { type: 'boolean', default: false, description: 'Allocate a terminal.' },
    stdin: { type: 'boolean', default: false, description: 'Keep stdin open for a client; false for unattended commands.' },
    activeDeadlineSeconds: int(10, 604800, { default: 3600, description: 'Seconds from creation until the session is ended.' }),
    idleTimeoutSeconds: int(10, 86400, { default: 900, description: 'Seconds without an attached client before a running session is ended.' }),
    attach,
  },
  'x-kubernetes-validations': [{
    rule: immutabilityRule,
    message: 'spec is immutable after creation, except spec.attach',
  }],
};

const time = (description: string): Schema => str({ format: 'date-time', description });

const condition: Schema = {
  type: 'object',
  required: ['type', 'status', 'reason', 'message', 'lastTransitionTime'],
  properties: {
    type: str({ maxLength: 316 }),
    status: str({ enum: ['True', 'False', 'Unknown'] }),
    reason: str({ maxLength: 1024 }),
    message: str({ maxLength: 32768 }),
    lastTransitionTime: str({ format: 'date-time' }),
    observedGeneration: { type: 'integer', format: 'int64', minimum: 0 },
  },
};

export const statusSchema: Schema = {
  type: 'object',
  properties: {
    phase: str({ enum: ['Pending', 'Assigned', 'Running', 'Succeeded', 'Failed'] }),
    message: str({ maxLength: 4096 }),
    conditions: {
      type: 'array', maxItems: 16, items: condition,
      'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'],
    },
    target: {
      type: 'object',
      properties: {
        pod: str(), podUID: str(), container: str(), nodeName: str(), hostIP: str(),
      },
    },
    agent: {
      type: 'object',
      properties: { name: str(), endpoint: str() },
    },
    startTime: time('When the operator first accepted the session.'),
    completionTime: time('When the session ended.'),
    runtime: {
      type: 'object',
      properties: {
        containerID: str(),
        image: str(),
        attachURL: str(),
        certificateSHA256: str({ pattern: '^[a-f0-9]{64}$' }),
        startedAt: time('When the debug container started.'),
        finishedAt: time('When the debug container exited.'),
        exitCode: { type: 'integer', format: 'int32' },
        attachedClients: { type: 'integer', format: 'int32', minimum: 0 },
        lastActivityAt: time('Last attach or detach.'),
        outputTail: str({ maxLength: 4096 }),
        recordingBytes: { type: 'integer', format: 'int64', minimum: 0 },
        containerRemoved: { type: 'boolean' },
      },
    },
  },
};
