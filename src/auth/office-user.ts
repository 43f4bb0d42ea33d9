import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { hashPassword } from './password.util';

export interface OfficeUserInput {
  email: string;
  name: string;
  role: 'office' | 'admin';
  password?: string;
}

/** Creates a Geschäftsstelle (or admin) account; returns the password to hand over once. */
export async function createOfficeUser(ds: DataSource, input: OfficeUserInput): Promise<{ id: string; password: string }> {
  const email = input.email.trim();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new Error(`Not a valid email address: ${input.email}`);
  if (!input.name.trim()) throw new Error('A name is required (--name "Anna Beispiel")');
  if (input.password !== undefined && input.password.length < 12) throw new Error('OFFICE_PASSWORD must be at least 12 characters long');
  const password = input.password ?? randomBytes(18).toString('base64url');
  const hash = await hashPassword(password);
  return ds.transaction(async (m) => {
    const exists = await m.query(`SELECT 1 FROM user_account WHERE lower(email) = lower($1)`, [email]);
    if (exists.length) throw new Error(`An account with the email ${email} already exists`);
    const [row] = await m.query(
      `INSERT INTO user_account (email, password_hash, role, display_name, email_confirmed_at) VALUES ($1, $2, $3, $4, now()) RETURNING id`,
      [email, hash, input.role, input.name.trim()],
    );
    await m.query(`INSERT INTO audit_log (actor_id, action, subject_type, subject_id, data) VALUES (NULL, 'office_user.created', 'user', $1, $2)`,
      [row.id, JSON.stringify({ role: input.role, via: 'command line' })]);
    return { id: row.id, password };
  });
}
