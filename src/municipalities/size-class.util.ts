// The size classes a town falls into by population; pure, shared by the office's figures, the Methodenkoffer and matching views.

export interface SizeClass {
  key: string;
  label: string;
  short: string; // table headers
  min: number;
  max: number | null; // exclusive; null = open
}

/** BBSR's split of small towns (kleine / größere Kleinstadt), plus the places below and above. */
export const SIZE_CLASSES: readonly SizeClass[] = [
  { key: 'unter-5000', label: 'unter 5.000 Einwohner', short: 'unter 5.000', min: 0, max: 5000 },
  { key: 'kleine-kleinstadt', label: 'kleine Kleinstadt (5.000 bis 9.999)', short: '5.000 bis 9.999', min: 5000, max: 10000 },
  { key: 'groessere-kleinstadt', label: 'größere Kleinstadt (10.000 bis 19.999)', short: '10.000 bis 19.999', min: 10000, max: 20000 },
  { key: 'ab-20000', label: '20.000 Einwohner und mehr', short: 'ab 20.000', min: 20000, max: null },
];

export function sizeClassOf(population: number): SizeClass {
  return SIZE_CLASSES.find((c) => population >= c.min && (c.max === null || population < c.max)) ?? SIZE_CLASSES[0];
}
