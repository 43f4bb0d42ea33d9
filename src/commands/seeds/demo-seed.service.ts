import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { hashPassword } from '../../auth/password.util';
import { UserRepository } from '../../auth/user.repository';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { describeBundledLoad } from '../../municipalities/directory/bundled-directory.util';
import { DirectoryImportService } from '../../municipalities/directory/directory-import.service';
import { MunicipalityRepository } from '../../municipalities/municipality.repository';
import { TownRepository } from '../../municipalities/town.repository';
import { PracticeRepository } from '../../practices/practice.repository';
import { DEMO_METHODS } from './demo-methods.fixture';
import { DEMO_MAYOR_EMAIL, DEMO_OFFICE_EMAIL, type DemoLogin } from './demo-logins.util';
import fixture from './demo-towns.fixture.json';

interface FixtureProfile {
  alliance: number;
  description: string;
  topics: string[];
  challenges: { topic: string; text: string; urgency: number }[];
  experiences: { topic: string; tried: string; outcome: string }[];
  capacity: number;
}
/** A pilot town: a real municipality (its facts come from the directory), with a demo profile. */
export interface FixtureTown {
  ags: string;
  name: string;
  profile: FixtureProfile;
}

export const DEMO_TOWNS = fixture.towns as FixtureTown[];
export const DEMO_SOURCE_NOTE: string = fixture._source;
const SEELOW_AGS = '12064448';

export interface SeedSummary {
  /** Municipalities this run loaded from the bundled directory (0 when the directory was there already). */
  directoryLoaded: number;
  townsCreated: number;
  logins: DemoLogin[];
}
export interface SeedOptions {
  /** Give the two demo logins new passwords (and return them). */
  resetPasswords?: boolean;
  /** Progress lines, e.g. console.log; silent by default. */
  log?: (line: string) => void;
}

// Readable but strong: four groups of four letters/digits (≈ 93 bits) from an alphabet without look-alikes (0/O, 1/l/I).
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
function newDemoPassword(): string {
  // 256 % 57 != 0, so reject the top bytes to keep every character equally likely.
  const limit = 256 - (256 % ALPHABET.length);
  const chars: string[] = [];
  while (chars.length < 16) for (const b of randomBytes(32)) if (b < limit && chars.length < 16) chars.push(ALPHABET[b % ALPHABET.length]);
  return `Demo-${chars.join('').match(/.{4}/g)!.join('-')}`;
}

/**
 * Idempotent: the directory first (the bundled file, only if it is missing: the start has loaded it already), then in
 * one transaction the 28 pilot towns as verified demo towns with their profiles, and two demo logins.
 */
@Injectable()
export class DemoSeedService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly directory: DirectoryImportService,
    private readonly municipalities: MunicipalityRepository,
    private readonly towns: TownRepository,
    private readonly users: UserRepository,
    private readonly practices: PracticeRepository,
  ) {}

  async seed(opts: SeedOptions = {}): Promise<SeedSummary> {
    const log = opts.log ?? (() => undefined);
    // The pilot towns are real municipalities: their directory rows must be there before a town can point to them.
    const loaded = await this.directory.loadBundledIfMissing();
    if (loaded) log(describeBundledLoad(loaded));
    return this.towns.transaction(async (m) => {
      // A newer import may lack an AGS (municipalities merge): such a pilot town is left out, not a failed seed.
      const present = new Set(
        await this.municipalities.existingAgs(
          m,
          DEMO_TOWNS.map((t) => t.ags),
        ),
      );
      const absent = DEMO_TOWNS.filter((t) => !present.has(t.ags));
      if (absent.length) log(`Demo: not in the directory, left out: ${absent.map((t) => `${t.name} (${t.ags})`).join(', ')}.`);

      let townsCreated = 0;
      for (const { ags, profile } of DEMO_TOWNS) {
        if (!present.has(ags)) continue;
        // An existing town with this AGS (demo or a real registration) is left as it is.
        const id = await this.towns.createDemo(m, ags);
        if (!id) continue;
        townsCreated++;
        await this.towns.writeProfile(m, id, {
          description: profile.description,
          capacity: profile.capacity,
          visibility: {},
          topics: profile.topics,
          challenges: profile.challenges.map((c) => ({ topicSlug: c.topic, text: c.text, urgency: c.urgency })),
          experiences: profile.experiences.map((e) => ({ topicSlug: e.topic, tried: e.tried, outcome: e.outcome })),
        });
      }
      log(`Demo: ${townsCreated} pilot towns created as verified demo towns.`);
      const methods = await this.practices.ensureMethods(DEMO_METHODS, m);
      if (methods) log(`Demo: ${methods} methods of the pilot phase added to the Methodenkoffer.`);

      // The demo mayor belongs to the demo Seelow only, never to a real registration of Seelow.
      const seelow = await this.towns.findDemoIdByAgs(m, SEELOW_AGS);
      const logins = [
        await this.ensureLogin(
          m,
          { role: 'office', email: DEMO_OFFICE_EMAIL, name: 'Geschäftsstelle (Demo)', townId: null },
          opts.resetPasswords,
        ),
      ];
      if (seelow) {
        logins.push(
          await this.ensureLogin(
            m,
            { role: 'town_contact', email: DEMO_MAYOR_EMAIL, name: 'Bürgermeister Seelow (Demo)', townId: seelow },
            opts.resetPasswords,
          ),
        );
      } else {
        log('Demo: Seelow is registered as a real town, so no demo mayor login was created.');
      }
      for (const l of logins)
        log(`Demo: login ${l.email} ${l.password ? (opts.resetPasswords ? 'password reset' : 'created') : 'exists'}.`);
      return { directoryLoaded: loaded?.total ?? 0, townsCreated, logins };
    });
  }

  private async ensureLogin(
    m: EntityManager,
    u: { role: DemoLogin['role']; email: string; name: string; townId: string | null },
    reset = false,
  ): Promise<DemoLogin> {
    const existing = await this.users.findIdByEmail(u.email, m);
    if (existing && !reset) return { role: u.role, email: u.email, password: null };
    const plain = newDemoPassword();
    const passwordHash = await hashPassword(plain, this.config.passwordHash); // argon2id
    if (existing) {
      await this.users.setPasswordHash(m, existing, passwordHash);
      return { role: u.role, email: u.email, password: plain };
    }
    await this.users.insertConfirmed(m, {
      email: u.email,
      passwordHash,
      role: u.role,
      displayName: u.name,
      townId: u.townId,
      contactFunction: u.role === 'town_contact' ? 'mayor' : null,
    });
    return { role: u.role, email: u.email, password: plain };
  }
}
