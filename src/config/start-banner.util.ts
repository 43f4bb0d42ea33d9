import type { AppConfig } from './app-config';

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
