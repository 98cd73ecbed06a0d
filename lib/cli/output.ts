/** A value printed in a JSON line; bigints become strings. */
export type OutputFields = Record<string, unknown>;

export interface OutputOptions {
  json: boolean;
  verbose: boolean;
  /** Applied to every printed string: hides secrets a description may contain. */
  redact: (text: string) => string;
  /** Default process.stdout. */
  stream?: NodeJS.WritableStream;
}

/**
 * Prints events to standard output, either as `HH:MM:SS.mmm <text>` lines or as one JSON
 * object per line. Every string goes through the redaction function first.
 */
export class Output {
  readonly json: boolean;
  readonly verbose: boolean;
  #redact: (text: string) => string;
  readonly #stream: NodeJS.WritableStream;

  constructor(options: OutputOptions) {
    this.json = options.json;
    this.verbose = options.verbose;
    this.#redact = options.redact;
    this.#stream = options.stream ?? process.stdout;
  }

  /** Replaces the redaction function, e.g. once the description is known. */
  setRedactor(redact: (text: string) => string): void {
    this.#redact = redact;
  }

  redact(text: string): string {
    return this.#redact(text);
  }

  /** Prints one event: `text` on a human line, or `{time, event, ...fields}` as JSON. */
  event(event: string, text: string, fields: OutputFields = {}): void {
    const now = new Date();
    if (this.json) {
      const record = { time: now.toISOString(), event, ...fields };
      this.#stream.write(`${JSON.stringify(record, (_key, value) => this.#jsonValue(value))}\n`);
    } else {
      this.#stream.write(`${formatClock(now)} ${this.#redact(text)}\n`);
    }
  }

  #jsonValue(value: unknown): unknown {
    if (typeof value === 'bigint') {
      return value.toString();
    }
    if (typeof value === 'string') {
      return this.#redact(value);
    }
    return value;
  }
}

/** Formats local time as HH:MM:SS.mmm. */
export function formatClock(date: Date): string {
  const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
  return (
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.` +
    pad(date.getMilliseconds(), 3)
  );
}

/** Formats a duration in seconds as "2d 3h", "1h 2m", "3m 4s" or "5s". */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const days = Math.floor(total / 86400);
  const hours = Math.floor((total % 86400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = total % 60;
  if (days > 0) {
    return `${days}d ${hours}h`;
  }
  if (hours > 0) {
    return `${hours}h ${minutes}m`;
  }
  return minutes > 0 ? `${minutes}m ${rest}s` : `${rest}s`;
}
