// Every action the audit log records, with its German label: the one list the writers (AuditRepository.write takes
// only these) and the office's audit page read. Pure, no Nest or database imports.

export const AUDIT_ACTION_DE = {
  'town.registered': 'Kommune registriert',
  'town.verified': 'Registrierung bestätigt',
  'town.rejected': 'Registrierung abgelehnt',
  'town.rejected_competing': 'Registrierung abgelehnt, weil eine andere für dieselbe Kommune bestätigt wurde',
  'town.profile_updated': 'Profil geändert',
  'town.note_added': 'Notiz der Geschäftsstelle hinzugefügt',
  'town.application_withdrawn': 'Registrierung zurückgezogen',
  'town.paused': 'Teilnahme pausiert (keine Vorschläge und Anfragen)',
  'town.resumed': 'Teilnahme wieder aufgenommen',
  'town.dormant': 'Pausiert, weil lange niemand aktiv war (Einladung zurück versendet)',
  'town.dormancy_lifted': 'Pause wegen Inaktivität aufgehoben (Anmeldung)',
  'user.email_confirmed': 'E-Mail-Adresse bestätigt',
  'user.email_change_requested': 'Änderung der E-Mail-Adresse angefordert',
  'user.email_changed': 'E-Mail-Adresse geändert',
  'user.password_changed': 'Passwort geändert',
  'user.password_reset_requested': 'Neues Passwort angefordert',
  'user.password_reset': 'Passwort zurückgesetzt',
  'user.deleted': 'Zugang gelöscht',
  'office_user.created': 'Zugang für die Geschäftsstelle angelegt',
  'contact.invited': 'Ansprechperson eingeladen',
  'contact.joined': 'Einladung angenommen',
  'contact.main_changed': 'Hauptansprechperson geändert',
  'contact.removed': 'Ansprechperson entfernt',
  'contact.address_added': 'Ansprechperson ins Adressbuch der Geschäftsstelle aufgenommen',
  'contact.address_updated': 'Eintrag im Adressbuch der Geschäftsstelle geändert',
  'contact.address_removed': 'Eintrag aus dem Adressbuch der Geschäftsstelle entfernt',
  'contact.address_opted_out': 'Person aus dem Adressbuch wünscht keine weiteren E-Mails',
  'contact.claim_invited': 'Person aus dem Adressbuch eingeladen, das Konto der Kommune zu übernehmen',
  'contact.address_claimed': 'Konto der Kommune übernommen (Eintrag im Adressbuch)',
  'suggestion.dismissed': 'Vorschlag ausgeblendet',
  'suggestion.restored': 'ausgeblendeten Vorschlag wieder angezeigt',
  'tandem.requested': 'Tandem angefragt',
  'tandem.proposed': 'Tandem von der Geschäftsstelle vorgeschlagen',
  'tandem.paired': 'Tandem von der Geschäftsstelle außerhalb einer Tandemrunde vorgeschlagen',
  'tandem.accept': 'Tandem angenommen',
  'tandem.decline': 'Tandem abgelehnt',
  'tandem.withdraw': 'Tandemanfrage zurückgezogen',
  'tandem.approve': 'Tandem freigegeben',
  'tandem.reject': 'Tandem zurückgewiesen',
  'tandem.start': 'Tandem begonnen',
  'tandem.conclude': 'Tandem abgeschlossen',
  'tandem.cancel': 'Tandem vorzeitig beendet',
  'tandem.expire': 'Tandem abgelaufen',
  'tandem.not_a_fit': 'Tandem beendet: passt nicht',
  'tandem.fit_confirmed': 'Passungsfrage beantwortet: Tandem passt',
  'tandem.result_given': 'Ergebnis einer Kommune eingetragen',
  'tandem.silence_reminder': 'Erinnerung versendet: länger keine Aktivität im Tandem',
  'tandem.resting': 'Tandem ruht: keine Aktivität nach zwei Erinnerungen',
  'workshop.created': 'Werkstatt als Entwurf angelegt',
  'workshop.edit': 'Angaben der Werkstatt geändert',
  'workshop.invite': 'Kommune zur Werkstatt eingeladen',
  'workshop.withdraw_invitation': 'Einladung zur Werkstatt zurückgenommen',
  'workshop.publish': 'Werkstatt veröffentlicht, Einladungen versendet',
  'workshop.accept': 'Zusage zur Werkstatt',
  'workshop.decline': 'Absage zur Werkstatt',
  'workshop.close': 'Einladungen zur Werkstatt geschlossen',
  'workshop.confirm': 'Werkstatt bestätigt',
  'workshop.hold': 'Werkstatt als durchgeführt vermerkt',
  'workshop.document': 'Ergebnis der Werkstatt dokumentiert',
  'workshop.cancel': 'Werkstatt abgesagt',
  'practice.drafted': 'Anwendungsbeispiel als Entwurf angelegt',
  'practice.edited': 'Anwendungsbeispiel bearbeitet',
  'practice.submitted': 'Anwendungsbeispiel zur Prüfung eingereicht',
  'practice.published': 'Anwendungsbeispiel im Methodenkoffer veröffentlicht',
  'practice.returned': 'Anwendungsbeispiel mit Hinweis an die Kommune zurückgegeben',
  'practice.follow_up_answered': 'Rückmeldung zur Übernahme des Anwendungsbeispiels',
  'event.created': 'Veranstaltung als Entwurf angelegt',
  'event.edit': 'Angaben der Veranstaltung geändert',
  'event.publish': 'Veranstaltung veröffentlicht, Anmeldung geöffnet',
  'event.close': 'Anmeldung zur Veranstaltung geschlossen',
  'event.hold': 'Veranstaltung als durchgeführt vermerkt',
  'event.document': 'Ergebnisse der Veranstaltung dokumentiert',
  'event.cancel': 'Veranstaltung abgesagt',
  'event.invited': 'Einladungen zur Veranstaltung an passende Kommunen versendet',
  'event.registered': 'Person zur Veranstaltung angemeldet',
  'event.waitlisted': 'Person auf die Warteliste der Veranstaltung gesetzt',
  'event.registration_cancelled': 'Anmeldung zur Veranstaltung zurückgenommen',
  'event.moved_up': 'Person von der Warteliste nachgerückt',
  'event.attendance': 'Teilnahme an der Veranstaltung vermerkt',
  'event.propose': 'Veranstaltung von der einladenden Kommune vorgeschlagen',
  'event.approve': 'Vorschlag der Kommune von der Geschäftsstelle übernommen',
  'event.return': 'Vorschlag mit Hinweis an die Kommune zurückgegeben',
  'event.practice_drafted': 'Methodenkoffer-Entwurf aus der Veranstaltung angelegt',
} as const satisfies Record<string, string>;

