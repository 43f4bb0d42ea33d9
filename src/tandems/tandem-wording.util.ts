// German wording of tandem pages that depends on who reads it (pure, unit-tested for case and doubled words).
import type { TandemListRow } from './tandem.repository';
import type { TandemActor } from './core/tandem-transitions.util';

/** Whose step it is, in the dative after "von" ("Antwort von Ihrer Kommune", never "von Ihre Kommune"). */
export function waitingFor(
  r: Pick<TandemListRow, 'state' | 'nameA' | 'nameB' | 'acceptedAAt' | 'acceptedBAt'>,
  actor: TandemActor,
): string | null {
  const you = (side: 'A' | 'B') =>
    actor === (side === 'A' ? 'requester' : 'partner') ? 'Ihrer Kommune' : side === 'A' ? r.nameA : r.nameB;
  switch (r.state) {
    case 'requested':
      return `Antwort von ${you('B')}`;
    case 'accepted':
      return 'Freigabe durch die Geschäftsstelle';
    case 'approved':
      return 'Start des Tandems';
    case 'proposed':
      return [!r.acceptedAAt && you('A'), !r.acceptedBAt && you('B')]
        .filter(Boolean)
        .map((n) => `Antwort von ${n}`)
        .join(' und ');
    default:
      return null;
  }
}
