import { toAppConfig } from '../../../src/config/app-config';
import { parseTrustProxy, validateEnv } from '../../../src/config/env.validation';
import { shouldSeedDemo } from '../../../src/config/runtime-mode';
import { redactAuthQuery, requestLogFields } from '../../../src/common/logger.options';

describe('security settings (issue 9)', () => {
  it('trusts no proxy by default; TRUST_PROXY takes a hop count or proxy addresses, never "true"', () => {
    expect(toAppConfig(validateEnv({})).trustProxy).toBe(false);
    expect(toAppConfig(validateEnv({ TRUST_PROXY: '1' })).trustProxy).toBe(1);
    expect(toAppConfig(validateEnv({ TRUST_PROXY: 'loopback, 10.0.0.0/8, ::1' })).trustProxy).toEqual(['loopback', '10.0.0.0/8', '::1']);
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('0')).toBe(false);
    for (const bad of ['true', 'yes', '11', '10.0.0.0/33', '300.1.1.1', 'example.org']) {
      expect(() => validateEnv({ TRUST_PROXY: bad })).toThrow(/TRUST_PROXY: must be false, a number of proxy hops/);
    }
  });

  it('rejects SMTP_URL schemes the mail transport cannot send through (such as "log") at start', () => {
    for (const bad of ['log', 'http://mail.example.org', 'smtp:/x', 'sendmail']) {
      expect(() => validateEnv({ SMTP_URL: bad })).toThrow(/SMTP_URL must be smtp:\/\/user:pass@host:587, smtps:\/\/… or "outbox"/);
    }
    expect(toAppConfig(validateEnv({ SMTP_URL: 'smtps://u:p@mail.example.org:465' })).mailTransport).toEqual({
      kind: 'smtp',
      url: 'smtps://u:p@mail.example.org:465',
    });
    expect(toAppConfig(validateEnv({ SMTP_URL: 'outbox' })).mailTransport).toEqual({ kind: 'outbox' });
  });

  it('seeds demo data only in the embedded default or when asked for', () => {
    expect(shouldSeedDemo('servers', undefined)).toBe(false);
    expect(shouldSeedDemo('servers', 'true')).toBe(true);
    expect(shouldSeedDemo('embedded', undefined)).toBe(true);
    expect(shouldSeedDemo('embedded', 'false')).toBe(false);
    expect(toAppConfig(validateEnv({})).seedDemo).toBe(false);
    expect(() => validateEnv({ SEED_DEMO: 'yes' })).toThrow(/SEED_DEMO must be true or false/);
  });

  it('keeps query strings of auth routes out of the request log', () => {
    const logged = redactAuthQuery({
      method: 'POST',
      url: '/api/auth/login?email=a@b.de&password=Geheim-123',
      query: { email: 'a@b.de', password: 'Geheim-123' },
    });
    expect(JSON.stringify(logged)).not.toMatch(/Geheim|a@b\.de/);
    expect(logged.url).toBe('/api/auth/login?[redacted]');
    expect(redactAuthQuery({ url: '/bestaetigen?token=abc' }).url).toBe('/bestaetigen?[redacted]');
    expect(redactAuthQuery({ url: '/api/municipalities?q=olbern' }).url).toBe('/api/municipalities?q=olbern');
  });

  it('logs a request without its headers: no session cookie, no authorization, auth query strings redacted', () => {
    const logged = requestLogFields({
      id: 7,
      method: 'GET',
      url: '/anmelden?email=a@b.de',
      remoteAddress: '127.0.0.1',
      headers: { cookie: 'kt.sid=s%3Asecret-session', authorization: 'Basic c2VjcmV0', 'user-agent': 'Firefox' },
    });
    expect(logged).toEqual({
      id: 7,
      method: 'GET',
      url: '/anmelden?[redacted]',
      query: '[redacted]',
      remoteAddress: '127.0.0.1',
      userAgent: 'Firefox',
    });
    expect(JSON.stringify(logged)).not.toMatch(/secret|c2VjcmV0|a@b\.de/);
  });
});
