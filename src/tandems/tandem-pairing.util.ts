// Input rules of the office's pairing outside a tandem round (issue 25). Plain TypeScript: each refusal is a code with
// an English (API) and a German (pages) message and the field it concerns.

export const PAIRING_REASON_MIN = 10;
export const PAIRING_REASON_MAX = 1000;

export interface PairingRefusal {
  code: string;
  message: string;
  messageDe: string;
  field: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface PairingInput {
  townA: string;
  townB: string;
  topic: string;
  reason: string;
}

/** The checked input (reason trimmed), or the first refusal; the topic is checked against the pair's topics later. */
export function parsePairingInput(raw: {
  townA?: unknown;
  townB?: unknown;
  topic?: unknown;
  reason?: unknown;
}): { ok: true; input: PairingInput } | { ok: false; refusal: PairingRefusal } {
  const refuse = (code: string, message: string, messageDe: string, field: string) => ({
    ok: false as const,
    refusal: { code, message, messageDe, field },
  });
  for (const field of ['townA', 'townB'] as const) {
    const v = raw[field];
    if (typeof v !== 'string' || !UUID.test(v))
      return refuse('invalid_town', `${field} must be the id of a town`, 'Bitte wählen Sie zwei Kommunen aus.', field);
  }
  const townA = (raw.townA as string).toLowerCase(),
    townB = (raw.townB as string).toLowerCase();
  if (townA === townB)
    return refuse('self', 'A town cannot form a tandem with itself', 'Bitte wählen Sie zwei verschiedene Kommunen.', 'townB');
  if (raw.topic == null || raw.topic === '')
    return refuse('topic_required', 'Choose the topic of the tandem', 'Bitte wählen Sie das Thema des Tandems.', 'topic');
  if (typeof raw.topic !== 'string' || !/^[a-z0-9-]{1,60}$/.test(raw.topic))
    return refuse('unknown_topic', 'Choose a topic the two towns show', 'Bitte wählen Sie ein Thema aus der Liste.', 'topic');
  if (raw.reason != null && typeof raw.reason !== 'string')
    return refuse('invalid_text', 'The reason must be text', 'Die Begründung muss Text sein.', 'reason');
  const reason = ((raw.reason as string | undefined) ?? '').trim();
  if (reason.length < PAIRING_REASON_MIN)
    return refuse(
      'reason_required',
      `Please give the office's reason for this pair (at least ${PAIRING_REASON_MIN} characters); both towns read it`,
      `Bitte begründen Sie den Vorschlag (mindestens ${PAIRING_REASON_MIN} Zeichen); beide Kommunen lesen die Begründung.`,
      'reason',
    );
  if (reason.length > PAIRING_REASON_MAX)
    return refuse(
      'too_long',
      `The reason is too long (${reason.length} characters, at most ${PAIRING_REASON_MAX})`,
      `Die Begründung ist zu lang (${reason.length} Zeichen, höchstens ${PAIRING_REASON_MAX}).`,
      'reason',
    );
  return { ok: true, input: { townA, townB, topic: raw.topic, reason } };
}
