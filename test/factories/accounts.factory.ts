import request from 'supertest';
import { TestApp } from '../utils/boot-app';

export const STRONG_PASSWORD = 'Sicheres-Passwort-2024';

/** Registers a town through the API, confirms via the real email link, and returns a logged-in agent. */
export async function registerConfirmAndLogin(t: TestApp, ags: string, email: string, displayName = 'Test Person') {
  await request(t.url)
    .post('/api/auth/register')
    .send({ ags, email, password: STRONG_PASSWORD, displayName, contactFunction: 'mayor', privacyAccepted: true })
    .expect(201);
  const mail = await t.smtp.waitFor(
    (m) => (m.text ?? '').includes('/bestaetigen?token=') && [m.to].flat().some((x) => x?.text.includes(email)),
  );
  const token = /\/bestaetigen\?token=([\w-]+)/.exec(mail.text!)![1];
  await request(t.url).post('/api/auth/confirm').send({ token }).expect(200);
  const agent = request.agent(t.url);
  // The registration answer names no ids (it must not differ for known addresses); the login does.
  const login = await agent.post('/api/auth/login').send({ email, password: STRONG_PASSWORD }).expect(200);
  return { agent, townId: login.body.townId as string, userId: login.body.id as string, token };
}
