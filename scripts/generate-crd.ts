// Writes the DebugSession CRD manifest from crds/schema.ts.
import { writeFileSync } from 'node:fs';
import { CRD_FILE, debugSessionCRD } from '../crds/crd.ts';
import { renderCRD } from '../crds/render.ts';

writeFileSync(CRD_FILE, renderCRD(debugSessionCRD()));
console.log(`wrote ${CRD_FILE}`);
