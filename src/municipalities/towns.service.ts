import { HttpStatus, Injectable } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository';
import { isOffice, type SessionUser } from '../auth/session-user';
import { DomainError, townNotFound } from '../common/domain-error';
import { MatchingService } from '../matching/matching.service';
import { TopicRepository } from './topic.repository';
import { PROFILE_FIELDS, ProfileField, Town, Visibility } from './town.entity';
import { TownProfileDto } from './town-profile.dto';
import { TownRepository } from './town.repository';

const DEFAULT_VISIBILITY: Record<ProfileField, Visibility> = {
  description: 'network',
  topics: 'network',
  challenges: 'network',
  experiences: 'network',
};

/** A town as one viewer may see it: fields above the viewer's clearance are left out. */
export interface TownView {
  id: string;
  ags: string;
  name: string;
  stateName: string;
  districtName: string | null;
  associationName: string | null;
  population: number;
  areaKm2: number;
  latitude: number | null;
  longitude: number | null;
  status: Town['status'];
  isDemo: boolean;
  capacity: number;
  /** Paused by the town: no suggestions for or with it, no new requests (matching reads town.opted_out). */
  paused: boolean;
  visibility: Record<ProfileField, Visibility>;
  description?: string;
  topics?: { slug: string; name: string }[];
  challenges?: { topic: string; text: string; urgency: number }[];
  experiences?: { topic: string; tried: string; outcome: string }[];
  hiddenFields: ProfileField[];
}

@Injectable()
export class TownsService {
  constructor(
    private readonly towns: TownRepository,
    private readonly topics: TopicRepository,
    private readonly audit: AuditRepository,
    private readonly matching: MatchingService,
  ) {}

  async view(viewer: SessionUser | undefined, townId: string): Promise<TownView> {
    const town = await this.towns.findById(townId);
    if (!town) throw townNotFound();
    const own = viewer?.townId === town.id;
    // Unverified towns do not exist for other towns (and the public).
    if (town.status !== 'verified' && !own && !isOffice(viewer)) throw townNotFound();
    const clearance: Visibility[] =
      own || isOffice(viewer) ? ['public', 'network', 'office'] : (await this.inNetwork(viewer)) ? ['public', 'network'] : ['public'];
    const visibility = { ...DEFAULT_VISIBILITY, ...town.visibility };
    const shows = (f: ProfileField) => clearance.includes(visibility[f]);
    const m = town.municipality;
    return {
      id: town.id,
      ags: town.ags,
      name: m.name,
      stateName: m.stateName,
      districtName: m.districtName,
      associationName: m.associationName,
      population: m.population,
      areaKm2: m.areaKm2,
      latitude: m.latitude,
      longitude: m.longitude,
      status: town.status,
      isDemo: town.isDemo,
      capacity: town.capacity,
      paused: town.optedOut,
      visibility,
      description: shows('description') ? town.description : undefined,
      topics: shows('topics') ? town.topics.map((t) => ({ slug: t.slug, name: t.name })) : undefined,
      challenges: shows('challenges') ? town.challenges.map((c) => ({ topic: c.topicSlug, text: c.text, urgency: c.urgency })) : undefined,
      experiences: shows('experiences')
        ? town.experiences.map((e) => ({ topic: e.topicSlug, tried: e.tried, outcome: e.outcome }))
        : undefined,
      hiddenFields: PROFILE_FIELDS.filter((f) => !shows(f)),
    };
  }

  /** Network fields are for the network: contacts of verified towns (pending or rejected ones see what the public sees). */
  private async inNetwork(viewer: SessionUser | undefined): Promise<boolean> {
    return !!viewer?.townId && (await this.towns.statusOf(viewer.townId)) === 'verified';
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
    if (changed) await this.matching.requestRecompute(paused ? 'paused' : 'resumed');
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
    await this.matching.requestRecompute('profile');
    return this.view(actor, townId);
  }
}
