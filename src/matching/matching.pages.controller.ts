import { Body, Controller, Get, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser } from '../auth/current-user.decorator';
import { Roles } from '../auth/roles.guard';
import type { SessionUser } from '../auth/session-user';
import { DomainError } from '../common/domain-error';
import { ComponentKey } from './core/matching-input.types';
import { MatchingRepository } from './matching.repository';
import { MatchingService } from './matching.service';

const PALETTE = ['#1f5f8b', '#a4262c', '#1e7b34', '#8a4b08', '#6b2c91', '#00636b', '#7a5c00', '#3d3d3d'];
// Germany's bounding box → a 300×400 SVG (plain equirectangular; enough to see the spread across states).
const toSvg = (lat: number, lon: number) => ({ x: ((lon - 5.8) / (15.1 - 5.8)) * 280 + 10, y: ((55.1 - lat) / (55.1 - 47.2)) * 380 + 10 });

@ApiExcludeController()
@Controller()
export class MatchingPagesController {
  constructor(private readonly matching: MatchingService, private readonly repo: MatchingRepository) {}

  @Get('vorschlaege')
  @Roles('town_contact')
  async suggestions(@CurrentUser() user: SessionUser, @Res() res: Response) {
    const data = await this.matching.suggestionsFor(user, user.townId!);
    return res.render('suggestions', {
      title: 'Vorschläge',
      ...data,
      cards: data.suggestions.map((s: { score: number }) => ({ ...s, percent: Math.round(s.score * 100) })),
    });
  }

  @Get('geschaeftsstelle/matching')
  @Roles('office', 'admin')
  async office(
    @Query('thema') theme: string | undefined,
    @Query('gestartet') started: string | undefined,
    @Res() res: Response,
    @Query('gewichte') saved?: string,
    errors: string[] = [],
    status = 200,
  ) {
    const names = await this.repo.topicNames();
    const topics = Object.entries(names).map(([slug, name]) => ({ slug, name })).sort((a, b) => a.name.localeCompare(b.name, 'de'));
    const round = await this.matching.currentRun('tandem_round');
    const roundResult = round ? ((await this.matching.runResult(round.id)) as Record<string, any>) : null;
    const chosenTheme = theme && names[theme] ? theme : undefined;
    const ws = await this.matching.currentRun('workshops', chosenTheme);
    const wsResult = ws ? ((await this.matching.runResult(ws.id)) as Record<string, any>) : null;
    const groups = (wsResult?.groups ?? []).map((g: { groupNo: number; score: number; towns: { name: string; stateName: string; population: number; latitude: number; longitude: number }[] }, gi: number) => ({
      ...g,
      colour: PALETTE[gi % PALETTE.length],
      points: g.towns.filter((t) => t.latitude != null).map((t) => ({ ...toSvg(t.latitude, t.longitude), name: t.name })),
    }));
    const runs = (await this.matching.latestRuns()).slice(0, 8);
    const weights = await this.matching.weights();
    return res.status(status).render('office-matching', {
      title: 'Tandemrunde und Transferwerkstätten',
      weights: WEIGHT_FIELDS.map(([key, label]) => ({ key, label, value: weights[key] })),
      nearPreferred: weights.distancePreference === 'near',
      nearKm: weights.nearKm,
      requireTopicalBasis: weights.requireTopicalBasis !== false,
      weightsSaved: saved === '1',
      topics: topics.map((t) => ({ ...t, selected: t.slug === (ws?.theme ?? chosenTheme) })),
      round: roundResult,
      workshop: wsResult ? { ...wsResult, themeName: names[wsResult.theme] ?? wsResult.theme, groups } : null,
      runs,
      started: started === '1',
      errors,
    });
  }

  @Post('geschaeftsstelle/matching')
  @Roles('office', 'admin')
  async start(@Body() body: Record<string, string>, @CurrentUser() user: SessionUser, @Res() res: Response) {
    try {
      if (body.action === 'workshops') {
        await this.matching.startRun('workshops', { trigger: 'office', actorId: user.id, theme: body.theme, params: { minSize: 4, maxSize: 6 } });
        return res.redirect(303, `/geschaeftsstelle/matching?gestartet=1&thema=${encodeURIComponent(body.theme ?? '')}`);
      }
      const kind = body.action === 'tandem_round' ? 'tandem_round' : 'suggestions';
      await this.matching.startRun(kind, { trigger: 'office', actorId: user.id });
      return res.redirect(303, '/geschaeftsstelle/matching?gestartet=1');
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      return this.office(undefined, undefined, res, undefined, [err.messageDe], err.getStatus());
    }
  }

  /** The scoring weights as a form: each 0..1, checked by the same validation as the API. */
  @Post('geschaeftsstelle/matching/gewichte')
  @Roles('office', 'admin')
  async saveWeights(@Body() body: Record<string, string>, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const patch: Record<string, unknown> = Object.fromEntries(WEIGHT_FIELDS.map(([key]) => [key, body[key] === undefined || body[key] === '' ? NaN : Number(String(body[key]).replace(',', '.'))]));
    patch.distancePreference = body.distancePreference === 'near' ? 'near' : 'none';
    patch.nearKm = Number(body.nearKm);
    // A checkbox sends nothing when unticked.
    patch.requireTopicalBasis = body.requireTopicalBasis === '1';
    try {
      await this.matching.setWeights(user, patch);
      return res.redirect(303, '/geschaeftsstelle/matching?gewichte=1');
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      return this.office(undefined, undefined, res, undefined, ['Bitte geben Sie für jedes Gewicht eine Zahl zwischen 0 und 1 an (mindestens eines größer als 0) und eine Entfernung zwischen 10 und 1.000 km.'], err.getStatus());
    }
  }
}

const WEIGHT_FIELDS: Array<[ComponentKey, string]> = [
  ['complement', 'Herausforderung trifft Erfahrung'],
  ['sharedTopics', 'Gemeinsame Themen'],
  ['size', 'Vergleichbare Größe'],
  ['situation', 'Vergleichbare Lage'],
  ['otherState', 'Anderes Bundesland'],
  ['distance', 'Nähe (nur bei Vorliebe „nah“)'],
];
