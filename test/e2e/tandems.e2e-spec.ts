import type { ParsedMail } from 'mailparser';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { openDataSource } from '../../src/database/data-source';
import { withCommands } from '../../src/commands/run-command';
import { DemoSeedService } from '../../src/commands/seeds/demo-seed.service';
import { DEMO_MAYOR_EMAIL, DEMO_OFFICE_EMAIL } from '../../src/commands/seeds/demo-logins.util';
import { TandemRepository } from '../../src/tandems/tandem.repository';
import { formToken } from '../utils/csrf';
import { bootApp, MODES, TestApp } from '../utils/boot-app';
import { computeMatching, contactOf, eventually } from '../factories/tandems.factory';

const REPLY_TO = 'geschaeftsstelle@kleinstadt-tandem.local';
const addresses = (m: ParsedMail) => [m.to].flat().flatMap((t) => t?.value.map((v) => v.address) ?? []);

describe.each(MODES)('tandems from suggestion to result, and office proposals (%s mode, real SMTP)', (mode) => {
  let t: TestApp;
  let ds: DataSource;
  let office: ReturnType<typeof request.agent>;
  let seelow: ReturnType<typeof request.agent>;
  let seelowId: string;

  /** Every promised mail sent (none queued or in flight), then the catcher's mails to `email`. */
  async function settledMailsTo(email: string) {
    await eventually('all mail deliveries sent', async () => {
      const [r] = await ds.query(`SELECT count(*)::int AS n FROM mail_delivery WHERE status <> 'sent'`);
      const [s] = await ds.query(`SELECT count(*)::int AS n FROM mail_delivery`);
      return r.n === 0 && t.smtp.mails.length >= s.n ? true : undefined;
    });
    return t.smtp.mails.filter((m) => addresses(m).includes(email));
  }

  beforeAll(async () => {
    t = await bootApp('tandems', {}, { mode });
    ds = await openDataSource(t.databaseUrl);
    const seed = await withCommands((c) => c.get(DemoSeedService).seed());
    await computeMatching(t, ['suggestions', 'tandem_round']);
    office = request.agent(t.url);
    await office.post('/api/auth/login').send({ email: DEMO_OFFICE_EMAIL, password: seed.logins[0].password }).expect(200);
    seelow = request.agent(t.url);
    seelowId = (await seelow.post('/api/auth/login').send({ email: DEMO_MAYOR_EMAIL, password: seed.logins[1].password }).expect(200)).body
      .townId;
  });
  afterAll(async () => {
    await ds?.destroy();
    await t?.close();
  });

  it('suggestion → requested → accepted → approved → active → concluded, with the mails each side gets', async () => {
    const suggestions = (await seelow.get(`/api/towns/${seelowId}/suggestions`).expect(200)).body.suggestions;
    const partner = suggestions[0].partner;
    const pc = await contactOf(t, ds, partner.id, 'bgm@partner-eins.test', 'Petra Partner');
    // The request form preselects the suggestion's topic (issue 25), one of the topics both towns may see.
    const [suggested] = await ds.query(
      `SELECT s.topic, tp.name FROM matching_run r JOIN matching_suggestion s ON s.run_id = r.id JOIN topic tp ON tp.slug = s.topic
       WHERE r.kind = 'suggestions' AND r.is_current AND s.town_id = $1 AND s.partner_id = $2`,
      [seelowId, partner.id],
    );
    expect(suggested).toBeDefined();
    const form = (await seelow.get(`/tandems/anfragen/${partner.id}`).expect(200)).text;
    const selected = [...form.matchAll(/<option value="([^"]*)" selected>/g)].map((m) => m[1]);
    expect(selected).toEqual([suggested.topic]);
    const [topic] = await ds.query(
      `SELECT topic_slug AS slug, tp.name FROM town_topic JOIN topic tp ON tp.slug = topic_slug WHERE town_id = $1 LIMIT 1`,
      [partner.id],
    );

    const created = await seelow
      .post('/api/tandems')
      .send({ partnerTownId: partner.id, topic: topic.slug, message: 'Wir würden gern von Ihren Erfahrungen lernen.' })
      .expect(201);
    const id = created.body.id;
    expect(created.body).toMatchObject({
      state: 'requested',
      stateLabel: 'angefragt',
      partnerName: partner.name,
      allowedActions: ['withdraw'],
      topicName: topic.name,
    });

    // The partner's contact gets the request with reasons, message and a link straight to the answer page.
    const req = await t.smtp.waitFor((m) => addresses(m).includes(pc.email));
    expect(req.subject).toBe(`Seelow fragt ein Tandem mit ${partner.name} an`);
    expect(req.replyTo?.text).toContain(REPLY_TO);
    expect(req.text).toContain('Wir würden gern von Ihren Erfahrungen lernen.');
    expect(req.text).toContain(`Thema ${topic.name}`);
    // Issue 30: one line per criterion with its share of the score.
    expect(req.text).toMatch(/Warum das passt:\n(– .{10,} \(\d{1,3} %\)\n)+/);
    expect(req.text).toContain(`Anfrage ansehen und beantworten: ${t.url}/tandems/${id}`);
    expect(req.html).toContain(`href="${t.url}/tandems/${id}"`);

    const inbox = (await pc.agent.get('/api/tandems').expect(200)).body;
    expect(inbox.incoming.map((c: { id: string }) => c.id)).toEqual([id]);
    expect((await seelow.get('/api/tandems').expect(200)).body.outgoing.map((c: { id: string }) => c.id)).toEqual([id]);

    // Only the partner answers; only the office approves.
    expect((await seelow.post(`/api/tandems/${id}/accept`).send({}).expect(409)).body.message).toBe(
      'Only the partner town may accept a tandem that is requested, not the requesting town',
    );
    await pc.agent.post(`/api/tandems/${id}/accept`).send({ message: 'Sehr gern!' }).expect(200);
    await seelow.post(`/api/tandems/${id}/approve`).send({}).expect(403);
    const approved = await office.post(`/api/tandems/${id}/approve`).send({}).expect(200);
    expect(approved.body).toMatchObject({ state: 'approved', answerMessage: 'Sehr gern!' });
    const started = await pc.agent.post(`/api/tandems/${id}/start`).send({}).expect(200);
    expect(started.body.state).toBe('active');
    expect(
      await ds.query(`SELECT kind FROM pair_history WHERE town_a = least($1::uuid, $2::uuid) AND town_b = greatest($1::uuid, $2::uuid)`, [
        seelowId,
        partner.id,
      ]),
    ).toEqual([{ kind: 'tandem' }]);

    const noResult = await seelow.post(`/api/tandems/${id}/conclude`).send({ tried: '', learnt: '' }).expect(400);
    expect(noResult.body.message).toMatch(/needs a short result/);
    const full = { adoption: 'yes', rating: 5, mayPublish: true };
    await seelow
      .post(`/api/tandems/${id}/conclude`)
      .send({ tried: 'Ein Kataster', learnt: 'Leerstand', rating: 9, adoption: 'yes' })
      .expect(400);
    // Issue 23: each town gives its result; the first waits for the second (the office cannot conclude before the deadline).
    const first = await seelow
      .post(`/api/tandems/${id}/conclude`)
      .send({
        tried: 'Leerstandskataster nach dem Vorbild der Partnerstadt',
        learnt: 'Eigentümer früh ansprechen',
        topics: [topic.slug],
        ...full,
      })
      .expect(200);
    expect(first.body).toMatchObject({ state: 'active', results: [{ adoptionLabel: 'ja', rating: 5, mayPublish: true }] });
    expect(first.body.resultDueAt).not.toBeNull();
    expect(first.body.allowedActions).not.toContain('conclude');
    expect((await office.post(`/api/tandems/${id}/conclude`).send({}).expect(409)).body.error).toBe('result_pending');
    const done = await pc.agent
      .post(`/api/tandems/${id}/conclude`)
      .send({
        tried: 'Leerstandskataster nach dem Vorbild der Partnerstadt',
        learnt: 'Eigentümer früh ansprechen',
        adoption: 'partly',
        rating: 4,
      })
      .expect(200);
    expect(done.body).toMatchObject({
      state: 'concluded',
      result: { tried: 'Leerstandskataster nach dem Vorbild der Partnerstadt', topics: [topic.slug] },
      allowedActions: [],
    });
    expect(done.body.results.map((r: { adoptionLabel: string; rating: number }) => [r.adoptionLabel, r.rating])).toEqual([
      ['ja', 5],
      ['teilweise', 4],
    ]);
    await seelow.post(`/api/tandems/${id}/cancel`).send({ reason: 'zu spät' }).expect(409);

    // The timeline: one audit row per step, with who, from and to.
    expect(
      done.body.timeline.map((e: { action: string; from: string | null; to: string; actor: string }) => [e.action, e.from, e.to, e.actor]),
    ).toEqual([
      ['requested', null, 'requested', 'requester'],
      ['accept', 'requested', 'accepted', 'partner'],
      ['approve', 'accepted', 'approved', 'office'],
      ['start', 'approved', 'active', 'partner'],
      ['result_given', 'active', 'active', 'requester'],
      ['conclude', 'active', 'concluded', 'partner'],
    ]);
    expect(done.body.timeline[1].who).toBe(`Petra Partner, ${partner.name}`);

    // Mails per side: exactly what each was promised, German, each with the Reply-To of the Geschäftsstelle.
    const toPartner = await settledMailsTo(pc.email);
    expect(toPartner.map((m) => m.subject)).toEqual([
      `Seelow fragt ein Tandem mit ${partner.name} an`,
      `Tandem ${partner.name} – Seelow: freigegeben`,
      `Tandem ${partner.name} – Seelow: aktiv`,
      'Seelow hat das Ergebnis des Tandems eingetragen',
      `Tandem ${partner.name} – Seelow: abgeschlossen`,
    ]);
    const toSeelow = await settledMailsTo(DEMO_MAYOR_EMAIL);
    expect(toSeelow.map((m) => m.subject)).toEqual([
      `${partner.name} hat Ihre Tandem-Anfrage angenommen`,
      `Tandem Seelow – ${partner.name}: freigegeben`,
      `Tandem Seelow – ${partner.name}: aktiv`,
      `Tandem Seelow – ${partner.name}: abgeschlossen`,
    ]);
    expect(toSeelow[0].text).toContain('Sehr gern!');
    expect(toSeelow[1].text).toContain('Die Geschäftsstelle hat das Tandem freigegeben.');
    const toOffice = await settledMailsTo(DEMO_OFFICE_EMAIL);
    expect(toOffice.map((m) => m.subject)).toEqual([`Tandem zur Freigabe: Seelow und ${partner.name}`]);
    expect(toOffice[0].text).toContain(`Tandem prüfen und freigeben: ${t.url}/tandems/${id}`);
    for (const m of [...toPartner, ...toSeelow, ...toOffice]) expect(m.replyTo?.text).toContain(REPLY_TO);
  });

  it('a decline is quiet for the matcher: pair history, and the pair leaves both suggestion lists', async () => {
    const suggestions = (await seelow.get(`/api/towns/${seelowId}/suggestions`).expect(200)).body.suggestions;
    const partner = suggestions.find((s: { partner: { id: string } }) => s.partner.id).partner;
    const pc = await contactOf(t, ds, partner.id, 'bgm@partner-zwei.test');
    const id = (await seelow.post('/api/tandems').send({ partnerTownId: partner.id, message: 'Hallo' }).expect(201)).body.id;
    await pc.agent.post(`/api/tandems/${id}/decline`).send({}).expect(400);
    const declined = await pc.agent.post(`/api/tandems/${id}/decline`).send({ reason: 'Derzeit keine Kapazität im Rathaus.' }).expect(200);
    expect(declined.body.state).toBe('declined');
    const mails = await settledMailsTo(DEMO_MAYOR_EMAIL);
    const answer = mails.find((m) => m.subject === `${partner.name} hat Ihre Tandem-Anfrage abgelehnt`)!;
    expect(answer.text).toContain('Derzeit keine Kapazität im Rathaus.');
    // Asking again within 12 months is refused; the recomputation drops the pair from both lists.
    expect((await seelow.post('/api/tandems').send({ partnerTownId: partner.id }).expect(409)).body.message).toBe(
      'This pair was declined within the last 12 months',
    );
    const [job] = await ds.query(`SELECT kind FROM pair_history WHERE kind = 'declined'`);
    expect(job.kind).toBe('declined');
    await computeMatching(t);
    const after = (await seelow.get(`/api/towns/${seelowId}/suggestions`).expect(200)).body.suggestions.map(
      (s: { partner: { id: string } }) => s.partner.id,
    );
    expect(after).not.toContain(partner.id);
    const theirs = (await pc.agent.get(`/api/towns/${partner.id}/suggestions`).expect(200)).body.suggestions.map(
      (s: { partner: { id: string } }) => s.partner.id,
    );
    expect(theirs).not.toContain(seelowId);

    // "Kein Interesse": no tandem, no mail, the pair rests as well.
    const other = after[0];
    const before = t.smtp.mails.length;
    await seelow.post('/api/tandems/dismissals').send({ partnerTownId: other }).expect(204);
    await computeMatching(t);
    expect(
      (await seelow.get(`/api/towns/${seelowId}/suggestions`).expect(200)).body.suggestions.map(
        (s: { partner: { id: string } }) => s.partner.id,
      ),
    ).not.toContain(other);
    expect(await ds.query(`SELECT count(*)::int AS n FROM tandem WHERE town_b = $1`, [other])).toEqual([{ n: 0 }]);
    expect(t.smtp.mails.length).toBe(before);
  });

  it('office proposal from the tandem round: both towns accept, then it is active; the whole round skips what breaks a rule', async () => {
    const pairs: { townA: string; townB: string; nameA: string; nameB: string }[] = await ds.query(
      `SELECT p.town_a AS "townA", p.town_b AS "townB", ma.name AS "nameA", mb.name AS "nameB"
       FROM matching_run r JOIN tandem_round_pair p ON p.run_id = r.id
       JOIN town ta ON ta.id = p.town_a JOIN municipality ma ON ma.ags = ta.ags JOIN town tb ON tb.id = p.town_b JOIN municipality mb ON mb.ags = tb.ags
       WHERE r.kind = 'tandem_round' AND r.is_current AND NOT EXISTS (SELECT 1 FROM tandem x WHERE x.town_a IN (p.town_a, p.town_b) OR x.town_b IN (p.town_a, p.town_b))
       ORDER BY p.score DESC`,
    );
    expect(pairs.length).toBeGreaterThan(2);
    const p = pairs[0];
    const a = await contactOf(t, ds, p.townA, 'bgm@vorschlag-a.test');
    const b = await contactOf(t, ds, p.townB, 'bgm@vorschlag-b.test');
    await seelow.post('/api/tandems/proposals').send({ townA: p.townA, townB: p.townB }).expect(403);
    const proposed = await office.post('/api/tandems/proposals').send({ townA: p.townA, townB: p.townB }).expect(201);
    const id = proposed.body.id;
    expect(proposed.body).toMatchObject({ state: 'proposed', origin: 'office_proposal', originLabel: 'Vorschlag der Geschäftsstelle' });
    const mailA = await t.smtp.waitFor((m) => addresses(m).includes(a.email));
    expect(mailA.subject).toBe(`Vorschlag der Geschäftsstelle: ein Tandem mit ${p.nameB}`);
    expect(mailA.text).toContain(`Vorschlag ansehen und beantworten: ${t.url}/tandems/${id}`);
    expect((await t.smtp.waitFor((m) => addresses(m).includes(b.email))).subject).toBe(
      `Vorschlag der Geschäftsstelle: ein Tandem mit ${p.nameA}`,
    );

    const first = await a.agent.post(`/api/tandems/${id}/accept`).send({}).expect(200);
    expect(first.body).toMatchObject({
      state: 'proposed',
      acceptedByTownA: true,
      acceptedByTownB: false,
      waitingFor: `Antwort von ${p.nameB}`,
    });
    expect((await a.agent.post(`/api/tandems/${id}/accept`).send({}).expect(409)).body.message).toBe(
      'Your town has already accepted this proposal',
    );
    // What the weekly digest reads: B must still answer, A waits for B.
    const tandems = t.app.get(TandemRepository);
    expect((await tandems.openForTown(p.townB)).map((x) => [x.id, x.state, x.waitingForTown])).toEqual([[id, 'proposed', true]]);
    expect((await tandems.openForTown(p.townA)).map((x) => [x.id, x.state, x.waitingForTown, x.nameB])).toEqual([
      [id, 'proposed', false, p.nameB],
    ]);
    const second = await b.agent.post(`/api/tandems/${id}/accept`).send({}).expect(200);
    expect(second.body.state).toBe('active');
    const toA = await settledMailsTo(a.email);
    expect(toA.map((m) => m.subject)).toEqual([
      `Vorschlag der Geschäftsstelle: ein Tandem mit ${p.nameB}`,
      `Tandem ${p.nameA} – ${p.nameB}: aktiv`,
    ]);

    // Sending the same pair again, or a pair outside the round, is refused.
    expect((await office.post('/api/tandems/proposals').send({ townA: p.townA, townB: p.townB }).expect(409)).body.message).toBe(
      'These two towns already have an open or active tandem',
    );
    await office.post('/api/tandems/proposals').send({ townA: p.townA, townB: seelowId }).expect(409);

    const round = await office.post('/api/tandems/proposals/round').send({}).expect(200);
    const outcomes: { townA: string; townB: string; tandemId?: string; skipped?: string }[] = round.body.outcomes;
    expect(round.body.sent).toBe(outcomes.filter((o) => o.tandemId).length);
    expect(round.body.sent).toBeGreaterThan(0);
    expect(outcomes.find((o) => o.townA === p.townA && o.townB === p.townB)!.skipped).toMatch(
      /already have an open or active tandem|no free tandem capacity/,
    );
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM tandem WHERE origin = 'office_proposal' AND state = 'proposed'`);
    expect(n).toBe(round.body.sent);

    // Re-proposing a pair already proposed (issue 25): the API's 409 in English, the round page in German, nothing changed.
    const [again] = await ds.query(
      `SELECT t.town_a AS "townA", t.town_b AS "townB", ma.name AS "nameA", mb.name AS "nameB" FROM tandem t
       JOIN town ta ON ta.id = t.town_a JOIN municipality ma ON ma.ags = ta.ags JOIN town tb ON tb.id = t.town_b JOIN municipality mb ON mb.ags = tb.ags
       WHERE t.origin = 'office_proposal' AND t.state = 'proposed' LIMIT 1`,
    );
    const count = async () => (await ds.query(`SELECT count(*)::int AS n, max(state_changed_at) AS at FROM tandem`))[0];
    const before = await count();
    const api = await office.post('/api/tandems/proposals').send({ townA: again.townA, townB: again.townB }).expect(409);
    expect(api.body).toMatchObject({
      error: 'already_proposed',
      message: `The office has already proposed ${again.nameA} and ${again.nameB} as a tandem; the proposal waits for both towns' answers`,
    });
    const esc = (x: string) => x.replace(/&/g, '&amp;').replace(/'/g, '&#x27;').replace(/"/g, '&quot;');
    const token = await formToken(office, '/geschaeftsstelle/matching');
    const pairPage = await office
      .post('/geschaeftsstelle/tandems/vorschlaege')
      .type('form')
      .send({ _csrf: token, townA: again.townA, townB: again.townB })
      .expect(409);
    expect(pairPage.text).toContain('<h1>Tandemrunde und Transferwerkstätten</h1>');
    expect(pairPage.text).toContain(
      esc(
        `Vorschlag nicht versendet: Die Geschäftsstelle hat ${again.nameA} und ${again.nameB} bereits als Tandem vorgeschlagen. Der Vorschlag wartet auf die Antwort beider Kommunen.`,
      ),
    );
    // The whole round again, every pair already proposed or refused: no silent return, the reasons per pair.
    const roundPage = await office
      .post('/geschaeftsstelle/tandems/vorschlaege')
      .type('form')
      .send({ _csrf: token, scope: 'round' })
      .expect(200);
    expect(roundPage.text).toContain('Es wurde kein Vorschlag versendet.');
    expect(roundPage.text).toMatch(/Nicht versendet \(\d+ Paare? der Runde\)/);
    expect(roundPage.text).toContain(
      esc(
        `<strong>${again.nameA} – ${again.nameB}</strong>: Die Geschäftsstelle hat ${again.nameA} und ${again.nameB} bereits als Tandem vorgeschlagen.`,
      ),
    );
    expect(roundPage.text).not.toMatch(/already_proposed|pair_has_tandem|at_capacity/);
    expect(await count()).toEqual(before);
    // The office's list filters by state.
    const list = (await office.get('/api/tandems?state=proposed').expect(200)).body;
    expect(list.total).toBe(n);
    expect(list.items).toHaveLength(Math.min(n, 25));
    await office.get('/api/tandems?state=kaputt').expect(400);
  });

  it('a declined office proposal rests the pair for 12 months: pair history, no second proposal, out of the next round', async () => {
    // A proposal the whole-round send (above) created and nobody has answered yet.
    const [p] = await ds.query(
      `SELECT t.id, t.town_a AS "townA", t.town_b AS "townB" FROM tandem t
       WHERE t.origin = 'office_proposal' AND t.state = 'proposed' AND t.accepted_a_at IS NULL AND t.accepted_b_at IS NULL
       ORDER BY t.score DESC LIMIT 1`,
    );
    expect(p).toBeDefined();
    const history = () =>
      ds.query(`SELECT kind FROM pair_history WHERE town_a = least($1::uuid, $2::uuid) AND town_b = greatest($1::uuid, $2::uuid)`, [
        p.townA,
        p.townB,
      ]);
    expect(await history()).toEqual([]);
    const b = await contactOf(t, ds, p.townB, 'bgm@vorschlag-abgelehnt.test');
    const declined = await b.agent.post(`/api/tandems/${p.id}/decline`).send({ reason: 'Das Thema passt gerade nicht.' }).expect(200);
    expect(declined.body.state).toBe('declined');
    expect(await history()).toEqual([{ kind: 'declined' }]);

    // The office cannot send the pair again, and the next round leaves it out.
    expect((await office.post('/api/tandems/proposals').send({ townA: p.townA, townB: p.townB }).expect(409)).body.message).toBe(
      'This pair was declined within the last 12 months',
    );
    await computeMatching(t, ['tandem_round']);
    const inRound = await ds.query(
      `SELECT 1 FROM matching_run r JOIN tandem_round_pair x ON x.run_id = r.id
       WHERE r.kind = 'tandem_round' AND r.is_current AND least(x.town_a, x.town_b) = least($1::uuid, $2::uuid)
         AND greatest(x.town_a, x.town_b) = greatest($1::uuid, $2::uuid)`,
      [p.townA, p.townB],
    );
    expect(inRound).toEqual([]);
  });

  it('documents the tandem API in the OpenAPI document', async () => {
    const doc = (await request(t.url).get('/api/docs-json').expect(200)).body;
    for (const path of [
      '/api/tandems',
      '/api/tandems/{id}',
      '/api/tandems/{id}/accept',
      '/api/tandems/{id}/decline',
      '/api/tandems/{id}/withdraw',
      '/api/tandems/{id}/approve',
      '/api/tandems/{id}/reject',
      '/api/tandems/{id}/start',
      '/api/tandems/{id}/conclude',
      '/api/tandems/{id}/cancel',
      '/api/tandems/proposals',
      '/api/tandems/proposals/round',
      '/api/tandems/dismissals',
    ]) {
      expect({ path, documented: !!doc.paths[path] }).toEqual({ path, documented: true });
    }
    expect(doc.paths['/api/tandems'].post.tags).toEqual(['tandems']);
  });
});
