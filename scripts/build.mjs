// Bundles each program into one file under dist/: a bundle starts faster than
// hundreds of small modules (the CLI's time to first request) and only what
// a program imports ends up in it (the agent's memory).
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const programs = { cli: 'cli/main.ts', operator: 'operator/main.ts', 'node-agent': 'node-agent/main.ts' };

// Every program is CommonJS: Node builds an ES module namespace for every
// builtin an ESM file imports, which runs all its lazy getters (node:fs loads
// readline, node:util worker_threads, node:crypto webcrypto, node:http undici):
// 5-10 ms of the CLI's every start and megabytes of the agent's resident
// memory. require() reads only what is used. yargs-parser's ESM build asks
// import.meta.url for a createRequire base; a CommonJS file has __filename.
const banner = "var __importMetaUrl = require('node:url').pathToFileURL(__filename).href;";

await Promise.all(
  Object.entries(programs)
    .filter(([, entry]) => existsSync(entry))
    .map(([name, entry]) =>
      build({
        entryPoints: [entry],
        outfile: `dist/${name}.cjs`,
        bundle: true,
        platform: 'node',
        format: 'cjs',
        define: { 'import.meta.url': '__importMetaUrl' },
        target: 'node24',
        sourcemap: true,
        logLevel: 'warning',
        // yargs lays out --help with string-width, which builds an emoji regex
        // and an Intl.Segmenter at every start (30-70 ms of the CLI's start-up).
        alias: name === 'cli' ? { 'string-width': './cli/string-width-lite.ts' } : {},
        banner: { js: banner },
      }),
    ),
);
