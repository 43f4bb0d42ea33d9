import { DataSource } from 'typeorm';
import { DirectoryRecord, parseDestatis, readWorkbook } from './destatis-parser.util';

export interface ImportCounts {
  total: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

const COLS = ['ags', 'ars', 'name', 'name_raw', 'type_code', 'state_code', 'state_name', 'district_name', 'association_name',
  'association_type', 'association_population', 'population', 'area_km2', 'latitude', 'longitude', 'postcode', 'degurba'] as const;
const TYPES = ['char(8)', 'char(12)', 'varchar', 'varchar', 'smallint', 'char(2)', 'varchar', 'varchar', 'varchar',
  'smallint', 'integer', 'integer', 'numeric', 'float8', 'float8', 'varchar', 'smallint'];

// Each batch is one statement with one array parameter per column (unnest), so 10,773 rows take six round trips.
const BATCH = 2000;

/** Upserts all records in one transaction: a second run adds no rows, and any failure changes nothing. */
export async function importDirectory(ds: DataSource, records: DirectoryRecord[], source = 'destatis'): Promise<ImportCounts> {
  return ds.transaction(async (m) => {
    let inserted = 0;
    let updated = 0;
    for (let i = 0; i < records.length; i += BATCH) {
      const chunk = records.slice(i, i + BATCH);
      const arrays = [
        chunk.map((r) => r.ags), chunk.map((r) => r.ars), chunk.map((r) => r.name), chunk.map((r) => r.nameRaw), chunk.map((r) => r.typeCode),
        chunk.map((r) => r.stateCode), chunk.map((r) => r.stateName), chunk.map((r) => r.districtName), chunk.map((r) => r.associationName),
        chunk.map((r) => r.associationType), chunk.map((r) => r.associationPopulation), chunk.map((r) => r.population), chunk.map((r) => r.areaKm2),
        chunk.map((r) => r.latitude), chunk.map((r) => r.longitude), chunk.map((r) => r.postcode), chunk.map((r) => r.degurba),
      ];
      const unnest = TYPES.map((t, j) => `$${j + 1}::${t}[]`).join(', ');
      const updates = COLS.filter((c) => c !== 'ags').map((c) => `${c} = EXCLUDED.${c}`).join(', ');
      const differs = COLS.filter((c) => c !== 'ags').map((c) => `municipality.${c} IS DISTINCT FROM EXCLUDED.${c}`).join(' OR ');
      const res = await m.query(
        `INSERT INTO municipality (${COLS.join(', ')}, source)
         SELECT *, $${TYPES.length + 1} FROM unnest(${unnest})
         ON CONFLICT (ags) DO UPDATE SET ${updates}, source = EXCLUDED.source, updated_at = now()
         WHERE ${differs} OR municipality.source IS DISTINCT FROM EXCLUDED.source
         RETURNING (xmax = 0) AS inserted`,
        [...arrays, source],
      );
      // xmax is 0 only for a freshly inserted row version; unchanged rows are filtered by the WHERE and not returned.
      for (const row of res as Array<{ inserted: boolean }>) {
        if (row.inserted) inserted++;
        else updated++;
      }
    }
    return { total: records.length, inserted, updated, unchanged: records.length - inserted - updated };
  });
}

/** Reads, parses and imports an extract; the file is parsed completely before the first write. */
export async function importDirectoryFile(ds: DataSource, source: string | Buffer): Promise<ImportCounts & { records: DirectoryRecord[] }> {
  const records = parseDestatis(await readWorkbook(source));
  return { ...(await importDirectory(ds, records)), records };
}
