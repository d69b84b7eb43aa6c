import { pino } from 'pino';
import { redactJsonLine } from './redact.ts';

export type Logger = pino.Logger;

export interface LoggerOptions {
  service: string;
  level?: string;
  /** Where JSON lines go; stdout when omitted. Tests pass a memory stream. */
  destination?: pino.DestinationStream;
}

/**
 * JSON logger for every process. Redaction happens on the finished line (see redactJsonLine)
 * rather than through pino's fixed redact paths, so a secret is masked at any depth, inside
 * serialized errors and child bindings too, and inside URLs embedded in messages.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const options: pino.LoggerOptions = {
    level: opts.level ?? 'info',
    base: { service: opts.service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    hooks: { streamWrite: redactJsonLine },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
