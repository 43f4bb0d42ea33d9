import { hashPassword, passwordWeakness, verifyPassword } from '../../../src/auth/password.util';
import { hashToken, newToken } from '../../../src/auth/token.util';
import { toAppConfig } from '../../../src/config/app-config';
import { validateEnv } from '../../../src/config/env.validation';

describe('passwords and tokens', () => {
  it.each([
    ['short', 'Ab1!', /at least 10/],
    ['one kind', 'abcdefghijklmn', /three of/],
    ['two kinds', 'abcdefghij1234', /three of/],
    ['contains the email', 'Olbernhau-2024', /email/],
  ])('refuses a %s password', (_n, pw, reason) => {
    expect(passwordWeakness(pw, 'olbernhau@example.de')).toMatch(reason);
  });

  it('accepts a mixed password', () => {
    expect(passwordWeakness('Sicheres-Passwort-2024', 'b@example.de')).toBeNull();
  });

  it("hashes with argon2id at the configured cost (by default argon2's own: 64 MiB, 3 passes) and verifies", async () => {
    const cost = toAppConfig(validateEnv({})).passwordHash;
    expect(cost).toEqual({ memoryKib: 65536, iterations: 3 });
    const h = await hashPassword('Sicheres-Passwort-2024', cost);
    expect(h).toMatch(/^\$argon2id\$v=19\$m=65536,p=4,t=3\$/);
    await expect(verifyPassword(h, 'Sicheres-Passwort-2024')).resolves.toBe(true);
    await expect(verifyPassword(h, 'Sicheres-Passwort-2025')).resolves.toBe(false);
    await expect(verifyPassword('not-a-hash', 'x')).resolves.toBe(false);
  });

  it("takes a lower cost where configured (the tests), never below OWASP's minimum in production", async () => {
    const cost = toAppConfig(validateEnv({ PASSWORD_HASH_MEMORY_KIB: '1024', PASSWORD_HASH_ITERATIONS: '1' })).passwordHash;
    const h = await hashPassword('Sicheres-Passwort-2024', cost);
    expect(h).toMatch(/^\$argon2id\$v=19\$m=1024,p=4,t=1\$/);
    await expect(verifyPassword(h, 'Sicheres-Passwort-2024')).resolves.toBe(true);
    await expect(verifyPassword(h, 'Sicheres-Passwort-2025')).resolves.toBe(false);
    const production = { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32) };
    expect(() => validateEnv({ ...production, PASSWORD_HASH_MEMORY_KIB: '8192' })).toThrow(/PASSWORD_HASH_MEMORY_KIB.*19456 KiB/);
    expect(() => validateEnv({ ...production, PASSWORD_HASH_ITERATIONS: '1' })).toThrow(/PASSWORD_HASH_ITERATIONS.*2 passes/);
    expect(() => validateEnv({ ...production, PASSWORD_HASH_MEMORY_KIB: '19456', PASSWORD_HASH_ITERATIONS: '2' })).not.toThrow();
    expect(() => validateEnv({ PASSWORD_HASH_MEMORY_KIB: '512' })).toThrow(/PASSWORD_HASH_MEMORY_KIB/);
  });

  it('stores only the token hash', () => {
    const t = newToken();
    expect(t.raw).not.toBe(t.hash);
    expect(hashToken(t.raw)).toBe(t.hash);
    expect(t.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});
