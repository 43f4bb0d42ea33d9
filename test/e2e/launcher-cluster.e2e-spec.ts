import { execFileSync } from 'node:child_process';
import { get } from 'node:http';
import { freePort, launch, Launched, stop, waitHealthy } from '../utils/launcher';
import { deleteQueueKeys } from '../utils/processes';
import { createTestDatabase } from '../utils/test-database';
import { TEST_REDIS_URL, TEST_RUN_ID } from '../utils/test-env';
import { waitFor } from '../utils/wait-for';

// Issue 29: the start command (dist/src/launcher.js) with WEB_CONCURRENCY=2 in servers mode: two web processes answer
// on one port (node:cluster), one killed is started again, SIGTERM stops them all.

/** The pid of the web process that answers GET /health on a new connection (no keep-alive: the next one may differ). */
const answeringPid = (url: string) =>
  new Promise<number>((resolve, reject) => {
    get(`${url}/health`, { agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve((JSON.parse(body) as { details: { mode: { pid: number } } }).details.mode.pid));
    }).on('error', reject);
  });

const childPids = (pid: number) =>
  execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .filter(Boolean)
    .map(Number);

/** Asks until two different web processes have answered; returns their pids. */
async function twoAnswering(url: string, l: Launched): Promise<number[]> {
  const seen = new Set<number>();
  await waitFor(
    async () => {
      if (l.proc.exitCode !== null) throw new Error(`launcher exited:\n${l.output()}`);
      seen.add(await answeringPid(url));
      return seen.size >= 2;
    },
    { timeoutMs: 60_000, intervalMs: 50, what: 'two web processes to answer' },
  );
  return [...seen].sort((a, b) => a - b);
}

describe('start command with WEB_CONCURRENCY=2 (servers mode)', () => {
  const prefix = `kt_test_${TEST_RUN_ID}_launcher_cluster`;
  let l: Launched;
  let url: string;

  beforeAll(async () => {
    const databaseUrl = await createTestDatabase('launcher_cluster');
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    l = launch({
      DATABASE_URL: databaseUrl,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      SMTP_URL: 'smtp://127.0.0.1:1',
      PORT: String(port),
      HOST: '127.0.0.1',
      APP_URL: url,
      WEB_CONCURRENCY: '2',
      WORKER_CONCURRENCY: '0', // a web-only host: keeps this test cheap
    });
    await waitHealthy(url, l, 90_000);
  }, 120_000);

  afterAll(async () => {
    await stop(l);
    await deleteQueueKeys(prefix);
  }, 30_000);

  it('two web processes answer on one port; one killed is started again; SIGTERM stops them all', async () => {
    expect(l.output()).toContain(
      'Processes: 2 web (WEB_CONCURRENCY; one port, shared through node:cluster) and no worker (WORKER_CONCURRENCY=0).',
    );
    const pids = await twoAnswering(url, l);
    expect(childPids(l.proc.pid!).sort((a, b) => a - b)).toEqual(pids);

    process.kill(pids[0], 'SIGKILL');
    await waitFor(() => l.output().includes(`(pid ${pids[0]}) stopped (SIGKILL); starting it again in 1 s.`), {
      what: 'the launcher to notice the killed web process',
    });
    const after = await twoAnswering(url, l);
    expect(after).toContain(pids[1]);
    expect(after).not.toContain(pids[0]);

    const children = childPids(l.proc.pid!);
    expect(children).toHaveLength(2);
    l.proc.kill('SIGTERM');
    expect(await l.exited).toBe(0);
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(children.filter(alive)).toEqual([]);
  });
});
