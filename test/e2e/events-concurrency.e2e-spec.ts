import request from 'supertest';
import { SeededTown } from '../factories/digest.factory';
import { eventBody, eventScenario } from '../factories/events.factory';
import { eventually } from '../factories/tandems.factory';
import { recipientsOf } from '../factories/workshops.factory';
import { bootApp, MODES, TestApp } from '../utils/boot-app';

type Agent = ReturnType<typeof request.agent>;

// Issue 28: the waiting list is fair under load. Each registration locks the event row (SELECT … FOR UPDATE) and
// counts places inside the lock, so simultaneous HTTP requests can neither overbook nor skip a waiting position.
describe.each(MODES)('event registrations under concurrency (%s mode)', (mode) => {
  let t: TestApp;
  let office: Agent;
  let towns: SeededTown[];
  let login: (email: string) => Promise<Agent>;

  beforeAll(async () => {
    t = await bootApp('events_race', { LOGIN_RATE_LIMIT: '1000' }, { mode });
    ({ towns, office, login } = await eventScenario(t, 5, 'evr'));
  });
  afterAll(() => t?.close());

  it('50 simultaneous registrations for 10 places: exactly 10 confirmed, 40 waiting in order; 5 simultaneous cancellations move exactly 5 up, each mailed once', async () => {
    const id = (
      await office
        .post('/api/events')
        .send(eventBody({ placesTotal: 10, placesPerTown: null }))
        .expect(201)
    ).body.id;
    await office.post(`/api/events/${id}/publish`).expect(200);
    const agents = await Promise.all(towns.map((x) => login(x.contacts[0].email)));

    // 50 requests at once, 10 per town, from the towns' own contacts.
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        agents[i % agents.length]
          .post(`/api/events/${id}/registrations`)
          .send({ name: `Person ${i + 1}`, email: `person${i + 1}@rennen.test` })
          .expect(201)
          .then((r) => r.body as { id: string; status: string }),
      ),
    );
    expect(results.filter((r) => r.status === 'confirmed')).toHaveLength(10);
    expect(results.filter((r) => r.status === 'waiting')).toHaveLength(40);

    // In order: positions 1..40 without gap or double, in the order the rows were written; every place was taken
    // before the first person waited.
    const rows: { id: string; status: string; waitingPosition: number | null; createdAt: Date }[] = (
      await t.db.query(
        `SELECT id, status, waiting_position AS "waitingPosition", created_at AS "createdAt" FROM event_registration
         WHERE event_id = $1 ORDER BY created_at, id`,
        [id],
      )
    ).rows;
    expect(rows).toHaveLength(50);
    expect(rows.slice(0, 10).every((r) => r.status === 'confirmed' && r.waitingPosition === null)).toBe(true);
    expect(rows.slice(10).map((r) => r.waitingPosition)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const waiting = rows.slice(10);

    // Five cancellations at once, each by its own town: exactly the first five waiting move up, each once.
    const agentOf = new Map(towns.map((x, i) => [x.id, agents[i]]));
    const townOf = new Map<string, string>(
      (await t.db.query(`SELECT id, town_id AS "townId" FROM event_registration WHERE event_id = $1`, [id])).rows.map((r) => [
        r.id,
        r.townId,
      ]),
    );
    const cancels = await Promise.all(
      rows.slice(0, 5).map((r) => agentOf.get(townOf.get(r.id)!)!.post(`/api/events/${id}/registrations/${r.id}/cancel`).expect(200)),
    );
    expect(cancels).toHaveLength(5);
    const after: { id: string; status: string }[] = (
      await t.db.query(`SELECT id, status FROM event_registration WHERE event_id = $1`, [id])
    ).rows;
    const statusOf = new Map(after.map((r) => [r.id, r.status]));
    expect(after.filter((r) => r.status === 'confirmed')).toHaveLength(10);
    expect(after.filter((r) => r.status === 'cancelled')).toHaveLength(5);
    expect(waiting.slice(0, 5).map((r) => statusOf.get(r.id))).toEqual(Array(5).fill('confirmed'));
    expect(waiting.slice(5).every((r) => statusOf.get(r.id) === 'waiting')).toBe(true);
    expect(
      (await t.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE subject_id = $1 AND action = 'event.moved_up'`, [id])).rows[0].n,
    ).toBe(5);

    // Each of the five gets exactly one "Nachgerückt" mail, nobody else does.
    const moved = new Set(
      (
        await t.db.query(`SELECT email FROM event_registration WHERE id = ANY($1::uuid[])`, [waiting.slice(0, 5).map((r) => r.id)])
      ).rows.map((r) => r.email as string),
    );
    await eventually('every delivery sent', async () =>
      (await t.db.query(`SELECT count(*)::int AS n FROM mail_delivery WHERE status <> 'sent'`)).rows[0].n === 0 &&
      t.smtp.mails.filter((m) => m.subject?.startsWith('Nachgerückt')).length >= 5
        ? true
        : undefined,
    );
    const upTo = t.smtp.mails.filter((m) => m.subject?.startsWith('Nachgerückt')).flatMap(recipientsOf);
    expect(upTo.sort()).toEqual([...moved].sort());
    expect(
      (await t.db.query(`SELECT count(*)::int AS n FROM mail_delivery WHERE dedupe_key LIKE $1`, [`event:${id}:moved-up:%`])).rows[0].n,
    ).toBe(5);
  });
});
