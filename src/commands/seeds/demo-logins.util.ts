// The demo logins as the start prints them; plain TypeScript, so the launcher can print them without loading Nest.
export const DEMO_OFFICE_EMAIL = 'geschaeftsstelle@demo.kleinstadt-tandem.de';
export const DEMO_MAYOR_EMAIL = 'buergermeister@seelow.demo.kleinstadt-tandem.de';

export interface DemoLogin {
  role: 'office' | 'town_contact';
  email: string;
  /** Only when created (or reset) in this run; otherwise it was printed at first seeding. */
  password: string | null;
}

export function formatLogins(logins: DemoLogin[]): string {
  return logins
    .map(
      (l) =>
        `  ${l.role === 'office' ? 'Geschäftsstelle' : 'Bürgermeister Seelow'}: ${l.email} / ${l.password ?? '(Passwort wurde beim ersten Seeding ausgegeben / printed at first seeding; neu setzen: --reset-passwords oder RESET_DEMO_PASSWORDS=true)'}`,
    )
    .join('\n');
}
