// What the user sees while a session starts: on a terminal one spinner line
// rewritten in place; otherwise (CI logs, `2> file`) one plain line per change,
// so nothing is full of carriage returns.

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface Progress {
  /** Shows the current state; repeated text is not printed twice. */
  update(text: string): void;
  /** Prints a line above the spinner. */
  note(line: string): void;
  /** Removes the spinner; call before the terminal is handed to the session. */
  stop(): void;
}

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(chunk: string): unknown;
}

export function createProgress(stream: ProgressStream, prefix: string): Progress {
  let text = '';
  if (!stream.isTTY) {
    return {
      update(next) {
        if (next !== text) stream.write(`${prefix}: ${next}\n`);
        text = next;
      },
      note: (line) => stream.write(`${line}\n`),
      stop() {},
    };
  }
  let frame = 0;
  let shown = false;
  const draw = () => {
    const line = `${FRAMES[frame++ % FRAMES.length]} ${prefix}: ${text}`;
    // Longer than the terminal would wrap, and \r would then redraw only the last row.
    const width = Math.max((stream.columns ?? 80) - 1, 10);
    stream.write(`\r\x1b[K${line.length > width ? line.slice(0, width - 1) + '…' : line}`);
    shown = true;
  };
  const clear = () => {
    if (shown) stream.write('\r\x1b[K');
    shown = false;
  };
  let timer: NodeJS.Timeout | undefined = setInterval(draw, 100);
  timer.unref();
  return {
    update(next) {
      text = next;
      if (timer) draw();
    },
    note(line) {
      clear();
      stream.write(`${line}\n`);
      if (timer) draw();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
      clear();
    },
  };
}
