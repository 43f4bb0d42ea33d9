import { Client } from 'pg';
import { DEMO_MAYOR_EMAIL, DEMO_OFFICE_EMAIL, type DemoLogin } from './demo-logins.util';
import fixture from './demo-towns.fixture.json';

/**
 * Whether a start has nothing to prepare (the directory is loaded; the demo data, where asked for, complete and no
 * password reset asked for): one query, so a warm start skips booting the command context (about a second). Returns
 * the existing demo logins to print, or null when the command context must run (first start, a changed fixture …).
 */
export async function nothingToPrepare(
  databaseUrl: string,
  opts: { seedDemo: boolean; resetDemoPasswords: boolean },
): Promise<{ logins: DemoLogin[] } | null> {
  if (opts.resetDemoPasswords) return null;
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const {
      rows: [r],
    } = await db.query<{ directory: boolean; demoTowns: number; logins: { email: string; role: string }[] }>(
      `SELECT EXISTS (SELECT 1 FROM municipality) AS directory,
              (SELECT count(*)::int FROM town WHERE is_demo AND ags = ANY($1::text[])) AS "demoTowns",
              coalesce((SELECT json_agg(json_build_object('email', email, 'role', role) ORDER BY email <> $2)
                        FROM user_account WHERE email IN ($2, $3)), '[]') AS logins`,
      [fixture.towns.map((t) => t.ags), DEMO_OFFICE_EMAIL, DEMO_MAYOR_EMAIL],
    );
    if (!r.directory) return null;
    if (!opts.seedDemo) return { logins: [] };
    const office = r.logins.some((l) => l.email === DEMO_OFFICE_EMAIL);
    if (r.demoTowns !== fixture.towns.length || !office) return null;
    return {
      logins: r.logins.map((l) => ({
        role: l.role === 'office' ? ('office' as const) : ('town_contact' as const),
        email: l.email,
        password: null,
      })),
    };
  } finally {
    await db.end();
  }
}
