import { Browser, Page } from 'playwright-core';
import { parseDestatis, readWorkbook } from '../../src/municipalities/directory/destatis-parser.util';
import { MapPoint, renderGermanyMap } from '../../src/maps/germany-map.util';
import { launchBrowser, screenshot, seriousA11yViolations } from '../utils/browser';
import { DESTATIS_XLSX } from '../utils/test-env';

/** 30 real small towns (5,000–20,000 inhabitants) from the Destatis extract, two per state where possible, in 3 groups. */
async function exampleTowns(): Promise<MapPoint[]> {
  const records = parseDestatis(await readWorkbook(DESTATIS_XLSX)).filter(
    (r) => r.population >= 5000 && r.population <= 20000 && r.latitude !== null && r.longitude !== null,
  );
  const byState = new Map<string, typeof records>();
  for (const r of records.sort((a, b) => a.ags.localeCompare(b.ags))) byState.set(r.stateCode, [...(byState.get(r.stateCode) ?? []), r]);
  const picked: typeof records = [];
  for (let round = 0; picked.length < 30 && round < 6; round++)
    for (const list of byState.values()) {
      const r = list[Math.floor(((round * 7 + 3) % 17) * (list.length / 17))];
      if (r && picked.length < 30 && !picked.includes(r)) picked.push(r);
    }
  return picked.map((r, i) => ({
    latitude: r.latitude!,
    longitude: r.longitude!,
    label: r.name,
    groupKey: ['a', 'b', 'c'][i % 3],
    emphasis: i === 0,
  }));
}

describe('Germany map (SVG) in headless Chromium', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 900, height: 1000 } });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('renders 30 towns in 3 groups: parses, labels do not overlap, no serious axe finding; screenshot for the eye', async () => {
    const points = await exampleTowns();
    expect(points).toHaveLength(30);
    const svg = renderGermanyMap({
      title: 'Transferwerkstätten: Gruppen auf der Karte',
      description: '30 Kleinstädte in drei Gruppen.',
      points,
      groups: [
        { key: 'a', label: 'Gruppe A: Ortskerne beleben' },
        { key: 'b', label: 'Gruppe B: Ärztliche Versorgung' },
        { key: 'c', label: 'Gruppe C: Digitale Verwaltung' },
      ],
    });
    await page.setContent(
      `<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Karte</title></head>` +
        `<body style="margin:16px;font-family:sans-serif"><main><h1>Kartenprobe</h1><div style="max-width:640px">${svg}</div></main></body></html>`,
    );
    const check = await page.evaluate((source) => {
      const doc = new DOMParser().parseFromString(source, 'image/svg+xml');
      const parseError = doc.getElementsByTagName('parsererror').length;
      const boxes = [...document.querySelectorAll<SVGTextElement>('svg .labels text')].map((t) => {
        const b = t.getBBox();
        return { text: t.textContent, x0: b.x, y0: b.y, x1: b.x + b.width, y1: b.y + b.height };
      });
      const overlapping: string[] = [];
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i];
          const b = boxes[j];
          if (a.x0 < b.x1 - 1 && b.x0 < a.x1 - 1 && a.y0 < b.y1 - 1 && b.y0 < a.y1 - 1) overlapping.push(`${a.text} / ${b.text}`);
        }
      return { parseError, labels: boxes.length, overlapping };
    }, svg);
    await screenshot(page, 'germany-map-30-towns');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'germany-map-30-towns-phone');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(390);
    await page.setViewportSize({ width: 900, height: 1000 });
    expect(check.parseError).toBe(0);
    expect(check.labels).toBeGreaterThanOrEqual(25);
    expect(check.overlapping).toEqual([]);
    expect(await seriousA11yViolations(page)).toEqual([]);
  });
});
