/**
 * Waits for a service started as a child process to answer GET /healthz, so
 * a bench measures a ready service; gives up (and stops the child) after
 * `seconds`, which covers a cold start indexing the knowledge base.
 */
import type { ChildProcess } from 'node:child_process';

export async function waitUntilReady(port: number, child: ChildProcess, seconds = 30): Promise<void> {
  for (let i = 0; i < seconds * 20; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGTERM');
  throw new Error(`the service did not become ready in ${seconds} s`);
}
