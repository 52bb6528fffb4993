// Structured logs: a constant, capitalised, past-tense message plus fields.
// JSON lines when not on a terminal (in the cluster), readable on a terminal.
// Never pass secrets as fields; `redact` drops the usual suspects anyway.

export type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEYS = /token|secret|password|authorization|key$/i;

export interface Logger {
  debug(fields: object, msg: string): void;
  info(fields: object, msg: string): void;
  warn(fields: object, msg: string): void;
  error(fields: object, msg: string): void;
  child(fields: object): Logger;
}

export interface LoggerOptions {
  level?: Level;
  json?: boolean;
  write?: (line: string) => void;
}

export function createLogger(base: object = {}, opts: LoggerOptions = {}): Logger {
  const min = ORDER[opts.level ?? ((process.env.LOG_LEVEL as Level) || 'info')] ?? ORDER.info;
  const json = opts.json ?? !process.stderr.isTTY;
  const write = opts.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const log = (level: Level) => (fields: object, msg: string) => {
    if (ORDER[level] < min) return;
    const all = redact({ ...base, ...fields });
    if (json) {
      write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...all }));
    } else {
      const kv = Object.entries(all).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
      write(`${new Date().toISOString().slice(11, 23)} ${level.toUpperCase().padEnd(5)} ${msg} ${kv.join(' ')}`.trimEnd());
    }
  };
  return {
    debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'),
    child: (fields) => createLogger({ ...base, ...fields }, opts),
  };
}

function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (SECRET_KEYS.test(k)) out[k] = '[redacted]';
    else if (v instanceof Error) out[k] = v.message;
    else out[k] = v;
  }
  return out;
}
