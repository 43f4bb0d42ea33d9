import { fuzz, LOGOUT, signedInIdentity } from '../../scripts/fuzz-write-routes';
import { hashPassword } from '../../src/auth/password.util';
import { registerConfirmAndLogin, STRONG_PASSWORD } from '../factories/accounts.factory';
import { createOfficeUser, insertMunicipalities, TEST_TOWNS } from '../factories/directory.factory';
import { bootApp, TestApp } from '../utils/boot-app';
import { listWriteRoutes } from '../utils/write-routes';

// The fuzz script's generator on a reduced count (the full run: scripts/fuzz-write-routes.ts, >= 10,000 requests).
const PER_IDENTITY = Number(process.env.FUZZ_COUNT ?? 630);

describe('fuzzing every write route with malformed requests gives no answer >= 500 (issue 9, item 5)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp('sec_fuzz', { LOGIN_RATE_LIMIT: '1000', LOGIN_ACCOUNT_RATE_LIMIT: '1000' });
    await insertMunicipalities(t, TEST_TOWNS);
    await createOfficeUser(t.db, 'office@akademie.test', await hashPassword('Office-Passwort-123'));
    const mayor = await registerConfirmAndLogin(t, TEST_TOWNS[0].ags, 'bm@olbernhau.test');
    await t.db.query(`UPDATE town SET status = 'verified' WHERE id = $1`, [mayor.townId]);
  });
  afterAll(() => t?.close());

  it.each([
    ['anonymous', undefined, undefined],
    ['a town contact', 'bm@olbernhau.test', STRONG_PASSWORD],
    ['the Geschäftsstelle', 'office@akademie.test', 'Office-Passwort-123'],
  ])(
    'as %s',
    async (_who, email, password) => {
      const identity = email ? await signedInIdentity(t.url, email, password) : undefined;
      const routes = listWriteRoutes(t.app).filter((r) => !identity || !LOGOUT.test(r.path));
      expect(routes.length).toBeGreaterThanOrEqual(14);
      const r = await fuzz(t.url, routes, PER_IDENTITY, { seed: email ? email.length : 1, identity });
      expect(r.sent).toBe(PER_IDENTITY);
      expect(r.serverErrors).toEqual([]);
      // Every class was sent and answered (0 = the server closed early on an oversized body, also no 5xx).
      expect(Object.keys(r.byClass).length).toBeGreaterThanOrEqual(20);
    },
    300_000,
  );
});
