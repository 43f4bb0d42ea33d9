import type { ParsedMail } from 'mailparser';
import request from 'supertest';
import { hashPassword } from '../../src/auth/password.util';
import { TEST_PASSWORD_HASH } from '../utils/test-env';
import { DigestsService } from '../../src/digests/digests.service';
import { STRONG_PASSWORD, registerConfirmAndLogin } from '../factories/accounts.factory';
import { seedTowns, SeededTown, waitForRunDone } from '../factories/digest.factory';
import { createOfficeUser, insertMunicipalities, TEST_TOWNS } from '../factories/directory.factory';
import { computeMatching, eventually } from '../factories/tandems.factory';
import { recipientsOf } from '../factories/workshops.factory';
import { fillPath, listRoutes, paramsOf } from '../utils/app-routes';
import { bootApp, MODES, TestApp, TestMode } from '../utils/boot-app';

/**
 * Issue 24: the marker test. One town ("Hidden") keeps its description, challenges and experiences for the office
 * and plants a unique marker in each of them, plus a topic that appears only in those hidden fields. A second town
 * ("Verdeckt") hides everything, its topics included. Then every flow that involves them runs with other towns'
 * mayors, and every output another town, a pending town or an anonymous visitor can reach is scanned: 0 hits.
 *
 * To grow it: add what a new feature shows to a collector below (or a new collector to COLLECTORS). The route sweep
 * already GETs every route Express has with every id of the scenario, so a new page or API route is scanned as soon
 * as it exists; a new mail is scanned as soon as it is sent to anyone but the hidden towns and the office.
 */

type Agent = ReturnType<typeof request.agent>;

const TAG = 'MARKER-7f3a9c';
/** The hidden topic: in Hidden's hidden challenge and experience only (and in Verdeckt's hidden topics). */
const HIDDEN_TOPIC = { slug: 'quendelpflege-7f3a', name: 'Quendelpflege 7F3A' };
/** Reason phrases that disclose a partner's challenge or experience (the town's and the office's wording); the same phrase about
 * "Ihre Kommune" speaks of the reader's own town. */
const NAMES_CHALLENGE_OR_EXPERIENCE =
  /deren (Erfahrung|Thema)|hat die Herausforderung|(?<!Ihre Kommune )hat Erfahrung (damit|mit)|(?<!Ihre Kommune hat „[^“]*“ )als Herausforderung genannt/;
/** ... and the ones that disclose its topics. */
const NAMES_TOPICS = /Gemeinsame Themen|am Thema/;

/** What one viewer can reach: a page, an API answer, a mail or an attachment. */
interface Output {
  /** Where it came from: "GET /tandems/… as Viewer (200)" or "mail to … „subject“". */
  where: string;
  body: string;
  /** The town that reads it (its own markers are no leak), null for anonymous and pending visitors. */
  readerTown: string | null;
  /** The whole output is about one hidden town (its tandem, its request page, a mail about it): reason phrases count anywhere. */
  aboutTown?: string;
  /** Lists the whole topic catalogue (profile editor, /api/topics): the topic name is no leak there. */
  catalogue?: boolean;
}

interface Marker {
  /** The towns that hid it (their own readers may see it). */
  owners: string[];
  label: string;
  needle: string | RegExp;
  /** Only in outputs about its (one) owner, or in the stretch of text after the owner's name; otherwise anywhere. */
  scoped?: boolean;
  /** A topic name, which the topic catalogue may list. */
  topicName?: boolean;
}

interface Hit {
  where: string;
  marker: string;
  snippet: string;
}

// Both modes (as the flow files); MARKER_MODES=servers narrows it while working on a leak.
const MODES_HERE: TestMode[] = process.env.MARKER_MODES ? (process.env.MARKER_MODES.split(',') as TestMode[]) : MODES;

