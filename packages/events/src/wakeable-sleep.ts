/**
 * A sleep that ends early when `wake()` is called; a wake before the sleep starts is
 * remembered, so a signal sent while the sleeper was busy is never lost.
 */
export class WakeableSleep {
  private pending = false;
  private resolveCurrent: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  wake(): void {
    if (this.resolveCurrent) this.finish();
    else this.pending = true;
  }

  sleep(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.resolveCurrent = resolve;
      this.timer = setTimeout(() => this.finish(), Math.max(0, ms));
    });
  }

  private finish(): void {
    clearTimeout(this.timer);
    const resolve = this.resolveCurrent;
    this.resolveCurrent = undefined;
    this.timer = undefined;
    resolve?.();
  }
}
