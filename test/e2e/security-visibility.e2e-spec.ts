import request from 'supertest';
import { hashPassword } from '../../src/auth/password.util';
import { TEST_PASSWORD_HASH } from '../utils/test-env';
import { registerConfirmAndLogin } from '../factories/accounts.factory';
import { createOfficeUser, insertMunicipalities, TEST_TOWNS } from '../factories/directory.factory';
import { bootApp, TestApp } from '../utils/boot-app';
import { waitFor } from '../utils/wait-for';

const OFFICE = { email: 'office@akademie.test', password: 'Office-Passwort-123' };

describe('visibility leaks, caching and directory search (issue 9: items 2 and 8)', () => {
  let t: TestApp;
  let olbernhau: Awaited<ReturnType<typeof registerConfirmAndLogin>>;
  let brunsbuettel: Awaited<ReturnType<typeof registerConfirmAndLogin>>;
  let ruethen: Awaited<ReturnType<typeof registerConfirmAndLogin>>;
  let office: ReturnType<typeof request.agent>;

  beforeAll(async () => {
    t = await bootApp('sec_visibility');
    await insertMunicipalities(t, TEST_TOWNS);
    await createOfficeUser(t.db, OFFICE.email, await hashPassword(OFFICE.password, TEST_PASSWORD_HASH));
    olbernhau = await registerConfirmAndLogin(t, TEST_TOWNS[0].ags, 'bm@olbernhau.test');
    brunsbuettel = await registerConfirmAndLogin(t, TEST_TOWNS[1].ags, 'bm@brunsbuettel.test');
    ruethen = await registerConfirmAndLogin(t, TEST_TOWNS[2].ags, 'bm@ruethen.test');
    office = request.agent(t.url);
    await office.post('/api/auth/login').send(OFFICE).expect(200);
    // Olbernhau: topics and experiences for the network, its challenge for the office only.
    await olbernhau.agent
      .put(`/api/towns/${olbernhau.townId}/profile`)
      .send({
        topics: ['leerstand', 'mobilitaet'],
        description: 'Bergstadt im Erzgebirge.',
        capacity: 2,
        challenges: [{ topic: 'mobilitaet', text: 'Busverbindungen in die Ortsteile fehlen', urgency: 3 }],
        experiences: [{ topic: 'leerstand', tried: 'Leerstandsmanagement mit Eigentümern', outcome: 'Zwölf Läden belegt' }],
        visibility: { challenges: 'office' },
      })
      .expect(200);
    // Rüthen has experience with Mobilität (answers Olbernhau's hidden challenge) and a challenge in Leerstand.
    await ruethen.agent
      .put(`/api/towns/${ruethen.townId}/profile`)
      .send({
        topics: ['leerstand', 'mobilitaet'],
        description: 'Bergstadt im Sauerland.',
        capacity: 2,
        challenges: [{ topic: 'leerstand', text: 'Leere Läden in der Hochstraße', urgency: 2 }],
        experiences: [{ topic: 'mobilitaet', tried: 'Bürgerbus', outcome: 'Gut angenommen' }],
      })
      .expect(200);
    for (const id of [olbernhau.townId, ruethen.townId]) await office.post(`/api/admin/towns/${id}/verify`).send({}).expect(200);
  });
  afterAll(() => t?.close());

  it('2a: pending and rejected accounts see only public fields of a verified town; verified towns and the office see network fields', async () => {
    const network = ['description', 'topics', 'experiences'];
    const pending = await brunsbuettel.agent.get(`/api/towns/${olbernhau.townId}`).expect(200);
    for (const f of network) expect(pending.body[f]).toBeUndefined();
    expect(pending.body.hiddenFields).toEqual(expect.arrayContaining([...network, 'challenges']));

    await office.post(`/api/admin/towns/${brunsbuettel.townId}/reject`).send({ reason: 'Keine Rückmeldung aus dem Rathaus' }).expect(200);
    const rejected = await brunsbuettel.agent.get(`/api/towns/${olbernhau.townId}`).expect(200);
    for (const f of network) expect(rejected.body[f]).toBeUndefined();

    const peer = await ruethen.agent.get(`/api/towns/${olbernhau.townId}`).expect(200);
    expect(peer.body.topics.map((x: { slug: string }) => x.slug)).toEqual(expect.arrayContaining(['leerstand', 'mobilitaet']));
    expect(peer.body.experiences).toHaveLength(1);
    expect(peer.body.challenges).toBeUndefined();
    const own = await office.get(`/api/towns/${olbernhau.townId}`).expect(200);
    expect(own.body.challenges).toHaveLength(1);
  });

  it("2b: suggestions (scores and reasons) do not depend on a partner's office-only challenge", async () => {
    const start = await office.post('/api/matching/runs').send({ kind: 'suggestions' }).expect(202);
    const status = await waitFor(
      async () => {
        const s: string = (await office.get(`/api/matching/runs/${start.body.runId}`).expect(200)).body.status;
        return s !== 'running' && s;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: 'the suggestions run to finish' },
    );
    expect(status).toBe('done');

    const forRuethen = await ruethen.agent.get(`/api/towns/${ruethen.townId}/suggestions`).expect(200);
    const toOlbernhau = forRuethen.body.suggestions.find((s: { partner: { id: string } }) => s.partner.id === olbernhau.townId);
    expect(toOlbernhau).toBeDefined();
    const text = JSON.stringify(toOlbernhau);
    expect(text).not.toContain('deren Herausforderung Mobilität');
    expect(text).not.toMatch(/Ihre Erfahrung mit Mobilität/);
    // Issue 24: what a town reads is computed from what it may see, numbers included. The only complement left is
    // Olbernhau's visible experience answering Rüthen's challenge; the hidden challenge adds nothing a number could show.
    const complement = toOlbernhau.components.find((c: { key: string }) => c.key === 'complement');
    expect(complement.reason).not.toMatch(/Mobilität/);
    // What Olbernhau shows the network is still explained: its experience answers Rüthen's challenge.
    expect(toOlbernhau.reasons).toContain('Ihre Herausforderung Leerstand ↔ deren Erfahrung mit Leerstand');

    const forOlbernhau = await olbernhau.agent.get(`/api/towns/${olbernhau.townId}/suggestions`).expect(200);
    const toRuethen = forOlbernhau.body.suggestions.find((s: { partner: { id: string } }) => s.partner.id === ruethen.townId);
    // Suggestions are scored on the network's view of both towns: a field Olbernhau keeps for the office serves the
    // office's rounds and workshops, and no suggestion of either town depends on it.
    expect(toRuethen.reasons).not.toMatch(/Ihre Herausforderung Mobilität/);
    expect(toRuethen.reasons).toContain('Ihre Erfahrung mit Leerstand');
  });

  it('8: authenticated pages and API answers are not cached', async () => {
    for (const path of ['/api/auth/me', `/api/towns/${olbernhau.townId}`, '/meine-kommune', '/vorschlaege']) {
      const res = await olbernhau.agent.get(path);
      expect({ path, status: res.status < 400, cache: res.headers['cache-control'] }).toEqual({ path, status: true, cache: 'no-store' });
    }
    const anon = await request(t.url).get('/api/topics').expect(200);
    expect(anon.headers['cache-control']).toBe('no-store');
  });

  it('8: the directory search takes % and _ literally', async () => {
    for (const q of ['%%', '__', '_%', 'o%', '%e_']) {
      const res = await request(t.url).get('/api/municipalities').query({ q }).expect(200);
      expect({ q, hits: res.body.length }).toEqual({ q, hits: 0 });
    }
    expect((await request(t.url).get('/api/municipalities').query({ q: 'olb' }).expect(200)).body[0].name).toBe('Olbernhau');
    const page = await request(t.url).get('/registrieren').query({ suche: '%%' }).expect(200);
    expect(page.text).not.toContain('Olbernhau');
  });
});
