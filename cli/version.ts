// The version `kubectl dbg --version` prints: the package's, read at build
// time (esbuild inlines the JSON), so nothing is searched for at start-up.

import pkg from '../package.json' with { type: 'json' };

export const CLI_VERSION: string = pkg.version;
