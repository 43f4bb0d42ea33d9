import { createHash, randomBytes } from 'node:crypto';

export function newToken(): { raw: string; hash: string } {
  const raw = randomBytes(32).toString('base64url');
  return { raw, hash: hashToken(raw) };
}

export const hashToken = (raw: string) => createHash('sha256').update(raw).digest('hex');
