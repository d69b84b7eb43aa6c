import type { IncomingMessage } from 'node:http';
import type { pino } from 'pino';
import type { Logger } from './logger.ts';
import { correlationIdOf } from './request-id.ts';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
const state = Symbol('request-logger');

interface LazyState {
  parent: Logger;
  bindings: pino.Bindings;
  raw: IncomingMessage;
  child: Logger | undefined;
}

type LazyLogger = Logger & { [state]: LazyState };

function realChild(lazy: LazyLogger): Logger {
  const s = lazy[state];
  if (!s.child) {
    const requestId = String(s.bindings.requestId ?? '');
    s.child = s.parent.child({ ...s.bindings, correlationId: correlationIdOf(s.raw, requestId) });
  }
  return s.child;
}

const noop = () => {};

// One prototype per parent logger and level: a request's logger is then one small object, and
// a call below the level costs what it costs on pino (nothing).
const prototypes = new WeakMap<Logger, { levelValue: number; proto: object }>();

function prototypeFor(parent: Logger): object {
  const known = prototypes.get(parent);
  if (known && known.levelValue === parent.levelVal) return known.proto;
  // Reads the child does not override (level, isLevelEnabled, levels…) fall through to the parent.
  const proto = Object.create(parent) as object;
  for (const level of LEVELS) {
    Object.defineProperty(proto, level, {
      value: parent.isLevelEnabled(level) ? function log(this: LazyLogger, ...args: unknown[]) {
        (realChild(this)[level] as (...logArgs: unknown[]) => void)(...args);
      } : noop,
      writable: true,
      configurable: true,
    });
  }
  Object.defineProperties(proto, {
    child: { value(this: LazyLogger, ...args: Parameters<Logger['child']>) { return realChild(this).child(...args); } },
    bindings: { value(this: LazyLogger) { return realChild(this).bindings(); } },
    setBindings: { value(this: LazyLogger, bindings: pino.Bindings) { realChild(this).setBindings(bindings); } },
    flush: { value(this: LazyLogger, cb?: (error?: Error) => void) { realChild(this).flush(cb); } },
  });
  prototypes.set(parent, { levelValue: parent.levelVal, proto });
  return proto;
}

/**
 * The logger of one request, with `requestId` and `correlationId` bound. Building a pino
 * child serializes its bindings at once (~4 % of the CPU of an authenticated GET), and most
 * requests log nothing at the production level: the child is built on the first call of an
 * enabled level. Route-level log options (a level, serializers) need a real child at once.
 */
export function requestLogger(parent: Logger, bindings: pino.Bindings, options: pino.ChildLoggerOptions, raw: IncomingMessage): Logger {
  if (Object.keys(options).length > 0) {
    const requestId = String(bindings.requestId ?? '');
    return parent.child({ ...bindings, correlationId: correlationIdOf(raw, requestId) }, options);
  }
  const lazy = Object.create(prototypeFor(parent)) as LazyLogger;
  lazy[state] = { parent, bindings, raw, child: undefined };
  return lazy;
}
