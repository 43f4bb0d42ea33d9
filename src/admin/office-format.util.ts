// Pure German labels for the office's workspace (town status, visibility, audit actions); no Nest or database imports.
// Size classes: src/municipalities/size-class.util.ts; CSV: src/common/csv.util.ts; charts: src/common/bar-chart.util.ts.
import { AUDIT_ACTION_DE, AUDIT_SUBJECT_DE, auditActionLabel } from '../audit/audit-actions';

export const TOWN_STATUS_DE: Record<string, string> = { pending: 'wartet auf Prüfung', verified: 'bestätigt', rejected: 'abgelehnt' };
export const VISIBILITY_DE: Record<string, string> = { public: 'öffentlich', network: 'für das Netzwerk', office: 'nur Geschäftsstelle' };

/** The actions the audit filter offers, in a stable order (the central list in src/audit/audit-actions.ts). */
export const AUDIT_ACTIONS = Object.entries(AUDIT_ACTION_DE).map(([value, label]) => ({ value, label }));
export { auditActionLabel, AUDIT_SUBJECT_DE };
