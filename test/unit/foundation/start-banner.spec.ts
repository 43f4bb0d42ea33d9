import { toAppConfig } from '../../../src/config/app-config';
import { validateEnv } from '../../../src/config/env.validation';
import { embeddedModeLine, readyMailLine, smtpServer } from '../../../src/config/start-banner.util';

// Issue 25: the start banner said mails are kept in the outbox although SMTP_URL sent them.
describe('start banner: where email goes, true for each configuration', () => {
  const config = (env: Record<string, string>) => toAppConfig(validateEnv(env));
  const url = 'http://127.0.0.1:3000';

  it('embedded default: kept in the outbox, readable at /outbox', () => {
    const c = config({ KT_MODE: 'embedded' });
    expect(embeddedModeLine('data/pglite', c)).toBe(
      'Embedded mode: PGlite in data/pglite, BullMQ on PostgreSQL, email to the local outbox.',
    );
    expect(readyMailLine(c, url)).toBe('Postausgang (emails are kept here, not sent): http://127.0.0.1:3000/outbox');
    expect(readyMailLine(config({ KT_MODE: 'embedded', HOST: '0.0.0.0' }), url)).toContain('Geschäftsstelle login required');
  });

  it('embedded with SMTP_URL: sent through that server, no outbox promised, no credentials printed', () => {
    const c = config({ KT_MODE: 'embedded', SMTP_URL: 'smtps://user:geheim@mail.example.org:465' });
    const lines = [embeddedModeLine('data/pglite', c), readyMailLine(c, url)];
    expect(lines[0]).toBe('Embedded mode: PGlite in data/pglite, BullMQ on PostgreSQL, email sent through SMTP (mail.example.org:465).');
    expect(lines[1]).toBe('Emails are sent through SMTP (mail.example.org:465); there is no local outbox.');
    for (const l of lines) {
      expect(l).not.toMatch(/outbox\b.*kept|kept here|Postausgang/);
      expect(l).not.toContain('geheim');
      expect(l).not.toContain('user');
    }
  });

  it('servers with SMTP_URL sends; servers with SMTP_URL=outbox keeps, and says where to read them', () => {
    const smtp = config({ KT_MODE: 'servers', SMTP_URL: 'smtp://relay.local:25' });
    expect(readyMailLine(smtp, url)).toBe('Emails are sent through SMTP (relay.local:25); there is no local outbox.');
    const kept = config({ KT_MODE: 'servers', SMTP_URL: 'outbox' });
    expect(readyMailLine(kept, url)).toBe(
      'Postausgang (emails are kept here, not sent; Geschäftsstelle login required): http://127.0.0.1:3000/outbox',
    );
  });

  it('names only host and port of an SMTP address', () => {
    expect(smtpServer('smtp://a:b@host.example:2525')).toBe('host.example:2525');
    expect(smtpServer('smtp://host.example')).toBe('host.example');
    expect(smtpServer('kaputt')).toBe('the configured server');
  });
});
