import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { OPEN_STATES, STATE_DE } from '../tandems/core/tandem-transitions.util';
import { TandemRepository } from '../tandems/tandem.repository';
import type { DigestItem, DigestSection } from './digest-content.util';
import type { DigestRecipient, DigestSectionProvider } from './digest-section.provider';

type OpenTandem = Awaited<ReturnType<TandemRepository['openForTowns']>> extends Map<string, (infer T)[]> ? T : never;

/**
 * The open tandems of each recipient's town, one query per batch: both tandem sections collect the same batch (the
 * digest passes one recipients array to every provider), so the second one reuses the first one's query.
 */
@Injectable()
export class OpenTandemsOfBatch {
  private readonly batches = new WeakMap<readonly DigestRecipient[], Promise<OpenTandem[][]>>();

  constructor(private readonly tandems: TandemRepository) {}

  of(recipients: readonly DigestRecipient[]): Promise<OpenTandem[][]> {
    let open = this.batches.get(recipients);
    if (!open) {
      open = this.tandems
        .openForTowns([...new Set(recipients.map((r) => r.townId))])
        .then((byTown) => recipients.map((r) => byTown.get(r.townId) ?? []));
      this.batches.set(recipients, open);
    }
    return open;
  }
}

const partnerOf = (t: OpenTandem, townId: string) => (t.townA === townId ? `${t.nameB} (${t.stateB})` : `${t.nameA} (${t.stateA})`);

function item(t: OpenTandem, townId: string, prefix: string, detail: string): DigestItem {
  // The key carries the state: the same tandem is news again once its state changes.
  return {
    key: `${prefix}:${t.id}:${t.state}`,
    title: partnerOf(t, townId),
    detail,
    reasons: t.topicName ? `Thema: ${t.topicName}` : undefined,
  };
}

abstract class TandemSectionProvider implements DigestSectionProvider {
  abstract readonly key: string;
  constructor(
    private readonly open: OpenTandemsOfBatch,
    @Inject(APP_CONFIG) protected readonly config: AppConfig,
  ) {}

  async collect(recipients: readonly DigestRecipient[]): Promise<(DigestSection | null)[]> {
    const open = await this.open.of(recipients);
    return recipients.map((r, i) => this.section(r, open[i]));
  }

  protected abstract section(r: DigestRecipient, open: OpenTandem[]): DigestSection | null;

  protected get link() {
    return { url: `${this.config.appUrl}/tandems`, text: 'Zu Ihren Tandems' };
  }
}

/** Requests and proposals waiting for this town's answer (from the tandems module). */
@Injectable()
export class TandemRequestsSectionProvider extends TandemSectionProvider {
  readonly key = 'tandem-requests';

  protected section(r: DigestRecipient, open: OpenTandem[]): DigestSection | null {
    const waiting = open.filter((t) => t.waitingForTown);
    if (!waiting.length) return null;
    return {
      key: this.key,
      title: 'Warten auf Ihre Antwort',
      intro: 'Diese Tandems warten darauf, dass Ihre Kommune zusagt oder absagt:',
      summary: `${waiting.length} Tandem-Anfragen warten auf Ihre Antwort`,
      items: waiting.map((t) =>
        item(t, r.townId, 'tandem-waiting', t.origin === 'office_proposal' ? 'Vorschlag der Geschäftsstelle' : 'Anfrage an Ihre Kommune'),
      ),
      link: this.link,
    };
  }
}

/** The state of the town's own open tandems (requests it sent, proposals it accepted), when it changed. */
@Injectable()
export class OwnTandemsSectionProvider extends TandemSectionProvider {
  readonly key = 'tandem-states';

  protected section(r: DigestRecipient, open: OpenTandem[]): DigestSection | null {
    const own = open.filter((t) => !t.waitingForTown && OPEN_STATES.includes(t.state));
    if (!own.length) return null;
    return {
      key: this.key,
      title: 'Stand Ihrer offenen Tandems',
      intro: 'So steht es um die Tandems Ihrer Kommune, die noch nicht begonnen haben:',
      summary: `Neues zu ${own.length} Ihrer Tandems`,
      items: own.map((t) => item(t, r.townId, 'tandem-state', `Stand: ${STATE_DE[t.state]}`)),
      link: this.link,
    };
  }
}
