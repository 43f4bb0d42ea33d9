import { hashPassword, passwordWeakness, verifyPassword } from '../../../src/auth/password.util';
import { hashToken, newToken } from '../../../src/auth/token.util';

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

  it('hashes with argon2id and verifies', async () => {
    const h = await hashPassword('Sicheres-Passwort-2024');
    expect(h).toMatch(/^\$argon2id\$/);
    await expect(verifyPassword(h, 'Sicheres-Passwort-2024')).resolves.toBe(true);
    await expect(verifyPassword(h, 'Sicheres-Passwort-2025')).resolves.toBe(false);
    await expect(verifyPassword('not-a-hash', 'x')).resolves.toBe(false);
  });

  it('stores only the token hash', () => {
    const t = newToken();
    expect(t.raw).not.toBe(t.hash);
    expect(hashToken(t.raw)).toBe(t.hash);
    expect(t.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});
