import argon2 from 'argon2';
import type { PasswordHashCost } from '../config/app-config';

const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;

/** Returns an English reason when the password is too weak, null when acceptable. */
export function passwordWeakness(password: string, email?: string): string | null {
  if (password.length < PASSWORD_MIN) return `Password must be at least ${PASSWORD_MIN} characters long`;
  if (password.length > PASSWORD_MAX) return `Password must be at most ${PASSWORD_MAX} characters long`;
  const classes = [/[a-zäöüß]/, /[A-ZÄÖÜ]/, /[0-9]/, /[^a-zA-Z0-9äöüßÄÖÜ]/].filter((r) => r.test(password)).length;
  if (classes < 3) return 'Password must mix at least three of: lower-case, upper-case, digits, symbols';
  const local = email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 4 && password.toLowerCase().includes(local)) return 'Password must not contain the email address';
  return null;
}

/** An argon2id hash at the configured cost (AppConfig.passwordHash); the hash carries its parameters for verifying. */
export const hashPassword = (password: string, cost: PasswordHashCost) =>
  argon2.hash(password, { type: argon2.argon2id, memoryCost: cost.memoryKib, timeCost: cost.iterations });

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}
