// Structured JSON logs (winston). Fields are scalars or string lists by type, so a whole Kubernetes object
// (with managedFields, Secrets' data, ...) cannot be logged by accident: log its key instead.
import winston from 'winston';

export type LogValue = string | number | boolean | null | undefined | readonly string[];
export type LogFields = Readonly<Record<string, LogValue>>;

/** The logging surface the runtime uses; a winston logger satisfies it. */
export interface Logger {
  error(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  /** Minimum level: error, warn, info, debug. Default `LOG_LEVEL` or info. */
  level?: string;
  /** Drop everything (tests). Default false. */
  silent?: boolean;
  /** Where JSON lines go. Default stdout. */
  stream?: NodeJS.WritableStream;
  /** Fields on every line, e.g. `{ component: 'quota-operator' }`. */
  fields?: LogFields;
}

const levels = ['error', 'warn', 'info', 'debug'];

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  if (!levels.includes(level)) {
    throw new Error(
      `log level "${level}" is not one of ${levels.join(', ')} (set LOG_LEVEL or options.level)`,
    );
  }
  const winstonLogger = winston.createLogger({
    level,
    silent: options.silent ?? false,
    defaultMeta: options.fields ?? {},
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports: [
      options.stream
        ? new winston.transports.Stream({ stream: options.stream })
        : new winston.transports.Console({ stderrLevels: [] }),
    ],
  });
  const enabled = options.silent === true ? -1 : levels.indexOf(level);
  return new LevelledLogger(() => winstonLogger, enabled);
}

/**
 * Gates each line on its level before winston sees it, and makes a child's winston logger only when it first
 * writes. Every reconcile gets a child logger and a debug line; through winston, a line below the level still
 * ran its stream machinery and a child was built per reconcile, together about a tenth of the operator's CPU
 * on the decision path (docs/design.md, "What a decision costs").
 */
class LevelledLogger implements Logger {
  readonly #make: () => winston.Logger;
  /** The most verbose rank written (an index in `levels`); -1 writes nothing. */
  readonly #enabled: number;
  #winston: winston.Logger | undefined;

  constructor(make: () => winston.Logger, enabled: number) {
    this.#make = make;
    this.#enabled = enabled;
  }

  error(message: string, fields?: LogFields): void {
    this.#write(0, message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.#write(1, message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.#write(2, message, fields);
  }
  debug(message: string, fields?: LogFields): void {
    this.#write(3, message, fields);
  }
  child(fields: LogFields): Logger {
    if (this.#enabled < 0) return this;
    return new LevelledLogger(() => this.#target().child(fields), this.#enabled);
  }

  #target(): winston.Logger {
    this.#winston ??= this.#make();
    return this.#winston;
  }

  #write(rank: number, message: string, fields: LogFields | undefined): void {
    if (rank > this.#enabled) return;
    this.#target().log(levels[rank] as string, message, fields);
  }
}

/** The logger a controller's reconcile gets: `controller` and the object `key` on every line. */
export function reconcileLogger(base: Logger, controller: string, key: string): Logger {
  return base.child({ controller, key });
}

/** Loggable fields of an error: its message, plus the HTTP status and reason of an API error. */
export function errorFields(err: unknown): LogFields {
  if (err instanceof Error) {
    const status = (err as { status?: unknown }).status;
    const reason = (err as { reason?: unknown }).reason;
    return {
      error: err.message,
      ...(typeof status === 'number' ? { status } : {}),
      ...(typeof reason === 'string' && reason !== '' ? { reason } : {}),
    };
  }
  return { error: String(err) };
}
