import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { AuditAction } from './audit-actions';
import { AuditLog } from './audit-log.entity';

export interface AuditEntry {
  actorId: string | null;
  /** Only actions of the central list (each has its German label on the office's audit page). */
  action: AuditAction;
  subjectType: string;
  subjectId: string;
  reason?: string | null;
  data?: Record<string, unknown>;
}

@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async write(manager: EntityManager, e: AuditEntry): Promise<void> {
    await manager.query(
      `INSERT INTO audit_log (actor_id, action, subject_type, subject_id, reason, data) VALUES ($1, $2, $3, $4, $5, $6)`,
      [e.actorId, e.action, e.subjectType, e.subjectId, e.reason ?? null, JSON.stringify(e.data ?? {})],
    );
  }

  /** A step of an event or a workshop: its states before and after go into the data beside the step's own. */
  async writeStep(
    manager: EntityManager,
    subjectType: 'event' | 'workshop',
    subjectId: string,
    actorId: string | null,
    action: AuditAction & `${typeof subjectType}.${string}`,
    from: string | null,
    to: string,
    reason: string | null,
    data: Record<string, unknown>,
  ): Promise<void> {
    await this.write(manager, { actorId, action, subjectType, subjectId, reason, data: { from, to, ...data } });
  }

  forSubject(subjectType: string, subjectId: string): Promise<AuditLog[]> {
    return this.ds.getRepository(AuditLog).find({ where: { subjectType, subjectId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }
}
