// Runs a process in a network namespace of its own that has only `lo` (up): nothing it sends can
// leave this host's loopback, whatever address it is told. `unshare -n` makes the namespace for
// the process and the kernel removes it when the process ends, so there is no name to clean up;
// stop() kills the process we started, by its PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { requireRoot } from './netns.ts';

export interface IsolatedProcess {
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Starts `command args…` in a fresh loopback-only network namespace, SIGKILLed after `timeLimitMs`. */
export function runInLoopbackOnlyNetns(command: string, args: string[], timeLimitMs: number, env: NodeJS.ProcessEnv = process.env): IsolatedProcess {
  requireRoot();
  // unshare execs sh, which brings lo up and execs the command: one PID all along.
  const proc = spawn('unshare', ['--net', '--', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', command, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'], env,
  });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const killer = setTimeout(() => proc.kill('SIGKILL'), timeLimitMs);
  killer.unref();
  void exited.then(() => clearTimeout(killer));
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop() {
      clearTimeout(killer);
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGKILL');
      await exited;
    },
  };
}
