import request from 'supertest';
import { hashPassword } from '../../src/auth/password.util';
import { TEST_PASSWORD_HASH } from '../utils/test-env';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DigestsService } from '../../src/digests/digests.service';
import { JobSchedulers } from '../../src/queue/job-schedulers.service';
import { JOBS, QUEUES } from '../../src/queue/queue-names';
import { TandemsService } from '../../src/tandems/tandems.service';
import { computeSuggestions, pollUntil, runState, seedTowns, SeededTown, waitForRunDone } from '../factories/digest.factory';
import { createOfficeUser } from '../factories/directory.factory';
import { bootApp, MODES, TestApp } from '../utils/boot-app';
import { formToken } from '../utils/csrf';

const PASSWORD = 'Sicheres-Passwort-2024';
const linkIn = (text: string, path: string) => new RegExp(`https?://[^\\s>]+${path}[^\\s>]*`).exec(text)?.[0];

describe.each(MODES)('weekly digest: content, skips, rhythm, unsubscribe, office page (%s mode)', (mode) => {
  let t: TestApp;
  let towns: SeededTown[];
  let digests: DigestsService;
  const digestQueue = () => t.worker.get<Queue>(getQueueToken(QUEUES.digest), { strict: false });
  const mailsTo = (email: string) => t.smtp.to(email).filter((m) => m.subject?.startsWith('Neu für'));

  beforeAll(async () => {
    t = await bootApp('digest', {}, { mode });
    digests = t.worker.get(DigestsService);
    towns = await seedTowns(t.db, 8, { contactsPerTown: 2 });
    await computeSuggestions(t);
  });
  afterAll(() => t?.close());

  it('sends every contact one German digest with the suggestions and their reasons, unsubscribe headers and links', async () => {
    // The scheduler's next weekly run waits as a delayed job: a worker must still pick up a run started now (embedded,
    // BullMQ waited for that delayed job, up to an hour, and the run stayed "wird verteilt").
    // (Beside it waits the two-minute resume check, the other scheduler of this queue; its first run starts at once
    // when the worker boots, so it is delayed only once that run is done.)
    const delayedNames = async () => (await digestQueue().getDelayed()).map((j) => j.name).sort();
    const expected = [JOBS.digestRun, JOBS.resumeDigestRuns].sort();
    await pollUntil(async () => JSON.stringify(await delayedNames()) === JSON.stringify(expected), 20_000, 'both schedulers waiting');
    expect(await delayedNames()).toEqual(expected);
    await digests.startRun('2026-W49', 'office');
    const state = await waitForRunDone(t.db, '2026-W49');
    expect(state).toMatchObject({ recipients: 16, decided: 16, mailed: 16, sent: 16 });
    const first = towns[0];
    const mails = mailsTo(first.contacts[0].email);
    expect(mails).toHaveLength(1);
    const mail = mails[0];
    expect(mail.subject).toMatch(/^Neu für Müllrose: \d+ neue Partnervorschläge$/);
    // Umlauts survive in both parts (decoded by the parser from the MIME encoding).
    expect(mail.text).toContain('Guten Tag Frau Bürgermeisterin Jäger');
    expect(mail.text).toContain('Neue Partnervorschläge');
    expect(mail.html).toContain('Neue Partnervorschläge');
    expect(mail.html).toContain('Frau Bürgermeisterin Jäger');
    expect(mail.html).not.toMatch(/Ã|&auml;|&#228;/);
    // The reasons are the ones the suggestions page shows (German, from the scoring components).
    const rows = await t.db.query(
      `SELECT m.name, s.components FROM matching_suggestion s JOIN matching_run r ON r.id = s.run_id AND r.is_current
       JOIN town tw ON tw.id = s.partner_id JOIN municipality m ON m.ags = tw.ags WHERE s.town_id = $1 ORDER BY s.rank LIMIT 1`,
      [first.id],
    );
    // Issue 30: one indented line per reason with its share, strongest first.
    const reasons = rows.rows[0].components
      .filter((c: { reason?: string }) => c.reason)
      .sort((a: { value: number }, b: { value: number }) => b.value - a.value)
      .map((c: { reason: string }) => c.reason);
    expect(mail.text).toContain(rows.rows[0].name);
    const block = mail.text!.slice(mail.text!.indexOf(rows.rows[0].name));
    expect(block).toMatch(
      new RegExp(reasons.map((r: string) => `  – ${r.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d{1,3} %\\)\\n`).join('')),
    );
    expect(linkIn(mail.text!, '/vorschlaege')).toBe(`${t.url}/vorschlaege`);
    expect(mail.text).toContain('Vorschläge ansehen und ein Tandem anfragen');
    // RFC 8058 headers point at the signed link that is also in the text.
    const unsubscribe = linkIn(mail.text!, '/abbestellen')!;
    const header = (key: string) =>
      mail.headerLines.filter((h) => h.key === key).map((h) => h.line.replace(/\r?\n[ \t]+/g, ' ').replace(/: +/, ': '));
    expect(header('list-unsubscribe')).toEqual([`List-Unsubscribe: <${unsubscribe}>`]);
    expect(header('list-unsubscribe-post')).toEqual(['List-Unsubscribe-Post: List-Unsubscribe=One-Click']);
  });

  it('triggering the same week again sends nothing to anyone', async () => {
    const before = t.smtp.mails.length;
    await digests.startRun('2026-W49', 'office');
    await digests.startRun('2026-W49', 'office');
    // Wait until the re-triggered fan-outs and anything they queued have run (the scheduler's next weekly job
    // waits as 'delayed' all the time, so only waiting/active/prioritized jobs count).
    await pollUntil(
      async () => {
        const jobs = await digestQueue().getJobCounts('wait', 'active', 'prioritized');
        return jobs.wait + jobs.active + jobs.prioritized === 0;
      },
      30_000,
      'digest queue drained',
    );
    expect(await runState(t.db, '2026-W49')).toMatchObject({ recipients: 16, decided: 16, sent: 16 });
    expect(t.smtp.mails.length).toBe(before);
  });

  it('nothing new → no email, recorded as skipped with the reason; a newly verified town on shared topics is news', async () => {
    const before = t.smtp.mails.length;
    await digests.startRun('2026-W50', 'office');
    const state = await waitForRunDone(t.db, '2026-W50');
    expect(state).toMatchObject({ recipients: 16, mailed: 0, skipped: 16 });
    const reasons = await t.db.query(`SELECT DISTINCT skip_reason FROM digest_recipient WHERE period = '2026-W50'`);
    expect(reasons.rows).toEqual([{ skip_reason: 'nichts Neues seit der letzten Übersicht' }]);
    expect(t.smtp.mails.length).toBe(before);

    // A town verified now, on topics 'tourismus' and 'leerstand' only.
    const [fresh] = await seedTowns(t.db, 1, { offset: 40, prefix: 'neu', verifiedAgo: '0 seconds' });
    await t.db.query(`DELETE FROM town_topic WHERE town_id = $1`, [fresh.id]);
    await t.db.query(`INSERT INTO town_topic (town_id, topic_slug) VALUES ($1, 'tourismus'), ($1, 'leerstand')`, [fresh.id]);
    await digests.startRun('2026-W51', 'office');
    const s51 = await waitForRunDone(t.db, '2026-W51');
    const sharing = await t.db.query(
      `SELECT DISTINCT u.email FROM user_account u JOIN town_topic tt ON tt.town_id = u.town_id
       WHERE tt.topic_slug IN ('tourismus', 'leerstand') AND u.town_id <> $1`,
      [fresh.id],
    );
    expect(sharing.rows.length).toBeGreaterThan(0);
    expect(sharing.rows.length).toBeLessThan(16);
    expect(s51.mailed).toBe(sharing.rows.length); // the new town's own contact: nothing new in its first week (no suggestions yet)
    for (const { email } of sharing.rows) {
      const m = mailsTo(email).at(-1)!;
      expect(m.subject).toContain('eine neue Kommune zu Ihren Themen');
      expect(m.text).toContain('Neu im Netzwerk zu Ihren Themen');
      expect(m.text).toContain(fresh.name);
      expect(m.text).toMatch(/Gemeinsame Themen: (Leerstand|Tourismus)/);
    }
    const sharingEmails = new Set(sharing.rows.map((r) => r.email));
    const other = towns.flatMap((tw) => tw.contacts).find((c) => !sharingEmails.has(c.email))!;
    expect(mailsTo(other.email)).toHaveLength(1); // only the first week's
  });

  it('one-click unsubscribe works without login (GET confirms, POST unsubscribes, as mail clients post it); bad links change nothing', async () => {
    const contact = towns[1].contacts[1];
    const mail = mailsTo(contact.email)[0];
    const mailedBefore = mailsTo(contact.email).length;
    const link = linkIn(mail.text!, '/abbestellen')!;
    const path = link.replace(t.url, '');
    const page = await request(t.url).get(path).expect(200);
    expect(page.text).toContain('Ja, Übersicht abbestellen');
    expect(String(page.headers['set-cookie'] ?? '')).not.toContain('kt.sid'); // no session is created

    const forged = path.replace(/s=[^&]+/, 's=AAAA');
    await request(t.url).post(forged).type('form').send('List-Unsubscribe=One-Click').expect(400);
    await request(t.url).get('/abbestellen?u=kaputt').expect(400);
    expect((await t.db.query(`SELECT digest_frequency FROM user_account WHERE id = $1`, [contact.id])).rows[0].digest_frequency).toBe(
      'weekly',
    );

    // A browser on a foreign site cannot do it for them (the origin check stays), …
    await request(t.url).post(path).set('Origin', 'https://evil.example').type('form').send('List-Unsubscribe=One-Click').expect(403);
    // … but RFC 8058's POST from the mail provider's servers (this body, no cookie, no token, no Origin) works.
    const res = await request(t.url).post(path).type('form').send('List-Unsubscribe=One-Click').expect(200);
    expect(res.text).toContain('nicht mehr');
    expect((await t.db.query(`SELECT digest_frequency FROM user_account WHERE id = $1`, [contact.id])).rows[0].digest_frequency).toBe(
      'off',
    );

    // Someone with news who switched off gets nothing: the next run leaves them out.
    await t.db.query(`UPDATE town SET decided_at = now() WHERE id = $1`, [towns[5].id]);
    await digests.startRun('2026-W52', 'office');
    await waitForRunDone(t.db, '2026-W52');
    expect(
      (await t.db.query(`SELECT count(*)::int AS n FROM digest_recipient WHERE user_id = $1 AND period = '2026-W52'`, [contact.id])).rows[0]
        .n,
    ).toBe(0);
    expect(mailsTo(contact.email)).toHaveLength(mailedBefore);
  });

  it('the rhythm is the contact\'s choice on the "Benachrichtigungen" page; every two weeks skips the week after a digest', async () => {
    const contact = towns[2].contacts[0];
    await t.db.query(`UPDATE user_account SET password_hash = $2 WHERE id = $1`, [
      contact.id,
      await hashPassword(PASSWORD, TEST_PASSWORD_HASH),
    ]);
    const agent = request.agent(t.url);
    await agent.post('/api/auth/login').send({ email: contact.email, password: PASSWORD }).expect(200);
    const page = await agent.get('/benachrichtigungen').expect(200);
    expect(page.text).toContain('alle zwei Wochen');
    expect(page.text).toMatch(/id="freq-weekly"[^>]*checked/);
    // The settings form is an ordinary form: without its CSRF token it is refused (unlike the signed unsubscribe link).
    await agent.post('/benachrichtigungen').type('form').send({ frequency: 'biweekly' }).expect(403);
    const token = await formToken(agent, '/benachrichtigungen');
    await agent.post('/benachrichtigungen').type('form').send({ frequency: 'taeglich', _csrf: token }).expect(400);
    await agent.post('/benachrichtigungen').type('form').send({ frequency: 'biweekly', _csrf: token }).expect(303);
    expect((await agent.get('/benachrichtigungen?gespeichert=1').expect(200)).text).toMatch(/id="freq-biweekly"[^>]*checked/);
    await request(t.url)
      .get('/benachrichtigungen')
      .expect((r) => expect([302, 303, 401, 403]).toContain(r.status));

    // Something new for everyone in 2027-W01; the biweekly contact got one in 2026-W53, one week before.
    await t.db.query(`DELETE FROM digest_recipient WHERE user_id = $1 AND period > '2026-W49'`, [contact.id]);
    await t.db.query(`UPDATE digest_recipient SET period = '2026-W53' WHERE user_id = $1 AND period = '2026-W49'`, [contact.id]);
    const [fresh] = await seedTowns(t.db, 1, { offset: 41, prefix: 'neu', verifiedAgo: '0 seconds' });
    await t.db.query(
      `INSERT INTO town_topic (town_id, topic_slug) SELECT $1, topic_slug FROM town_topic WHERE town_id = $2 ON CONFLICT DO NOTHING`,
      [fresh.id, towns[2].id],
    );
    await digests.startRun('2027-W01', 'office');
    const s = await waitForRunDone(t.db, '2027-W01');
    expect(s.recipients).toBeGreaterThan(0);
    expect((await t.db.query(`SELECT not_due FROM digest_run WHERE period = '2027-W01'`)).rows[0].not_due).toBe(1);
    expect(
      (await t.db.query(`SELECT count(*)::int AS n FROM digest_recipient WHERE user_id = $1 AND period = '2027-W01'`, [contact.id])).rows[0]
        .n,
    ).toBe(0);
  });

  it("the Geschäftsstelle sees runs with counts, previews any town's next digest and sends a week on demand (idempotent)", async () => {
    await createOfficeUser(t.db, 'office@kleinstadtakademie.test', await hashPassword(PASSWORD, TEST_PASSWORD_HASH));
    const office = request.agent(t.url);
    await office.post('/api/auth/login').send({ email: 'office@kleinstadtakademie.test', password: PASSWORD }).expect(200);
    const page = await office.get('/geschaeftsstelle/uebersicht').expect(200);
    expect(page.text).toContain('KW 49/2026');
    // KW 49: recipients, sent, skipped, failed, pending
    expect(page.text).toMatch(
      /KW 49\/2026[^<]*<\/td><td data-label="Ausgelöst">[^<]*<\/td><td data-label="Empfänger">16<\/td><td data-label="Gesendet">16<\/td><td data-label="Übersprungen">0<\/td><td data-label="Fehlgeschlagen">0<\/td><td data-label="Ausstehend">0<\/td>/,
    );

    const quiet = await office.get(`/geschaeftsstelle/uebersicht?kommune=${towns[3].id}`).expect(200);
    expect(quiet.text).toContain('Keine E-Mail: nichts Neues seit der letzten Übersicht.');
    const [fresh] = await seedTowns(t.db, 1, { offset: 42, prefix: 'neu', verifiedAgo: '0 seconds' });
    await t.db.query(
      `INSERT INTO town_topic (town_id, topic_slug) SELECT $1, topic_slug FROM town_topic WHERE town_id = $2 ON CONFLICT DO NOTHING`,
      [fresh.id, towns[3].id],
    );
    const preview = await office.get(`/geschaeftsstelle/uebersicht?kommune=${towns[3].id}`).expect(200);
    expect(preview.text).toContain('Betreff:</strong> Neu für Jüterbog: eine neue Kommune zu Ihren Themen');
    expect(preview.text).toContain(fresh.name);
    expect(preview.text).toContain('Frau Bürgermeisterin Jäger');
    await office.get('/geschaeftsstelle/uebersicht?kommune=kaputt').expect(400);
    await office.get('/geschaeftsstelle/uebersicht?kommune=00000000-0000-4000-8000-000000000000').expect(404);

    const token = await formToken(office, '/geschaeftsstelle/uebersicht');
    await office.post('/geschaeftsstelle/uebersicht').type('form').send({ week: '2026-W99', _csrf: token }).expect(400);
    // Sending KW 49 again: nobody who had it gets it twice (contacts added since then may get their first one).
    const hadIt = (
      await t.db.query(`SELECT u.email FROM digest_recipient d JOIN user_account u ON u.id = d.user_id WHERE d.period = '2026-W49'`)
    ).rows.map((r) => r.email as string);
    expect(hadIt.length).toBeGreaterThanOrEqual(15);
    const countsBefore = hadIt.map((e) => mailsTo(e).length);
    await office
      .post('/geschaeftsstelle/uebersicht')
      .type('form')
      .send({ week: '2026-W49', _csrf: token })
      .expect(303)
      .expect('location', '/geschaeftsstelle/uebersicht?gestartet=2026-W49');
    await waitForRunDone(t.db, '2026-W49');
    expect(hadIt.map((e) => mailsTo(e).length)).toEqual(countsBefore);
    const perContact = await t.db.query(
      `SELECT count(*)::int AS n FROM digest_recipient WHERE period = '2026-W49' GROUP BY user_id HAVING count(*) > 1`,
    );
    expect(perContact.rows).toEqual([]);
    await request(t.url)
      .get('/geschaeftsstelle/uebersicht')
      .expect((r) => expect([302, 303, 401, 403]).toContain(r.status));
  });

  it("tandem sections: a request waiting for the town's answer, and the state of the requesting town's own request", async () => {
    const [from, to] = [towns[4], towns[6]];
    const requester = {
      id: from.contacts[0].id,
      email: from.contacts[0].email,
      role: 'town_contact' as const,
      displayName: 'Frau Bürgermeisterin Jäger',
      townId: from.id,
    };
    await t.app.get(TandemsService).request(requester, to.id, { message: 'Wir würden gern von Ihnen lernen.' });
    await digests.startRun('2027-W02', 'office');
    await waitForRunDone(t.db, '2027-W02');
    const waiting = mailsTo(to.contacts[0].email).at(-1)!;
    expect(waiting.subject).toContain('eine Tandem-Anfrage wartet auf Ihre Antwort');
    expect(waiting.text).toContain('Warten auf Ihre Antwort');
    expect(waiting.text).toContain(`${from.name} (`);
    expect(waiting.text).toContain('Anfrage an Ihre Kommune');
    const own = mailsTo(from.contacts[0].email).at(-1)!;
    expect(own.subject).toContain('Neues zu einem Ihrer Tandems');
    expect(own.text).toContain('Stand Ihrer offenen Tandems');
    expect(own.text).toContain(`${to.name} (`);
    expect(own.text).toContain('Stand: angefragt');
    expect(own.html).toContain('Stand Ihrer offenen Tandems');
  });

  it('workshop invitations: an unanswered invitation to an open workshop is listed once; answered, draft and cancelled ones are not', async () => {
    const [invited, accepted, host] = [towns[5], towns[7], towns[1]];
    const theme = (await t.db.query(`SELECT slug, name FROM topic ORDER BY slug LIMIT 1`)).rows[0] as { slug: string; name: string };
    const workshop = async (state: string, title: string) =>
      (
        await t.db.query(
          `INSERT INTO workshop (theme_slug, title, starts_at, format, host_town_id, address, state)
           VALUES ($1, $2, '2027-03-04T09:00:00Z', 'in_person', $3, 'Rathaus, Marktplatz 1', $4) RETURNING id`,
          [theme.slug, title, host.id, state],
        )
      ).rows[0].id as string;
    const open = await workshop('invited', 'Werkstatt Bürgerbeteiligung');
    const invite = (workshopId: string, townId: string, state: string) =>
      t.db.query(`INSERT INTO workshop_invitation (workshop_id, town_id, state, chosen_because) VALUES ($1, $2, $3, $4)`, [
        workshopId,
        townId,
        state,
        'Ausgewählt, weil Ihre Kommune Erfahrung mit diesem Thema hat.',
      ]);
    await invite(open, invited.id, 'invited');
    await invite(open, accepted.id, 'accepted');
    await invite(await workshop('draft', 'Entwurf Ärztehaus'), invited.id, 'invited');
    await invite(await workshop('cancelled', 'Abgesagte Werkstatt'), invited.id, 'invited');

    await digests.startRun('2027-W05', 'office');
    await waitForRunDone(t.db, '2027-W05');
    const mail = mailsTo(invited.contacts[0].email).at(-1)!;
    expect(mail.subject).toContain('eine Einladung zu einer Transferwerkstatt');
    // Handlebars escapes &, quotes and = in the HTML part (a theme may be "Leerstand & Innenentwicklung").
    const html = (mail.html as string).replace(
      /&(amp|quot|#x27|#x3D|#x60);/g,
      (_, e: string) => ({ amp: '&', quot: '"', '#x27': "'", '#x3D': '=', '#x60': '`' })[e]!,
    );
    for (const part of [mail.text!, html]) {
      expect(part).toContain('Einladungen zu Transferwerkstätten');
      expect(part).toContain(`Werkstatt Bürgerbeteiligung – Thema: ${theme.name}`);
      expect(part).toContain(`Donnerstag, 4. März 2027, 10:00 Uhr, vor Ort in ${host.name}`);
      expect(part).toContain('Ausgewählt, weil Ihre Kommune Erfahrung mit diesem Thema hat.');
      expect(part).not.toContain('Entwurf Ärztehaus');
      expect(part).not.toContain('Abgesagte Werkstatt');
    }
    expect(linkIn(mail.text!, '/werkstaetten')).toBe(`${t.url}/werkstaetten`);
    for (const m of mailsTo(accepted.contacts[0].email)) expect(m.text).not.toContain('Einladungen zu Transferwerkstätten');

    // Still unanswered a week later: not repeated (the invitation mail and its updates carry the details).
    const items = async (period: string) =>
      (
        await t.db.query(`SELECT items FROM digest_recipient WHERE user_id = $1 AND period = $2`, [invited.contacts[0].id, period])
      ).rows.map((r) => r.items as string[]);
    expect(await items('2027-W05')).toEqual([expect.arrayContaining([`workshop-invitation:${open}`])]);
    await digests.startRun('2027-W06', 'office');
    await waitForRunDone(t.db, '2027-W06');
    const later = await items('2027-W06');
    expect(later).toHaveLength(1);
    expect(later[0]).not.toContain(`workshop-invitation:${open}`);
  });

  it('the weekly schedule exists once in BullMQ, Monday 07:00 Europe/Berlin, however often workers start', async () => {
    const queue = digestQueue();
    await t.worker.get(JobSchedulers).onApplicationBootstrap();
    await t.worker.get(JobSchedulers).onApplicationBootstrap();
    const schedulers = (await queue.getJobSchedulers()).sort((a, b) => a.key.localeCompare(b.key));
    // Beside it, the two-minute check for an unfinished fan-out.
    expect(schedulers.map((s) => s.key)).toEqual(['digest-resume', 'weekly-digest']);
    expect(schedulers[1]).toMatchObject({ key: 'weekly-digest', pattern: '0 7 * * 1', tz: 'Europe/Berlin' });
    const next = new Date(schedulers[1].next!);
    const berlin = new Intl.DateTimeFormat('de-DE', {
      timeZone: 'Europe/Berlin',
      weekday: 'long',
      hour: '2-digit',
      minute: '2-digit',
    }).format(next);
    expect(berlin).toBe('Montag, 07:00');
  });
});
