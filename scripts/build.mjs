// Bundles each program into one file under dist/: a bundle starts faster than
// hundreds of small modules (the CLI's time to first request) and only what
// a program imports ends up in it (the agent's memory).
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const programs = { cli: 'cli/main.ts', operator: 'operator/main.ts', 'node-agent': 'node-agent/main.ts' };

await Promise.all(
  Object.entries(programs)
    .filter(([, entry]) => existsSync(entry))
    .map(([name, entry]) =>
      build({
        entryPoints: [entry],
        outfile: `dist/${name}.mjs`,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node24',
        sourcemap: true,
        logLevel: 'warning',
        // yargs lays out --help with string-width, which builds an emoji regex
        // and an Intl.Segmenter at every start (30-70 ms of the CLI's start-up).
        alias: name === 'cli' ? { 'string-width': './cli/string-width-lite.ts' } : {},
        // Bundled CommonJS dependencies still call require().
        banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
      }),
    ),
);