export type AuditAction = keyof typeof AUDIT_ACTION_DE;

const isAuditAction = (a: string): a is AuditAction => Object.prototype.hasOwnProperty.call(AUDIT_ACTION_DE, a);

/** Never a raw code on a page: rows of actions no longer written (older data) get a generic label by their area. */
export function auditActionLabel(action: string): string {
  if (isAuditAction(action)) return AUDIT_ACTION_DE[action];
  const area = action.split('.')[0];
  return area === 'tandem'
    ? 'Änderung an einem Tandem'
    : area === 'workshop'
      ? 'Änderung an einer Werkstatt'
      : area === 'town'
        ? 'Änderung an einer Kommune'
        : area === 'user' || area === 'contact' || area === 'office_user'
          ? 'Änderung an einem Zugang'
          : area === 'practice'
            ? 'Änderung an einem Anwendungsbeispiel'
            : area === 'event'
              ? 'Änderung an einer Veranstaltung'
              : 'Sonstige Änderung';
}

export const AUDIT_SUBJECT_DE: Record<string, string> = {
  town: 'Kommune',
  tandem: 'Tandem',
  user: 'Zugang',
  workshop: 'Transferwerkstatt',
  practice: 'Anwendungsbeispiel',
  event: 'Veranstaltung',
};
