import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { FeedbackInput } from './accessibility-feedback.util';
import { queryRows } from '../database/typed-query.util';
import { TransactionalRepository } from '../database/transactional.repository';

export interface OfficeRecipient {
  id: string;
  email: string;
  displayName: string;
}

/** Feedback on barriers (issue 30) and who in the office receives it. */
@Injectable()
export class AccessibilityFeedbackRepository extends TransactionalRepository {
  async insert(input: FeedbackInput, m: EntityManager = this.ds.manager): Promise<{ id: string; createdAt: Date }> {
    const [row] = await queryRows<{ id: string; createdAt: Date }>(
      m,
      `INSERT INTO accessibility_feedback (name, email, page, message) VALUES ($1, $2, $3, $4) RETURNING id, created_at AS "createdAt"`,
      [input.name, input.email, input.page, input.message],
    );
    return row;
  }

  /** The office's accounts (office and admin role) that can receive mail. */
  async officeRecipients(m: EntityManager = this.ds.manager): Promise<OfficeRecipient[]> {
    return queryRows<OfficeRecipient>(
      m,
      `SELECT id, email, display_name AS "displayName" FROM user_account
       WHERE role IN ('office', 'admin') AND deleted_at IS NULL ORDER BY created_at`,
    );
  }
}
