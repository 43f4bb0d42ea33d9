import type { Job } from 'bullmq';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { withCommands } from '../../src/commands/run-command';
import { openDataSource } from '../../src/database/data-source';
import { DEMO_OFFICE_EMAIL } from '../../src/commands/seeds/demo-logins.util';
import { DemoSeedService } from '../../src/commands/seeds/demo-seed.service';
import { DigestsService } from '../../src/digests/digests.service';
import { PracticeFollowUpCronJob } from '../../src/practices/practice-follow-up.cron.job';
import { JOBS } from '../../src/queue/queue-names';
import { waitForRunDone } from '../factories/digest.factory';
import { computeMatching, contactOf, eventually, townIdByName } from '../factories/tandems.factory';
import { bootApp, MODES, TestApp } from '../utils/boot-app';
import { formToken } from '../utils/csrf';

type Agent = ReturnType<typeof request.agent>;
type Contact = Awaited<ReturnType<typeof contactOf>>;
const DAY = 86_400_000;

// The same searchable text for both examples: the ranks tie, so only the adoption can reorder them.
const CONTENT = {
  summary: 'Wir haben alle Leerstände in der Innenstadt erfasst und die Eigentümerinnen und Eigentümer persönlich angeschrieben.',
  challenges: ['Wie bringen wir leere Läden am Markt wieder in Nutzung?'],
  topics: ['leerstand', 'innenstadt'],
  steps: [{ what: 'Begehung der Innenstadt und Kataster in einer Tabelle', actor: 'Bauamt', effort: '3 Tage', duration: '2 Wochen' }],
  results: [{ text: 'Läden wieder vermietet', figure: '7 von 19' }],
  status: 'established',
};

