import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Municipality } from './municipality.entity';

export interface DirectoryHit extends Municipality {
  registered: boolean;
}

@Injectable()
export class MunicipalityRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  findByAgs(ags: string, manager: EntityManager = this.ds.manager): Promise<Municipality | null> {
    return manager.getRepository(Municipality).findOneBy({ ags });
  }

  /** Postcode prefix or name prefix first, then name contains; the unincorporated areas are not in the table. */
  async search(q: string, limit: number): Promise<DirectoryHit[]> {
    const term = q.trim().toLowerCase();
    const byPostcode = /^\d{2,5}$/.test(term);
    const rows = await this.ds.getRepository(Municipality)
      .createQueryBuilder('m')
      .addSelect("EXISTS (SELECT 1 FROM town t WHERE t.ags = m.ags AND t.status = 'verified')", 'registered')
      .where(byPostcode ? 'm.postcode LIKE :prefix' : '(lower(m.name) LIKE :prefix OR lower(m.name) LIKE :contains)', {
        prefix: `${term}%`,
        contains: `%${term.replace(/[%_\\]/g, '\\$&')}%`,
      })
      .orderBy(byPostcode ? 'm.postcode' : `CASE WHEN lower(m.name) LIKE :prefix THEN 0 ELSE 1 END`)
      .addOrderBy('m.population', 'DESC')
      .limit(limit)
      .getRawAndEntities();
    return rows.entities.map((m, i) => Object.assign(m, { registered: rows.raw[i].registered === true }));
  }
}
