import { Body, Controller, Get, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser } from '../auth/current-user.decorator';
import { Roles } from '../auth/roles.guard';
import type { SessionUser } from '../auth/session-user';
import { DomainError } from '../common/domain-error';
import { asList, asText, fieldErrors, formError, validateForm } from '../common/form.util';
import { TopicRepository } from './topic.repository';
import { PROFILE_FIELDS } from './visibility/town-visibility.util';
import { TownProfileDto } from './town-profile.dto';
import { TownsService, type TownView } from './towns.service';
import { CachedPage } from '../security/page-cache.interceptor';

const ROWS = 3;
const PROFILE_GERMAN: Record<string, string> = {
  topics: 'Bitte wählen Sie nur Themen aus der Liste aus.',
  'challenges.topic': 'Bitte wählen Sie für jede Herausforderung ein Thema aus.',
  'challenges.text': 'Bitte beschreiben Sie jede Herausforderung mit 3 bis 500 Zeichen.',
  'challenges.urgency': 'Bitte wählen Sie eine Dringlichkeit aus.',
  'experiences.topic': 'Bitte wählen Sie für jede Erfahrung ein Thema aus.',
  'experiences.tried': 'Bitte beschreiben Sie jede Erfahrung mit 3 bis 1.000 Zeichen.',
  'experiences.outcome': 'Das Ergebnis einer Erfahrung darf höchstens 1.000 Zeichen lang sein.',
  description: 'Die Beschreibung darf höchstens 3.000 Zeichen lang sein.',
  capacity: 'Bitte geben Sie eine Zahl von 0 bis 5 für die Tandems an.',
  _default: 'Bitte prüfen Sie Ihre Angaben.',
};
/** The id of the input a profile field's error is about: `challenges.2.text` is the third challenge's text box. */
function profileAnchor(path: string): string | undefined {
  const row = /^(challenges|experiences)\.(\d+)\.(\w+)$/.exec(path);
  if (row) return `${row[1] === 'challenges' ? 'challenge' : 'experience'}-${row[3]}-${row[2]}`;
  if (path.startsWith('topics')) return 'themen';
  return ['description', 'capacity'].includes(path) ? path : undefined;
}
const PAUSE_DONE: Record<string, string> = {
  an: 'Ihre Kommune ist jetzt pausiert.',
  aus: 'Ihre Kommune nimmt wieder am Matching teil.',
};
const VISIBILITY_LABELS: Record<string, string> = {
  description: 'Beschreibung',
  topics: 'Themen',
  challenges: 'Herausforderungen',
  experiences: 'Erfahrungen',
};

/** Turns the flat HTML form into the API's profile shape; rows without topic and text are dropped. */
function formToProfile(body: Record<string, unknown>) {
  const cT = asList(body.challengeTopic),
    cX = asList(body.challengeText),
    cU = asList(body.challengeUrgency);
  const eT = asList(body.experienceTopic),
    eR = asList(body.experienceTried),
    eO = asList(body.experienceOutcome);
  return {
    topics: asList(body.topics),
    challenges: cT.map((topic, i) => ({ topic, text: (cX[i] ?? '').trim(), urgency: Number(cU[i] ?? 2) })).filter((c) => c.topic || c.text),
    experiences: eT
      .map((topic, i) => ({ topic, tried: (eR[i] ?? '').trim(), outcome: (eO[i] ?? '').trim() }))
      .filter((e) => e.topic || e.tried),
    description: asText(body.description),
    capacity: body.capacity === '' || body.capacity == null ? NaN : Number(body.capacity),
    visibility: Object.fromEntries(PROFILE_FIELDS.map((f) => [f, asText(body[`visibility_${f}`] ?? 'network')])),
  };
}

@ApiExcludeController()
@Roles('town_contact')
@Controller('meine-kommune')
export class TownProfilePagesController {
  constructor(
    private readonly towns: TownsService,
    private readonly topics: TopicRepository,
  ) {}

  @CachedPage()
  @Get()
  async show(
    @CurrentUser() user: SessionUser,
    @Query('gespeichert') saved: string | undefined,
    @Query('pause') pause: string | undefined,
    @Res() res: Response,
  ) {
    const town = await this.towns.view(user, user.townId!);
    return res.render(
      'profile',
      await this.viewModel(
        town,
        {
          topics: town.topics!.map((t) => t.slug),
          challenges: town.challenges!,
          experiences: town.experiences!,
          description: town.description!,
          capacity: town.capacity,
          visibility: town.visibility!, // the own town: always with its settings
        },
        { saved: saved === '1', pauseDone: PAUSE_DONE[pause ?? ''] },
      ),
    );
  }

  @Post('pause')
  async pause(@CurrentUser() user: SessionUser, @Body() body: Record<string, unknown>, @Res() res: Response) {
    const paused = body.paused === 'ja' ? true : body.paused === 'nein' ? false : null;
    if (paused === null)
      throw new DomainError(400, 'bad_pause', 'paused must be ja or nein', 'Bitte wählen Sie „Pausieren“ oder „Fortsetzen“.');
    await this.towns.setPaused(user, user.townId!, paused);
    return res.redirect(303, `/meine-kommune?pause=${paused ? 'an' : 'aus'}`);
  }

  @Post()
  async save(@CurrentUser() user: SessionUser, @Body() body: Record<string, unknown>, @Res() res: Response) {
    const plain = formToProfile(body);
    const { dto, errors } = await validateForm(TownProfileDto, plain, PROFILE_GERMAN, profileAnchor);
    if (!errors.length) {
      try {
        await this.towns.updateProfile(user, user.townId!, dto);
        return res.redirect(303, '/meine-kommune?gespeichert=1');
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        errors.push(formError(err.messageDe, err.field && profileAnchor(err.field)));
      }
    }
    const town = await this.towns.view(user, user.townId!);
    const model = await this.viewModel(town, plain, { errors, fieldErrors: fieldErrors(errors) });
    return res.status(400).render('profile', { ...model, title: `Fehler: ${model.title}` });
  }

  private async viewModel(town: TownView, form: ReturnType<typeof formToProfile>, extra: Record<string, unknown>) {
    const all = await this.topics.listActive();
    const selected = new Set<string>(form.topics);
    const pad = <T>(rows: T[], empty: T) => [...rows, ...Array.from({ length: Math.max(ROWS - rows.length, 1) }, () => empty)];
    return {
      title: `Profil ${town.name}`,
      town,
      form,
      topics: all.map((t) => ({ slug: t.slug, name: t.name, selected: selected.has(t.slug) })),
      challengeRows: pad(form.challenges, { topic: '', text: '', urgency: 2 }),
      experienceRows: pad(form.experiences, { topic: '', tried: '', outcome: '' }),
      visibilityRows: PROFILE_FIELDS.map((f) => ({ field: f, label: VISIBILITY_LABELS[f], value: form.visibility[f] ?? 'network' })),
      ...extra,
    };
  }
}