describe.each(MODES_HERE)('visibility markers: nothing another town hid reaches anyone else (%s mode)', (mode) => {
  let t: TestApp;
  let towns: SeededTown[];
  let hidden: SeededTown;
  let verdeckt: SeededTown;
  let viewer: SeededTown;
  let viewer2: SeededTown;
  const agents = new Map<string, Agent>(); // by town id
  let office: Agent;
  let pending: Awaited<ReturnType<typeof registerConfirmAndLogin>>;
  const ids = { tandems: [] as string[], hiddenTandems: new Set<string>(), workshops: [] as string[] };
  /** Answers to the viewers' own write requests (they are outputs too). */
  const writeAnswers: Output[] = [];
  let markers: Marker[];
  let roundPartner: SeededTown | undefined;
  const outputs = new Map<string, Output[]>();

  const M = {
    description: `${TAG}-h1-beschreibung`,
    challengeHiddenTopic: `${TAG}-h1-herausforderung-quendel`,
    challengeShared: `${TAG}-h1-herausforderung-mobilitaet`,
    triedShared: `${TAG}-h1-versucht-leerstand`,
    outcomeShared: `${TAG}-h1-ergebnis-leerstand`,
    triedHiddenTopic: `${TAG}-h1-versucht-quendel`,
    outcomeHiddenTopic: `${TAG}-h1-ergebnis-quendel`,
    v2Description: `${TAG}-h2-beschreibung`,
    v2Challenge: `${TAG}-h2-herausforderung`,
    v2Tried: `${TAG}-h2-versucht`,
  };

  const agentOf = (town: SeededTown) => agents.get(town.id)!;
  const nameOf = (id: string) => towns.find((x) => x.id === id)?.name ?? id;

  async function login(email: string): Promise<Agent> {
    const agent = request.agent(t.url);
    await agent.post('/api/auth/login').send({ email, password: STRONG_PASSWORD }).expect(200);
    return agent;
  }

  /** Every promised mail sent (none queued or in flight). */
  async function mailsSettled() {
    await eventually('all mail deliveries sent', async () => {
      const r = await t.db.query(`SELECT count(*) FILTER (WHERE status <> 'sent')::int AS open, count(*)::int AS n FROM mail_delivery`);
      return r.rows[0].open === 0 && t.smtp.mails.length >= r.rows[0].n ? true : undefined;
    });
  }

  /** Records a viewer's own write request and its answer as an output. */
  async function write(reader: SeededTown, what: string, req: Promise<request.Response>, aboutTown?: string) {
    const res = await req;
    writeAnswers.push({ where: `${what} as ${reader.name} (${res.status})`, body: res.text, readerTown: reader.id, aboutTown });
    return res;
  }

  beforeAll(async () => {
    t = await bootApp(`vis_markers_${mode}`, {}, { mode });
    const hash = await hashPassword(STRONG_PASSWORD, TEST_PASSWORD_HASH);
    await t.db.query(`INSERT INTO topic (slug, name, sort_order, active) VALUES ($1, $2, 90, true)`, [
      HIDDEN_TOPIC.slug,
      HIDDEN_TOPIC.name,
    ]);
    // Eight verified towns from eight Länder (seedTowns), one contact each; every contact can log in.
    towns = await seedTowns(t.db, 8, { prefix: 'vm' });
    await t.db.query(`UPDATE user_account SET password_hash = $1 WHERE town_id IS NOT NULL`, [hash]);
    await t.db.query(`UPDATE town SET capacity = 3`);
    [hidden, viewer, viewer2] = towns;
    verdeckt = towns[7];
    await createOfficeUser(t.db, 'office@akademie.test', hash);
    office = await login('office@akademie.test');
    for (const town of towns) agents.set(town.id, await login(town.contacts[0].email));

    // Hidden: topics for the network; description, challenges and experiences for the office only, each with a marker.
    await agentOf(hidden)
      .put(`/api/towns/${hidden.id}/profile`)
      .send({
        topics: ['leerstand', 'mobilitaet'],
        description: `Kleinstadt an der Oder. ${M.description}`,
        capacity: 3,
        challenges: [
          { topic: HIDDEN_TOPIC.slug, text: `Quendel wuchert. ${M.challengeHiddenTopic}`, urgency: 3 },
          { topic: 'mobilitaet', text: `Busse fehlen. ${M.challengeShared}`, urgency: 2 },
        ],
        experiences: [
          { topic: 'leerstand', tried: `Leerstandskataster ${M.triedShared}`, outcome: `Zehn Läden belegt ${M.outcomeShared}` },
          { topic: HIDDEN_TOPIC.slug, tried: `Quendelschnitt ${M.triedHiddenTopic}`, outcome: `Gelungen ${M.outcomeHiddenTopic}` },
        ],
        visibility: { topics: 'network', description: 'office', challenges: 'office', experiences: 'office' },
      })
      .expect(200);
    // Verdeckt hides everything, its topics too; the hidden topic is one of them.
    await agentOf(verdeckt)
      .put(`/api/towns/${verdeckt.id}/profile`)
      .send({
        topics: ['leerstand', 'mobilitaet', HIDDEN_TOPIC.slug],
        description: `Verdeckte Stadt. ${M.v2Description}`,
        capacity: 3,
        challenges: [{ topic: 'mobilitaet', text: `Kein Bahnhof. ${M.v2Challenge}`, urgency: 2 }],
        experiences: [{ topic: 'leerstand', tried: `Zwischennutzung ${M.v2Tried}`, outcome: 'läuft' }],
        visibility: { topics: 'office', description: 'office', challenges: 'office', experiences: 'office' },
      })
      .expect(200);
    // The viewers: a challenge that Hidden's hidden experience answers, an experience that answers Hidden's hidden challenge.
    for (const v of [viewer, viewer2]) {
      await agentOf(v)
        .put(`/api/towns/${v.id}/profile`)
        .send({
          topics: ['leerstand', 'mobilitaet', 'tourismus'],
          description: `Offene Stadt ${v.name}.`,
          capacity: 3,
          challenges: [{ topic: 'leerstand', text: 'Leere Läden am Markt', urgency: 3 }],
          experiences: [{ topic: 'mobilitaet', tried: 'Bürgerbus', outcome: 'Gut angenommen' }],
        })
        .expect(200);
    }
    // Hidden and Verdeckt are new in the network this week (the digest's "Neu im Netzwerk").
    await t.db.query(`UPDATE town SET decided_at = now() - interval '1 hour' WHERE id = ANY($1::uuid[])`, [[hidden.id, verdeckt.id]]);
    // A pending town (registered and confirmed, not verified).
    await insertMunicipalities(t, [TEST_TOWNS[0]]);
    pending = await registerConfirmAndLogin(t, TEST_TOWNS[0].ags, 'bm@wartend.test');

    const freeText = (owner: string, entries: [string, string][]): Marker[] =>
      entries.map(([label, needle]) => ({ owners: [owner], label, needle }));
    markers = [
      ...freeText(hidden.id, [
        ['Hidden: description', M.description],
        ['Hidden: challenge text (hidden topic)', M.challengeHiddenTopic],
        ['Hidden: challenge text (Mobilität)', M.challengeShared],
        ['Hidden: experience tried (Leerstand)', M.triedShared],
        ['Hidden: experience outcome (Leerstand)', M.outcomeShared],
        ['Hidden: experience tried (hidden topic)', M.triedHiddenTopic],
        ['Hidden: experience outcome (hidden topic)', M.outcomeHiddenTopic],
      ]),
      {
        owners: [hidden.id, verdeckt.id],
        label: "hidden topic name (Hidden's challenge and experience, Verdeckt's topics)",
        needle: HIDDEN_TOPIC.name,
        topicName: true,
      },
      { owners: [hidden.id, verdeckt.id], label: 'hidden topic slug', needle: HIDDEN_TOPIC.slug, topicName: true },
      {
        owners: [hidden.id],
        label: 'Hidden: reason naming its hidden challenge/experience',
        needle: NAMES_CHALLENGE_OR_EXPERIENCE,
        scoped: true,
      },
      ...freeText(verdeckt.id, [
        ['Verdeckt: description', M.v2Description],
        ['Verdeckt: challenge text', M.v2Challenge],
        ['Verdeckt: experience tried', M.v2Tried],
      ]),
      { owners: [verdeckt.id], label: 'Verdeckt: reason naming its hidden fields', needle: NAMES_CHALLENGE_OR_EXPERIENCE, scoped: true },
      { owners: [verdeckt.id], label: 'Verdeckt: reason naming its hidden topics', needle: NAMES_TOPICS, scoped: true },
    ];

    // --- The flows that involve the hidden towns -------------------------------------------------------------
    await computeMatching(t, ['suggestions']);

    // Viewer asks Hidden for a tandem; Hidden accepts; the office approves; Hidden starts it.
    const asked = await write(
      viewer,
      'POST /api/tandems (to Hidden)',
      agentOf(viewer).post('/api/tandems').send({ partnerTownId: hidden.id, topic: 'leerstand', message: 'Gern mit Ihnen!' }),
      hidden.id,
    );
    expect(asked.status).toBe(201);
    const t1 = asked.body.id as string;
    await agentOf(hidden).post(`/api/tandems/${t1}/accept`).send({ message: 'Sehr gern.' }).expect(200);
    await office.post(`/api/tandems/${t1}/approve`).send({}).expect(200);
    await agentOf(hidden).post(`/api/tandems/${t1}/start`).send({}).expect(200);
    // Hidden asks Viewer2 (the request mail carries reasons from Viewer2's side); Viewer2 leaves it open.
    const t2 = (await agentOf(hidden).post('/api/tandems').send({ partnerTownId: viewer2.id, message: 'Hallo' }).expect(201)).body
      .id as string;
    // Viewer asks Verdeckt (the town that hides its topics).
    const asked3 = await write(
      viewer,
      'POST /api/tandems (to Verdeckt)',
      agentOf(viewer).post('/api/tandems').send({ partnerTownId: verdeckt.id, message: 'Guten Tag' }),
      verdeckt.id,
    );
    const t3 = asked3.status === 201 ? (asked3.body.id as string) : undefined;
    ids.tandems.push(t1, t2, ...(t3 ? [t3] : []));
    ids.hiddenTandems.add(t1).add(t2);

    // The office's tandem round, sent to every pair: the proposal mails carry reasons.
    await computeMatching(t, ['tandem_round']);
    await office.post('/api/tandems/proposals/round').send({}).expect(200);
    const proposals: { id: string; townA: string; townB: string }[] = (
      await t.db.query(`SELECT id, town_a AS "townA", town_b AS "townB" FROM tandem WHERE origin = 'office_proposal'`)
    ).rows;
    for (const p of proposals) {
      ids.tandems.push(p.id);
      if ([p.townA, p.townB].includes(hidden.id)) {
        ids.hiddenTandems.add(p.id);
        roundPartner = towns.find((x) => x.id === (p.townA === hidden.id ? p.townB : p.townA));
      }
    }

    // A workshop on Leerstand with Hidden, Viewer and four more towns (six Länder), published: invitations with reasons
    // and calendar files.
    const ws = (await office.post('/api/workshops').send({ theme: 'leerstand', title: 'Leerstand gemeinsam angehen' }).expect(201)).body;
    ids.workshops.push(ws.id);
    for (const town of [hidden, viewer, viewer2, towns[3], towns[4], towns[5]]) {
      await office
        .post(`/api/workshops/${ws.id}/invitations`)
        .send({ townId: town.id })
        .expect((r) => expect(r.status).toBeLessThan(300));
    }
    const when = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10) + 'T10:00';
    await office
      .patch(`/api/workshops/${ws.id}`)
      .send({ startsAt: when, durationMinutes: 120, format: 'online', onlineLink: 'https://konferenz.example/leerstand' })
      .expect(200);
    await office.post(`/api/workshops/${ws.id}/publish`).expect(200);
    await mailsSettled();

    // The weekly digest (suggestions, requests, workshop invitations, new towns, own tandems).
    const digests = t.worker.get(DigestsService);
    await digests.startRun('2026-W49', 'office');
    await waitForRunDone(t.db, '2026-W49');

    // Viewer answers the workshop invitation (after the digest, which lists open invitations).
    await write(
      viewer,
      `POST /api/workshops/${ws.id}/answer`,
      agentOf(viewer).post(`/api/workshops/${ws.id}/answer`).send({ answer: 'accept' }),
    );
    await mailsSettled();

    // --- Collect -------------------------------------------------------------------------------------------------
    for (const [name, collect] of Object.entries(COLLECTORS)) outputs.set(name, await collect());
  }, 600_000);
  afterAll(() => t?.close());

  // --- Collectors: what each kind of reader can reach ------------------------------------------------------------

  /** Values for a route parameter: every id of the scenario that could fill it. */
  function candidates(param: string): string[] {
    const townIds = [hidden.id, verdeckt.id, viewer.id];
    if (param === 'partnerId') return [hidden.id, verdeckt.id];
    if (param === 'userId') return [hidden.contacts[0].id, verdeckt.contacts[0].id];
    if (param === 'action') return ['hauptkontakt'];
    return [...townIds, ...ids.tandems, ...ids.workshops];
  }
  /** Paths never swept: the outbox is the operator's mailbox on a loopback installation (every mail by design). */
  const NOT_SWEPT = [/^\/outbox/];
  /** Routes whose page or answer lists the whole topic catalogue (the hidden topic's name is no leak there). */
  // The Methodenkoffer's and the events' topic filters offer the catalogue too (any other hidden marker there still counts).
  const CATALOGUE = [
    /^\/api\/topics$/,
    /^\/meine-kommune$/,
    /^\/registrieren/,
    /^\/methodenkoffer$/,
    /^\/veranstaltungen$/,
    /^\/veranstaltungen\/einladen$/,
  ];
  /** Extra query strings worth a look (searches and filters that could surface a hidden town). */
  const QUERIES: Record<string, () => string[]> = {
    '/api/municipalities': () => [`q=${encodeURIComponent(hidden.name)}`, `q=${encodeURIComponent(verdeckt.name)}`],
    '/registrieren': () => [`suche=${encodeURIComponent(hidden.name)}`],
    '/vorschlaege': () => ['alle=1'],
    '/api/tandems': () => ['state=active', 'state=requested', 'state=proposed'],
    '/tandems': () => ['ausgeblendet=1'],
  };

  /** GETs every route with every filling of its parameters, as one reader. */
  async function sweep(readerName: string, agent: Agent | null, readerTown: string | null): Promise<Output[]> {
    const out: Output[] = [];
    for (const route of listRoutes(t.app, ['get'])) {
      if (NOT_SWEPT.some((re) => re.test(route.path))) continue;
      const params = paramsOf(route.path);
      let fills: Record<string, string>[] = [{}];
      for (const p of params) fills = fills.flatMap((f) => candidates(p).map((v) => ({ ...f, [p]: v })));
      for (const fill of fills) {
        const base = fillPath(route.path, fill);
        for (const query of ['', ...(QUERIES[route.path]?.() ?? [])]) {
          const path = query ? `${base}?${query}` : base;
          const res = await (agent ?? request(t.url)).get(path).redirects(0);
          const values = Object.values(fill);
          const about = values.includes(hidden.id) || values.some((v) => ids.hiddenTandems.has(v)) ? hidden.id : undefined;
          out.push({
            where: `GET ${path} as ${readerName} (${res.status})`,
            body: res.text ?? '',
            readerTown,
            aboutTown: about ?? (values.includes(verdeckt.id) ? verdeckt.id : undefined),
            catalogue: CATALOGUE.some((re) => re.test(route.path)),
          });
        }
      }
    }
    return out;
  }

  /** A mail's text, HTML and every attachment (calendar files unfolded). */
  function mailOutputs(m: ParsedMail, readerTown: string | null): Output[] {
    const to = recipientsOf(m).join(', ');
    const where = (part: string) => `mail to ${to} „${m.subject}“ (${part})`;
    const about = [hidden, verdeckt].find((h) => (m.subject ?? '').includes(h.name))?.id;
    return [
      { where: where('subject'), body: m.subject ?? '', readerTown, aboutTown: about },
      { where: where('text'), body: m.text ?? '', readerTown, aboutTown: about },
      { where: where('html'), body: typeof m.html === 'string' ? m.html : '', readerTown, aboutTown: about },
      ...m.attachments.map((a) => ({
        where: where(`attachment ${a.filename ?? a.contentType}`),
        body: a.content.toString('utf8').replace(/\r?\n[ \t]/g, ''),
        readerTown,
        aboutTown: about,
      })),
    ];
  }

  const COLLECTORS: Record<string, () => Output[] | Promise<Output[]>> = {
    'pages and API answers, as Viewer (tandem with Hidden, request page, workshop, suggestions)': () =>
      sweep('Viewer', agentOf(viewer), viewer.id),
    'pages and API answers, as Viewer2 (Hidden asked it for a tandem)': () => sweep('Viewer2', agentOf(viewer2), viewer2.id),
    "pages and API answers, as Hidden's partner of the office round": async () =>
      roundPartner ? sweep(`round partner ${roundPartner.name}`, agentOf(roundPartner), roundPartner.id) : [],
    'pages and API answers, as a pending town': () => sweep('pending town', pending.agent, null),
    'pages and API answers, anonymous': () => sweep('anonymous', null, null),
    "answers to the viewers' own requests": () => writeAnswers,
    'mails to other towns (requests, answers, proposals, workshop invitations + .ics, digests)': () => {
      const staff = new Set(['office@akademie.test']);
      const out: Output[] = [];
      for (const m of t.smtp.mails) {
        const to = recipientsOf(m);
        if (to.every((a) => staff.has(a))) continue;
        // A mail to a hidden town may carry its own markers, not the other's (scan skips the reader's own).
        const reader = towns.find((x) => x.contacts.some((c) => to.includes(c.email)));
        out.push(...mailOutputs(m, reader?.id ?? null));
      }
      return out;
    },
  };

  // --- Scanning ---------------------------------------------------------------------------------------------------

  /**
   * The stretches of `body` about the town `name`: from each mention to the next mention of another town (at most
   * 600 characters), e.g. a suggestion card, a digest item, a "Mit <Stadt>: …" reason line, a JSON entry.
   */
  function stretchesAbout(body: string, name: string): string[] {
    const others = [...towns.map((x) => x.name), TEST_TOWNS[0].name].filter((n) => n !== name);
    const out: string[] = [];
    for (let at = body.indexOf(name); at >= 0; at = body.indexOf(name, at + name.length)) {
      let end = Math.min(body.length, at + name.length + 600);
      for (const other of others) {
        const next = body.indexOf(other, at + name.length);
        if (next >= 0 && next < end) end = next;
      }
      out.push(body.slice(at, end));
    }
    return out;
  }

  function scan(output: Output): Hit[] {
    const hits: Hit[] = [];
    for (const marker of markers) {
      if (output.readerTown && marker.owners.includes(output.readerTown)) continue;
      if (marker.topicName && output.catalogue) continue;
      const texts =
        marker.scoped && output.aboutTown !== marker.owners[0] ? stretchesAbout(output.body, nameOf(marker.owners[0])) : [output.body];
      const re =
        typeof marker.needle === 'string'
          ? new RegExp(marker.needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi')
          : new RegExp(marker.needle.source, 'g');
      for (const text of texts) {
        for (const m of text.matchAll(re)) {
          const at = m.index ?? 0;
          hits.push({
            where: output.where,
            marker: marker.label,
            snippet: text
              .slice(Math.max(0, at - 80), at + m[0].length + 40)
              .replace(/\s+/g, ' ')
              .trim(),
          });
        }
      }
    }
    return hits;
  }

  it('sanity: the flows ran and reached the viewers (else the scan below would pass vacuously)', () => {
    const viewerMails = t.smtp.to(viewer.contacts[0].email).map((m) => m.subject);
    expect(viewerMails).toEqual(
      expect.arrayContaining([
        `${hidden.name} hat Ihre Tandem-Anfrage angenommen`,
        expect.stringMatching(/^Einladung zur Transferwerkstatt/),
        expect.stringMatching(/^Neu für /),
      ]),
    );
    expect(t.smtp.to(viewer2.contacts[0].email).map((m) => m.subject)).toContain(`${hidden.name} fragt ein Tandem mit ${viewer2.name} an`);
    expect({ roundPartnerOfHidden: roundPartner?.name ?? null }).toEqual({ roundPartnerOfHidden: expect.any(String) });
    const invitation = t.smtp.to(viewer.contacts[0].email).find((m) => m.subject?.startsWith('Einladung zur Transferwerkstatt'))!;
    expect(invitation.attachments.some((a) => a.contentType.startsWith('text/calendar'))).toBe(true);
    const sweepViewer = outputs.get(Object.keys(COLLECTORS)[0])!;
    const statusOf = (path: string) => sweepViewer.find((o) => o.where.startsWith(`GET ${path} as`))?.where;
    expect(statusOf(`/tandems/${ids.tandems[0]}`)).toMatch(/\(200\)$/);
    expect(statusOf(`/api/tandems/${ids.tandems[0]}`)).toMatch(/\(200\)$/);
    expect(statusOf(`/api/towns/${hidden.id}`)).toMatch(/\(200\)$/);
    expect(statusOf(`/werkstaetten`)).toMatch(/\(200\)$/);
    expect(statusOf(`/vorschlaege`)).toMatch(/\(200\)$/);
  });

  it('sanity: the markers are where they belong (the office, the hidden town itself)', async () => {
    const mustShowAll = async (who: string, agent: Agent, path: string, owner: SeededTown) => {
      const res = await agent.get(path).expect(200);
      const own = markers.filter((m) => m.owners.includes(owner.id) && typeof m.needle === 'string');
      const missing = own.filter((m) => !m.topicName && !res.text.includes(m.needle as string)).map((m) => m.label);
      // The hidden topic by name (pages) or by slug (API answers).
      if (!own.some((m) => m.topicName && res.text.includes(m.needle as string))) missing.push('the hidden topic (name or slug)');
      expect({ who, path, missing }).toEqual({ who, path, missing: [] });
    };
    await mustShowAll('office', office, `/geschaeftsstelle/kommunen/${hidden.id}`, hidden);
    await mustShowAll('office', office, `/api/towns/${hidden.id}`, hidden);
    await mustShowAll('Hidden itself', agentOf(hidden), `/api/towns/${hidden.id}`, hidden);
    await mustShowAll('office', office, `/geschaeftsstelle/kommunen/${verdeckt.id}`, verdeckt);
    // The scan itself finds a planted marker (a fake output as a viewer would get it).
    expect(scan({ where: 'probe', body: `x ${M.triedShared} y`, readerTown: viewer.id }).map((h) => h.marker)).toEqual([
      'Hidden: experience tried (Leerstand)',
    ]);
    expect(
      scan({ where: 'probe', body: `- ${verdeckt.name} (Land)\n  Gemeinsame Themen: Leerstand`, readerTown: viewer.id }).map(
        (h) => h.marker,
      ),
    ).toEqual(['Verdeckt: reason naming its hidden topics']);
  });

  it.each(Object.keys(COLLECTORS))('0 markers in: %s', (collector) => {
    const got = outputs.get(collector);
    expect(got).toBeDefined();
    const hits = got!.flatMap(scan);
    // One line per hit: which output, which marker, and the text around it.
    expect(hits.map((h) => `${h.marker} — ${h.where} — …${h.snippet}…`)).toEqual([]);
  });
});