// Issue 27, "Done when": concluded tandem → pre-filled draft → published → found by a stemmed German query → a reason
// in a fitting town's suggestions and in its digest → the follow-up answer after 6 months (injected clock) →
// "übernommen in 1 Kommune" and a higher rank.
describe.each(MODES)('Methodenkoffer outcome (%s mode)', (mode) => {
  let t: TestApp;
  let ds: DataSource;
  let office: Agent;
  let a: Contact; // Demmin: writes the example
  let b: Contact; // Vlotho: the tandem partner, asked after 6 months
  let c: Contact; // Zwönitz: a town with the challenge "Leerstand"
  let d: Contact; // Bönen: another example with the same text

  const mailTo = (email: string, subject: string) =>
    eventually(`the mail "${subject}" to ${email}`, () =>
      t.smtp.mails.find((m) => m.subject?.includes(subject) && [m.to].flat().some((to) => to?.text.includes(email))),
    );
  const search = async (q: string) =>
    (await request(t.url).get('/api/practices').query({ q }).expect(200)).body.items.map((h: { id: string }) => h.id) as string[];
  const publish = async (who: Contact, id: string, patch: Record<string, unknown>) => {
    await who.agent
      .patch(`/api/practices/${id}`)
      .send({ ...CONTENT, ...patch, contactUserId: who.userId })
      .expect(200);
    await who.agent.post(`/api/practices/${id}/submit`).expect(200);
    await office.post(`/api/practices/${id}/publish`).send({}).expect(200);
  };
  const suggestionOf = async (viewer: Contact, partnerId: string) => {
    const list: { partner: { id: string }; reasons: string; score: number }[] = (
      await viewer.agent.get(`/api/towns/${viewer.townId}/suggestions`).expect(200)
    ).body.suggestions;
    return list.find((s) => s.partner.id === partnerId);
  };

  beforeAll(async () => {
    t = await bootApp('practices_outcome', { LOGIN_RATE_LIMIT: '1000' }, { mode });
    ds = await openDataSource(t.databaseUrl);
    const seed = await withCommands((x) => x.get(DemoSeedService).seed());
    office = request.agent(t.url);
    await office.post('/api/auth/login').send({ email: DEMO_OFFICE_EMAIL, password: seed.logins[0].password }).expect(200);
    const [ta, tb, tc, td] = await Promise.all(['Demmin', 'Vlotho', 'Zwönitz', 'Bönen'].map((n) => townIdByName(ds, n)));
    a = await contactOf(t, ds, ta, 'bgm@ergebnis-a.test', 'Anna Amsel');
    b = await contactOf(t, ds, tb, 'bgm@ergebnis-b.test', 'Bernd Birke');
    c = await contactOf(t, ds, tc, 'bgm@ergebnis-c.test', 'Clara Cordes');
    d = await contactOf(t, ds, td, 'bgm@ergebnis-d.test', 'Dora Dahl');
  });
  afterAll(async () => {
    await ds?.destroy();
    await t?.close();
  });

  it('tandem → example → search → suggestion reason and digest → follow-up after 6 months → adopted, ranked higher', async () => {
    // A concluded tandem of Demmin and Vlotho.
    const tandemId = (await a.agent.post('/api/tandems').send({ partnerTownId: b.townId }).expect(201)).body.id;
    await b.agent.post(`/api/tandems/${tandemId}/accept`).send({}).expect(200);
    await office.post(`/api/tandems/${tandemId}/approve`).send({}).expect(200);
    await a.agent.post(`/api/tandems/${tandemId}/start`).send({}).expect(200);
    const result = {
      tried: 'Kataster der leeren Läden',
      learnt: 'Eigentümer früh ansprechen',
      adoption: 'yes',
      rating: 5,
      topics: ['leerstand'],
    };
    await a.agent.post(`/api/tandems/${tandemId}/conclude`).send(result).expect(200);
    await b.agent.post(`/api/tandems/${tandemId}/conclude`).send(result).expect(200);

    // The draft is pre-filled from the tandem; Demmin completes it, the office publishes.
    const token = await formToken(a.agent, `/tandems/${tandemId}`);
    const made = await a.agent.post(`/methodenkoffer/aus-tandem/${tandemId}`).type('form').send({ _csrf: token }).expect(303);
    const id = /\/methodenkoffer\/([0-9a-f-]{36})\/bearbeiten/.exec(made.headers.location)![1];
    const draft = (await a.agent.get(`/api/practices/${id}`).expect(200)).body.working;
    expect(draft).toMatchObject({
      origin: 'tandem',
      tandemId,
      title: 'Erfahrungen aus dem Tandem mit Vlotho',
      summary: 'Eigentümer früh ansprechen',
    });
    expect(draft.topics).toContain('leerstand');
    await publish(a, id, { title: draft.title });
    // Bönen publishes the same text later under another title: the ranks tie, the newer one comes first.
    const other = (await d.agent.post('/api/practices').send({ origin: 'own' }).expect(201)).body.id;
    await publish(d, other, { title: 'Erfahrungen aus einem Projekt in Bönen' });

    // Found by stemmed German queries.
    for (const q of ['Leerstände', 'vermietete Läden', 'Eigentümern']) expect(await search(q)).toEqual([other, id]);
    expect((await request(t.url).get('/methodenkoffer').query({ q: 'Leerstände' }).expect(200)).text).toContain(
      'Erfahrungen aus dem Tandem mit Vlotho',
    );

    // Zwönitz (challenge "Leerstand") reads Demmin's example as a reason in its suggestions.
    await computeMatching(t, ['suggestions']);
    const reason = 'Demmin hat ein Anwendungsbeispiel zu Ihrer Herausforderung »Leerstand«: „Erfahrungen aus dem Tandem mit Vlotho“';
    const suggestion = await suggestionOf(c, a.townId);
    expect(suggestion?.reasons).toContain(reason);
    expect((await c.agent.get('/vorschlaege').expect(200)).text).toContain('Demmin hat ein Anwendungsbeispiel zu Ihrer Herausforderung');

    // … and in its digest, in the section of new examples.
    await t.worker.get(DigestsService).startRun('2027-W10', 'office');
    await waitForRunDone(t.db, '2027-W10');
    const digest = await mailTo(c.email, 'Neu für Zwönitz');
    expect(digest.text).toContain('Neue Beispiele zu Ihren Herausforderungen');
    expect(digest.text).toContain('„Erfahrungen aus dem Tandem mit Vlotho“ aus Demmin');
    expect(digest.text).toContain('Zu Ihrer Herausforderung »Leerstand«');
    expect(digest.subject).toContain('neue Beispiele zu Ihren Herausforderungen');

    // The follow-up: nothing before 6 months, then one mail to Vlotho (the receiving town); a second run sends nothing.
    const [{ endedAt }] = await ds.query(`SELECT state_changed_at AS "endedAt" FROM tandem WHERE id = $1`, [tandemId]);
    const job = t.worker.get(PracticeFollowUpCronJob);
    const run = (at: number) =>
      job.process({ name: JOBS.practiceFollowUps, data: { now: new Date(at).toISOString() } } as unknown as Job<{ now?: string }>);
    const sixMonths = new Date(endedAt);
    sixMonths.setUTCMonth(sixMonths.getUTCMonth() + 6);
    expect(await run(sixMonths.getTime() - DAY)).toEqual({ asked: 0, mails: 0 });
    const first = await run(sixMonths.getTime() + DAY);
    expect(first.asked).toBe(1);
    expect(await run(sixMonths.getTime() + 2 * DAY)).toEqual({ asked: 0, mails: 0 });
    const followUps = async () =>
      (await ds.query(`SELECT count(*)::int AS n FROM mail_delivery WHERE dedupe_key LIKE 'practice-follow-up:%'`))[0].n as number;
    const promised = await followUps();
    expect(promised).toBe(first.mails);
    const ask = await mailTo(b.email, 'Hat Vlotho die Idee übernommen?');
    expect(ask.subject).toBe('Eine Frage zu „Erfahrungen aus dem Tandem mit Vlotho“: Hat Vlotho die Idee übernommen?');
    expect(t.smtp.to(a.email).some((m) => m.subject?.includes('Hat Vlotho'))).toBe(false);
    const yes = /https?:\/\/\S+\/methodenkoffer\/rueckmeldung\/[0-9a-f-]{36}\?s=[\w-]+&antwort=ja/.exec(ask.text ?? '')![0];
    const path = new URL(yes).pathname + new URL(yes).search;

    // The link opens a confirm page without a sign-in; opening it records nothing; a changed signature is refused.
    const anon = request.agent(t.url);
    const page = await anon.get(path).expect(200);
    expect(page.text).toContain(
      'Hat Vlotho die Idee aus dem Anwendungsbeispiel „Erfahrungen aus dem Tandem mit Vlotho“ von Demmin übernommen?',
    );
    expect(page.text).toMatch(/id="antwort-ja" name="antwort" value="ja" checked/);
    expect((await ds.query(`SELECT count(*)::int AS n FROM practice_follow_up WHERE answer IS NOT NULL`))[0].n).toBe(0);
    await anon.get(path.replace(/s=[\w-]+/, 's=falsch')).expect(400);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    const action = path.replace(/&antwort=ja$/, '');
    // Without the page's token the post is refused; a missing answer is a German 400; then "ja" is recorded.
    await request(t.url).post(action).type('form').send({ antwort: 'ja' }).expect(403);
    expect((await anon.post(action).type('form').send({ _csrf: csrf }).expect(400)).text).toContain('Bitte wählen Sie eine Antwort.');
    const done = await anon.post(action).type('form').send({ _csrf: csrf, antwort: 'ja' }).expect(200);
    expect(done.text).toContain('Ihre Antwort für Vlotho ist gespeichert: Ja, übernommen');
    expect(await followUps()).toBe(promised);

    // "übernommen in 1 Kommune" on the page and in the API; the example now ranks above the tie.
    const api = (await request(t.url).get(`/api/practices/${id}`).expect(200)).body.published;
    expect(api).toMatchObject({ adoptions: 1, adoptionLabel: 'übernommen in 1 Kommune' });
    expect((await request(t.url).get(`/methodenkoffer/${id}`).expect(200)).text).toContain('übernommen in 1 Kommune');
    expect((await request(t.url).get(`/api/practices/${other}`).expect(200)).body.published.adoptionLabel).toBeNull();
    for (const q of ['Leerstände', 'vermietete Läden']) expect(await search(q)).toEqual([id, other]);
    const listed = (await request(t.url).get('/api/practices').query({ q: 'Leerstände' }).expect(200)).body.items[0];
    expect(listed).toMatchObject({ id, adoptionLabel: 'übernommen in 1 Kommune' });

    // Outcome-weighted: the suggestion names the adoption and Demmin's score rose.
    await computeMatching(t, ['suggestions']);
    const after = await suggestionOf(c, a.townId);
    expect(after?.reasons).toContain(`${reason} – übernommen in 1 Kommune`);
    expect(after!.score).toBeGreaterThan(suggestion!.score);
    // The 12-month run does not ask a town that said "ja" again.
    const twelve = new Date(endedAt);
    twelve.setUTCMonth(twelve.getUTCMonth() + 12);
    expect(await run(twelve.getTime() + DAY)).toEqual({ asked: 0, mails: 0 });
  });
});
