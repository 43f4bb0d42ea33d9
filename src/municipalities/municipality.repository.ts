import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { DirectoryRecord } from './directory/destatis-parser.util';
import { Municipality } from './municipality.entity';
import { queryRows } from '../database/typed-query.util';
import { TransactionalRepository } from '../database/transactional.repository';

const COLS = [
  'ags',
  'ars',
  'name',
  'name_raw',
  'type_code',
  'state_code',
  'state_name',
  'district_name',
  'association_name',
  'association_type',
  'association_population',
  'population',
  'area_km2',
  'latitude',
  'longitude',
  'postcode',
  'degurba',
] as const;
const TYPES = [
  'char(8)',
  'char(12)',
  'varchar',
  'varchar',
  'smallint',
  'char(2)',
  'varchar',
  'varchar',
  'varchar',
  'smallint',
  'integer',
  'integer',
  'numeric',
  'float8',
  'float8',
  'varchar',
  'smallint',
];
const FIELDS: ReadonlyArray<keyof DirectoryRecord> = [
  'ags',
  'ars',
  'name',
  'nameRaw',
  'typeCode',
  'stateCode',
  'stateName',
  'districtName',
  'associationName',
  'associationType',
  'associationPopulation',
  'population',
  'areaKm2',
  'latitude',
  'longitude',
  'postcode',
  'degurba',
];

// Each batch is one statement with one array parameter per column (unnest), so 10,773 rows take six round trips.
const BATCH = 2000;

export interface DirectoryHit extends Municipality {
  registered: boolean;
}

@Injectable()
export class MunicipalityRepository extends TransactionalRepository {
  /** Writes directory records in the caller's transaction: new AGS are added, changed rows updated, unchanged ones not touched. */
  async upsert(
    manager: EntityManager,
    records: readonly DirectoryRecord[],
    source: string,
  ): Promise<{ inserted: number; updated: number }> {
    let inserted = 0;
    let updated = 0;
    const unnest = TYPES.map((t, j) => `$${j + 1}::${t}[]`).join(', ');
    const updates = COLS.filter((c) => c !== 'ags')
      .map((c) => `${c} = EXCLUDED.${c}`)
      .join(', ');
    const differs = COLS.filter((c) => c !== 'ags')
      .map((c) => `municipality.${c} IS DISTINCT FROM EXCLUDED.${c}`)
      .join(' OR ');
    for (let i = 0; i < records.length; i += BATCH) {
      const chunk = records.slice(i, i + BATCH);
      const res = await queryRows<{ inserted: boolean }>(
        manager,
        `INSERT INTO municipality (${COLS.join(', ')}, source)
         SELECT *, $${TYPES.length + 1} FROM unnest(${unnest})
         ON CONFLICT (ags) DO UPDATE SET ${updates}, source = EXCLUDED.source, updated_at = now()
           WHERE ${differs} OR municipality.source IS DISTINCT FROM EXCLUDED.source
         RETURNING (xmax = 0) AS inserted`,
        [...FIELDS.map((f) => chunk.map((r) => r[f])), source],
      );
      // xmax is 0 only for a freshly inserted row version; unchanged rows are filtered by the WHERE and not returned.
      for (const row of res) {
        if (row.inserted) inserted++;
        else updated++;
      }
    }
    return { inserted, updated };
  }

  /** Whether any directory row carries one of these sources (the start's check before loading the bundled file). */
  async hasRowsFrom(manager: EntityManager, sources: string[]): Promise<boolean> {
    const [row] = await queryRows<{ found: boolean }>(
      manager,
      `SELECT EXISTS (SELECT 1 FROM municipality WHERE source = ANY($1::varchar[])) AS found`,
      [sources],
    );
    return row.found === true;
  }

  /** Which of these AGS the directory holds. */
  async existingAgs(manager: EntityManager, ags: string[]): Promise<string[]> {
    const rows = await queryRows<{ ags: string }>(manager, `SELECT ags FROM municipality WHERE ags = ANY($1::char(8)[])`, [ags]);
    return rows.map((r) => r.ags);
  }

  findByAgs(ags: string, manager: EntityManager = this.ds.manager): Promise<Municipality | null> {
    return manager.getRepository(Municipality).findOneBy({ ags });
  }

  /** Postcode prefix or name prefix first, then name contains; the unincorporated areas are not in the table. */
  async search(q: string, limit: number): Promise<DirectoryHit[]> {
    const term = q.trim().toLowerCase();
    const byPostcode = /^\d{2,5}$/.test(term);
    // % and _ typed by the user are literal characters, not wildcards.
    const literal = term.replace(/[%_\\]/g, '\\$&');
    const rows = await this.ds
      .getRepository(Municipality)
      .createQueryBuilder('m')
      .addSelect("EXISTS (SELECT 1 FROM town t WHERE t.ags = m.ags AND t.status = 'verified')", 'registered')
      .where(
        byPostcode ? 'm.postcode LIKE :prefix' : `(lower(m.name) LIKE :prefix ESCAPE '\\' OR lower(m.name) LIKE :contains ESCAPE '\\')`,
        {
          prefix: `${literal}%`,
          contains: `%${literal}%`,
        },
      )
      .orderBy(byPostcode ? 'm.postcode' : `CASE WHEN lower(m.name) LIKE :prefix ESCAPE '\\' THEN 0 ELSE 1 END`)
      .addOrderBy('m.population', 'DESC')
      .limit(limit)
      .getRawAndEntities();
    const raw = rows.raw as { registered: boolean }[];
    return rows.entities.map((m, i) => Object.assign(m, { registered: raw[i].registered === true }));
  }
}
