// The CustomResourceDefinition object, built from schema.ts. `npm run generate`
// writes it to config/crd/; a test fails when the file is stale.

import { GROUP, KIND, PLURAL, VERSION } from './types.ts';
import { specSchema, statusSchema } from './schema.ts';

export const CRD_FILE = 'config/crd/debugsessions.yaml';

export function debugSessionCRD(): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${PLURAL}.${GROUP}` },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: {
        kind: KIND,
        listKind: `${KIND}List`,
        plural: PLURAL,
        singular: 'debugsession',
        shortNames: ['dbg'],
        categories: ['debug'],
      },
      versions: [{
        name: VERSION,
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: [
          { name: 'Pod', type: 'string', jsonPath: '.status.target.pod' },
          { name: 'Container', type: 'string', jsonPath: '.status.target.container' },
          { name: 'Node', type: 'string', jsonPath: '.status.target.nodeName' },
          { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
        schema: {
          openAPIV3Schema: {
            type: 'object',
            description: 'A request to run a debug container inside the namespaces of a running pod\'s container.',
            required: ['spec'],
            properties: {
              apiVersion: { type: 'string' },
              kind: { type: 'string' },
              metadata: { type: 'object' },
              spec: specSchema,
              status: statusSchema,
            },
          },
        },
      }],
    },
  };
}
