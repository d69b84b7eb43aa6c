import { checkScript } from './script.ts';
import type { FakeLlmFailure, FakeLlmScript } from './types.ts';

function isFailure(value: FakeLlmScript | FakeLlmFailure): value is FakeLlmFailure {
  return 'status' in value || 'stallAfterTokens' in value || 'dropAfterTokens' in value;
}

/** Throws a TypeError naming the bad field, so a mistyped test setup fails loudly. */
function checkFailure(failure: FakeLlmFailure): void {
  const [field, value] = 'status' in failure ? ['status', failure.status]
    : 'stallAfterTokens' in failure ? ['stallAfterTokens', failure.stallAfterTokens] : ['dropAfterTokens', failure.dropAfterTokens];
  const valid = field === 'status' ? Number.isInteger(value) && value >= 400 && value <= 599 : Number.isInteger(value) && value >= 0;
  if (!valid) throw new TypeError(`fake LLM failure: ${field} is out of range (got ${value})`);
  if ('retryAfterSeconds' in failure && failure.retryAfterSeconds !== undefined && !(failure.retryAfterSeconds >= 0)) {
    throw new TypeError('fake LLM failure: retryAfterSeconds must be >= 0');
  }
}

/** What the next chat completion does: the default script, per-model behaviour, and the failNext queue. */
export class Behaviour {
  private script: FakeLlmScript;
  private readonly models = new Map<string, FakeLlmScript | FakeLlmFailure>();
  private readonly queue: FakeLlmFailure[] = [];

  constructor(private readonly initial: FakeLlmScript = {}) {
    checkScript(initial);
    this.script = initial;
  }

  setScript(script: FakeLlmScript): void {
    checkScript(script);
    this.script = script;
  }

  setModel(model: string, behaviour: FakeLlmScript | FakeLlmFailure | null): void {
    if (behaviour === null) {
      this.models.delete(model);
      return;
    }
    if (isFailure(behaviour)) checkFailure(behaviour);
    else checkScript(behaviour);
    this.models.set(model, behaviour);
  }

  failNext(failure: FakeLlmFailure, times: number): void {
    checkFailure(failure);
    if (!Number.isInteger(times) || times < 1) throw new TypeError(`fake LLM failNext: times must be a positive integer (got ${times})`);
    for (let count = 0; count < times; count += 1) this.queue.push(failure);
  }

  /** A model's own failure wins (and leaves the queue alone), then the queue; the reply comes from the model's script over the default. */
  decide(model: string): { failure: FakeLlmFailure | undefined; script: FakeLlmScript } {
    const own = this.models.get(model);
    if (own && isFailure(own)) return { failure: own, script: this.script };
    return { failure: this.queue.shift(), script: { ...this.script, ...own } };
  }

  reset(): void {
    this.script = this.initial;
    this.models.clear();
    this.queue.length = 0;
  }
}
