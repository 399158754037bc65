import type { OutputStream } from "./io";

/** Reports what a long run is doing. */
export interface Progress {
  phase(text: string): void;
  count(text: string, done: number, total: number): void;
  stop(): void;
}

/** A progress reporter that says nothing (not a terminal, or `--json` to a pipe). */
export const SILENT_PROGRESS: Progress = { phase() {}, count() {}, stop() {} };

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/**
 * A one-line spinner on a terminal's stderr. It appears only once a run has taken longer than
 * `delayMs`, so quick checks print nothing extra, and it erases itself when the run ends.
 */
export function terminalProgress(stream: OutputStream, delayMs = 800): Progress {
  if (!stream.isTTY) return SILENT_PROGRESS;
  let text = "";
  let frame = 0;
  let shown = false;
  const started = Date.now();
  const render = () => {
    if (Date.now() - started < delayMs) return;
    shown = true;
    const width = Math.max(20, (stream.columns ?? 80) - 1);
    stream.write(`\r\u001b[2K${FRAMES[frame++ % FRAMES.length]} ${text}`.slice(0, width + 8));
  };
  const timer = setInterval(render, 100);
  timer.unref();
  return {
    phase(next) {
      text = next;
    },
    count(label, done, total) {
      text = `${label} ${done}/${total}`;
    },
    stop() {
      clearInterval(timer);
      if (shown) stream.write("\r\u001b[2K");
    },
  };
}
