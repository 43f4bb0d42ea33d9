import { type AppConfig, type ProcessPlan, SESSION_POOL_SIZE } from './app-config';

// What the start command prints about the mode and where email goes. Pure, so each configuration's text is tested:
// mail goes where the resolved config sends it (SMTP_URL=outbox keeps it, any other SMTP_URL sends it), whatever the mode.

type BannerConfig = Pick<AppConfig, 'mode' | 'mailTransport' | 'loopbackOnly'>;

/** The SMTP server as host:port, never with the user name or password an SMTP_URL may carry. */
export function smtpServer(url: string): string {
  try {
    const u = new URL(url);
    return u.port ? `${u.hostname}:${u.port}` : u.hostname || 'the configured server';
  } catch {
    return 'the configured server';
  }
}

/** "… email to the local outbox." / "… email sent through SMTP (host:port)." */
function mailDestination(c: Pick<AppConfig, 'mailTransport'>): string {
  return c.mailTransport.kind === 'outbox' ? 'email to the local outbox' : `email sent through SMTP (${smtpServer(c.mailTransport.url)})`;
}

/** The line printed once the embedded database runs. */
export function embeddedModeLine(pglitePath: string, c: Pick<AppConfig, 'mailTransport'>): string {
  return `Embedded mode: PGlite in ${pglitePath}, BullMQ on PostgreSQL, ${mailDestination(c)}.`;
}

/** The mail line of the "ready" block: where to read kept mails, or that they are sent. */
export function readyMailLine(c: BannerConfig, appUrl: string): string {
  if (c.mailTransport.kind === 'outbox')
    return `Postausgang (emails are kept here, not sent${c.loopbackOnly ? '' : '; Geschäftsstelle login required'}): ${appUrl}/outbox`;
  return `Emails are sent through SMTP (${smtpServer(c.mailTransport.url)}); there is no local outbox.`;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** What the start command runs, and why: "Processes: 2 web (…) and 1 worker." */
export function processesLine(p: ProcessPlan): string {
  const workers = p.workers === 0 ? 'no worker (WORKER_CONCURRENCY=0)' : plural(p.workers, 'worker', 'workers');
  if (p.webSource === 'embedded') {
    const ignored = p.ignored.length ? `; ${p.ignored.join(' and ')} ignored` : '';
    return `Processes: 1 web and 1 worker (embedded mode: PGlite has one database session${ignored}).`;
  }
  if (p.web === 0) return `Processes: no web process (WEB_CONCURRENCY=0) and ${workers}.`;
  const why = p.webSource === 'cores' ? `one per core; WEB_CONCURRENCY sets another number` : 'WEB_CONCURRENCY';
  return `Processes: ${plural(p.web, 'web', 'web')} (${why}${p.web > 1 ? '; one port, shared through node:cluster' : ''}) and ${workers}.`;
}

/**
 * The most PostgreSQL connections this host's processes open at full load, and a warning when that exceeds what the
 * server allows (max_connections less the superuser reserve). Other hosts' processes come on top.
 */
export function connectionBudgetWarning(p: ProcessPlan, poolSize: number, maxConnections: number, reserved: number): string | null {
  const needed = p.web * (poolSize + SESSION_POOL_SIZE) + p.workers * poolSize;
  const allowed = maxConnections - reserved;
  if (needed <= allowed) return null;
  return (
    `WARNING: ${p.web} web and ${p.workers} worker processes may open ${needed} PostgreSQL connections ` +
    `(${p.web} × (DATABASE_POOL_SIZE ${poolSize} + ${SESSION_POOL_SIZE} for sessions) + ${p.workers} × ${poolSize}), ` +
    `but the server allows ${allowed} (max_connections ${maxConnections} less ${reserved} reserved). ` +
    'Lower WEB_CONCURRENCY or DATABASE_POOL_SIZE, or raise max_connections (docs/operations.md).'
  );
}
