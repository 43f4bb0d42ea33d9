import request from 'supertest';
import { hashPassword } from '../../src/auth/password.util';
import { TEST_PASSWORD_HASH } from '../utils/test-env';
import { KERN_PREFIX } from '../../src/common/paths';
import { createOfficeUser } from '../factories/directory.factory';
import { bootApp, MODES, TestApp } from '../utils/boot-app';
import { formToken } from '../utils/csrf';

// Issue 30, BITV 2.0: the Erklärung zur Barrierefreiheit and its feedback mechanism, which reaches the office.
describe.each(MODES)('accessibility statement and feedback (%s mode)', (mode) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootApp('a11y_statement', { REGISTRATION_RATE_LIMIT: '3' }, { mode });
    await createOfficeUser(t.db, 'gs1@akademie.test', await hashPassword('Lang-und-sicher-1', TEST_PASSWORD_HASH));
    await createOfficeUser(t.db, 'gs2@akademie.test', await hashPassword('Lang-und-sicher-2', TEST_PASSWORD_HASH));
  });
  afterAll(async () => {
    await t?.close();
  });

  const count = async () => Number((await t.db.query(`SELECT count(*)::int AS n FROM accessibility_feedback`)).rows[0].n);

  it('serves KERN and its fonts itself (no CDN), with a year of caching under a versioned path', async () => {
    const page = await request(t.url).get('/barrierefreiheit').expect(200);
    const hrefs = [...page.text.matchAll(/<link rel="stylesheet" href="([^"]+)">/g)].map((m) => m[1]);
    expect(hrefs).toEqual([`${KERN_PREFIX}fonts/fira-sans.css`, `${KERN_PREFIX}kern.min.css`, '/static/app.css']);
    const fonts = await request(t.url).get(`${KERN_PREFIX}fonts/fira-sans.css`).expect(200);
    const font = /url\("\.\/(fira-sans\/FiraSans-Regular\.woff2)"\)/.exec(fonts.text)![1];
    for (const path of [`${KERN_PREFIX}kern.min.css`, `${KERN_PREFIX}fonts/${font}`]) {
      const res = await request(t.url).get(path).expect(200);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
  });

  it('states the status, the known gaps, the date and the enforcement procedure, and is linked in every footer', async () => {
    const page = await request(t.url).get('/barrierefreiheit').expect(200);
    expect(page.text).toContain('<title>Erklärung zur Barrierefreiheit · Kleinstadt-Tandem</title>');
    expect(page.text).toContain('<strong>teilweise barrierefrei</strong>');
    expect(page.text).toContain('Leichter Sprache');
    expect(page.text).toMatch(/Erstellt am<\/dt><dd[^>]*>\d{1,2}\. [A-ZÄÖÜa-zäöü]+ \d{4}</);
    expect(page.text).toContain('Schlichtungsstelle nach § 16 BGG');
    expect(page.text).toContain('name="_csrf"');
    const home = await request(t.url).get('/anmelden').expect(200);
    expect(home.text).toMatch(/<nav aria-label="Rechtliches">[\s\S]*href="\/barrierefreiheit">Barrierefreiheit</);
  });

  it('refuses a message without text with a linked error summary, and stores nothing', async () => {
    const agent = request.agent(t.url);
    const _csrf = await formToken(agent, '/barrierefreiheit');
    const res = await agent.post('/barrierefreiheit').type('form').send({ _csrf, name: 'Kim', email: 'kein@', message: ' ' }).expect(400);
    expect(res.text).toContain('<title>Fehler: Erklärung zur Barrierefreiheit · Kleinstadt-Tandem</title>');
    expect(res.text).toContain('<a href="#fb-message">Bitte beschreiben Sie die Barriere in Ihrer Nachricht.</a>');
    expect(res.text).toContain('<a href="#fb-email">Bitte geben Sie eine gültige E-Mail-Adresse an oder lassen Sie das Feld leer.</a>');
    expect(res.text).toMatch(/id="fb-message"[^>]*aria-invalid="true"/);
    expect(res.text).toContain('value="Kim"');
    expect(await count()).toBe(0);
  });

  it('stores a message, mails every office account (Reply-To the sender) and confirms in German', async () => {
    const agent = request.agent(t.url);
    const _csrf = await formToken(agent, '/barrierefreiheit');
    const message = 'Die Tabelle auf der Seite „Kommunen“ lässt sich nicht mit der Tastatur scrollen.';
    const res = await agent
      .post('/barrierefreiheit')
      .type('form')
      .send({ _csrf, name: 'Kim Muster', email: 'kim@example.org', page: 'Kommunen', message })
      .expect(303);
    expect(res.headers.location).toBe('/barrierefreiheit?gesendet=1#rueckmeldung');
    const done = await agent.get('/barrierefreiheit?gesendet=1').expect(200);
    expect(done.text).toContain('Vielen Dank. Ihre Nachricht ist bei der Geschäftsstelle eingegangen.');
    const rows = (await t.db.query(`SELECT name, email, page, message FROM accessibility_feedback`)).rows;
    expect(rows).toEqual([{ name: 'Kim Muster', email: 'kim@example.org', page: 'Kommunen', message }]);
    for (const to of ['gs1@akademie.test', 'gs2@akademie.test']) {
      const mail = await t.smtp.waitFor((m) => [m.to].flat().some((a) => a?.text === to) && (m.text ?? '').includes('Kommunen'));
      expect(mail.subject).toBe('Rückmeldung zur Barrierefreiheit von Kleinstadt-Tandem');
      expect(mail.text).toContain(message);
      expect(mail.text).toContain('Name: Kim Muster');
      expect(mail.replyTo?.text).toBe('kim@example.org');
    }
  });

  it('limits messages per client address like the other public forms (429, nothing stored)', async () => {
    const agent = request.agent(t.url);
    const before = await count();
    let last = 0;
    for (let i = 0; i < 4; i++) {
      const _csrf = await formToken(agent, '/barrierefreiheit');
      last = (
        await agent
          .post('/barrierefreiheit')
          .type('form')
          .send({ _csrf, message: `Nachricht ${i}` })
      ).status;
    }
    expect(last).toBe(429);
    expect(await count()).toBeLessThanOrEqual(before + 3);
  });
});
