/**
 * Under `npm start` the service's parent is npm, which forwards SIGTERM and SIGINT to it (the
 * start script `exec`s node, so no shell sits between them to swallow the signal). An npm that
 * dies without forwarding anything (SIGKILL, a crash) would leave the service running with
 * nobody to stop it: the service notices that its parent is gone (it was reparented) and stops
 * itself, gracefully. Only when started by an npm script: a service started by hand with
 * `nohup ... &` is meant to outlive its shell.
 */
export function watchParent(
  onGone: () => void,
  /** The parent at start, read before the (slow) store opens. */
  parent: number,
  env: NodeJS.ProcessEnv = process.env,
): () => void {
  if (!env.npm_lifecycle_event) return () => {};
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, 500);
  timer.unref(); // never what keeps the process alive
  return () => clearInterval(timer);
}
