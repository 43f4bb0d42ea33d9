import { HttpStatus, Injectable } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository';
import type { SessionUser } from '../auth/session-user';
import { DomainError, townNotFound } from '../common/domain-error';
import { RecomputeTrigger } from '../queue/recompute-trigger.service';
import { TopicRepository } from './topic.repository';
import { TownProfileDto } from './town-profile.dto';
import { TownRepository } from './town.repository';
import { TownProfileView, TownViewRepository } from './visibility/town-view.repository';
import { clearanceFor, DEFAULT_VISIBILITY, ProfileField, Visibility } from './visibility/town-visibility.util';

/** A town as one viewer may see it (the visibility layer's view); its visibility settings only for itself and the office. */
export type TownView = TownProfileView & { visibility?: Record<ProfileField, Visibility> };

@Injectable()
export class TownsService {
  constructor(
    private readonly towns: TownRepository,
    private readonly topics: TopicRepository,
    private readonly audit: AuditRepository,
    private readonly recompute: RecomputeTrigger,
    private readonly views: TownViewRepository,
  ) {}

  async view(user: SessionUser | undefined, townId: string): Promise<TownView> {
    // One read: the profile row carries the stored visibility settings (and, for the own town, the viewer's status).
    const found = await this.views.profileForUser(user, townId);
    if (!found) throw townNotFound();
    const { view: town, viewer } = found;
    const full = clearanceFor(viewer, townId).includes('office');
    // Unverified towns do not exist for other towns (and the public).
    if (town.status !== 'verified' && !full) throw townNotFound();
    if (!full) return town;
    return { ...town, visibility: { ...DEFAULT_VISIBILITY, ...found.visibility } };
  }

  /** Pause or resume suggestions and requests; only a contact of the town itself may. */
  async setPaused(actor: SessionUser, townId: string, paused: boolean): Promise<TownView> {
    if (actor.townId !== townId) {
      throw new DomainError(
        HttpStatus.FORBIDDEN,
        'not_your_town',
        'You can only pause or resume your own town',
        'Sie können nur Ihre eigene Kommune pausieren oder fortsetzen.',
      );
    }
    const changed = await this.towns.transaction(async (m) => {
      const town = await this.towns.findByIdForUpdate(m, townId);
      if (!town) throw townNotFound();
      if (town.optedOut === paused) return false;
      await this.towns.setPaused(m, townId, paused);
      await this.audit.write(m, {
        actorId: actor.id,
        action: paused ? 'town.paused' : 'town.resumed',
        subjectType: 'town',
        subjectId: townId,
      });
      return true;
    });
    if (changed) await this.recompute.request(paused ? 'paused' : 'resumed');
    return this.view(actor, townId);
  }

  /** Only a contact of the town itself edits its profile; unknown topics reject the whole update. */
  async updateProfile(actor: SessionUser, townId: string, dto: TownProfileDto): Promise<TownView> {
    if (actor.townId !== townId) {
      throw new DomainError(
        HttpStatus.FORBIDDEN,
        'not_your_town',
        'You can only edit the profile of your own town',
        'Sie können nur das Profil Ihrer eigenen Kommune bearbeiten.',
      );
    }
    const known = new Set((await this.topics.listActive()).map((t) => t.slug));
    const used = [...dto.topics, ...dto.challenges.map((c) => c.topic), ...dto.experiences.map((e) => e.topic)];
    const unknown = [...new Set(used.filter((s) => !known.has(s)))];
    if (unknown.length) {
      throw new DomainError(
        HttpStatus.BAD_REQUEST,
        'unknown_topic',
        `Unknown topic: ${unknown.join(', ')}`,
        'Bitte wählen Sie nur Themen aus der Liste aus.',
        'topics',
      );
    }
    await this.towns.transaction(async (m) => {
      const town = await this.towns.findByIdForUpdate(m, townId);
      if (!town) throw townNotFound();
      await this.towns.writeProfile(m, townId, {
        description: dto.description.trim(),
        capacity: dto.capacity,
        visibility: { ...DEFAULT_VISIBILITY, ...town.visibility, ...(dto.visibility ?? {}) },
        topics: [...new Set(dto.topics)],
        challenges: dto.challenges.map((c) => ({ topicSlug: c.topic, text: c.text.trim(), urgency: c.urgency })),
        experiences: dto.experiences.map((e) => ({ topicSlug: e.topic, tried: e.tried.trim(), outcome: (e.outcome ?? '').trim() })),
      });
      await this.audit.write(m, { actorId: actor.id, action: 'town.profile_updated', subjectType: 'town', subjectId: townId });
    });
    await this.recompute.request('profile');
    return this.view(actor, townId);
  }
}
