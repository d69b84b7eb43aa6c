/**
 * Preloaded into platform children by the chat-flow bench (`--cpu-prof`). Node 20 refuses
 * `--cpu-prof` in NODE_OPTIONS, and a whole-life profile would be mostly module loading, so
 * this profiles only the measured window: the first SIGUSR2 starts V8's sampling profiler
 * (through the inspector), the second stops it and writes `<pid>.cpuprofile` into
 * BENCH_CPU_PROF_DIR.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  let session: Session | undefined;
  process.on('SIGUSR2', () => {
    if (!session) {
      session = new Session();
      session.connect();
      session.post('Profiler.enable');
      session.post('Profiler.setSamplingInterval', { interval: 1_000 });
      session.post('Profiler.start');
      return;
    }
    const running = session;
    session = undefined;
    running.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
      running.disconnect();
    });
  });
}
